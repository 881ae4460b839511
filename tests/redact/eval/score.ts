/**
 * Recall and precision per kind of a detector over the evaluation set. A planted value counts as
 * found when a span of its kind covers it entirely (a partly redacted value still leaks); a
 * detected span counts as correct when it overlaps a planted value of its kind.
 */
import { KINDS, type Kind } from '../../../src/redact/kinds.js';
import type { Span } from '../../../src/redact/spans.js';
import type { EvalCase } from './eval-set.js';

export interface KindScore {
  kind: Kind;
  planted: number;
  found: number;
  detected: number;
  correct: number;
  recall: number;
  precision: number;
}

export interface Miss {
  id: string;
  kind: Kind | null;
  what: string;
  value: string;
  /** For false positives: the kind the detector gave. */
  detectedAs?: Kind;
}

export interface EvalReport {
  cases: number;
  labels: number;
  perKind: KindScore[];
  misses: Miss[];
  falsePositives: Miss[];
}

export function scoreEval(cases: readonly EvalCase[], detect: (text: string) => Span[]): EvalReport {
  const planted = new Map<Kind, number>();
  const found = new Map<Kind, number>();
  const detected = new Map<Kind, number>();
  const correct = new Map<Kind, number>();
  const add = (m: Map<Kind, number>, k: Kind): void => void m.set(k, (m.get(k) ?? 0) + 1);
  const misses: Miss[] = [];
  const falsePositives: Miss[] = [];
  let labels = 0;
  for (const c of cases) {
    const spans = detect(c.text);
    labels += c.labels.length;
    for (const label of c.labels) {
      if (label.kind === null) continue;
      add(planted, label.kind);
      if (spans.some((s) => s.kind === label.kind && s.start <= label.start && s.end >= label.end)) add(found, label.kind);
      else misses.push({ id: c.id, kind: label.kind, what: label.what, value: c.text.slice(label.start, label.end) });
    }
    for (const s of spans) {
      add(detected, s.kind);
      const hit = c.labels.some((l) => l.kind === s.kind && s.start < l.end && l.start < s.end);
      if (hit) add(correct, s.kind);
      else {
        const near = c.labels.find((l) => s.start < l.end && l.start < s.end);
        falsePositives.push({ id: c.id, kind: near?.kind ?? null, what: near?.what ?? 'filler text', value: c.text.slice(s.start, s.end), detectedAs: s.kind });
      }
    }
  }
  const perKind = KINDS.map((kind): KindScore => {
    const p = planted.get(kind) ?? 0;
    const f = found.get(kind) ?? 0;
    const d = detected.get(kind) ?? 0;
    const ok = correct.get(kind) ?? 0;
    return { kind, planted: p, found: f, detected: d, correct: ok, recall: p === 0 ? 1 : f / p, precision: d === 0 ? 1 : ok / d };
  });
  return { cases: cases.length, labels, perKind, misses, falsePositives };
}

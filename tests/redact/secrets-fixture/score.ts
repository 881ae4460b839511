/**
 * Recall of the secret detectors on the fixture built from gitleaks' and detect-secrets' own test
 * cases (gitleaks.jsonl, detect-secrets.jsonl, extracted by the scripts beside this file). A
 * positive counts as found when the redact detectors report a span of the expected kind in it;
 * a negative counts as flagged when they do. Shared by the vitest test and the bench.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kind } from '../../../src/redact/kinds.js';
import type { Span } from '../../../src/redact/spans.js';

export interface FixtureCase {
  source: 'gitleaks' | 'detect-secrets';
  repo: string;
  commit: string;
  file: string;
  function: string;
  rule: string;
  label: 'positive' | 'negative';
  index: number;
  text: string;
}

export interface RuleScore {
  source: string;
  rule: string;
  positives: number;
  found: number;
  negatives: number;
  flagged: number;
  /** Positives not found, for the report. */
  missed: string[];
}

const DIR = dirname(fileURLToPath(import.meta.url));
export const FIXTURE_FILES = ['gitleaks.jsonl', 'detect-secrets.jsonl'] as const;

export function loadFixture(): FixtureCase[] {
  return FIXTURE_FILES.flatMap((f) =>
    readFileSync(join(DIR, f), 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) => JSON.parse(l) as FixtureCase),
  );
}

/** detect-secrets' IP plugin is about addresses, which the redact stage reports as `ip`, not `secret`. */
export function expectedKind(c: FixtureCase): Kind {
  return c.source === 'detect-secrets' && c.rule === 'ip_public' ? 'ip' : 'secret';
}

export function scoreFixture(cases: readonly FixtureCase[], detect: (text: string) => Span[]): RuleScore[] {
  const scores = new Map<string, RuleScore>();
  for (const c of cases) {
    const key = `${c.source}\u0000${c.rule}`;
    let s = scores.get(key);
    if (s === undefined) {
      s = { source: c.source, rule: c.rule, positives: 0, found: 0, negatives: 0, flagged: 0, missed: [] };
      scores.set(key, s);
    }
    const kind = expectedKind(c);
    const hit = detect(c.text).some((span) => span.kind === kind);
    if (c.label === 'positive') {
      s.positives++;
      if (hit) s.found++;
      else s.missed.push(c.text);
    } else {
      s.negatives++;
      if (hit) s.flagged++;
    }
  }
  return [...scores.values()].sort((a, b) => a.source.localeCompare(b.source) || a.rule.localeCompare(b.rule));
}

export interface Totals {
  positives: number;
  found: number;
  negatives: number;
  flagged: number;
}

export function totals(scores: readonly RuleScore[], source?: string): Totals {
  const t = { positives: 0, found: 0, negatives: 0, flagged: 0 };
  for (const s of scores) {
    if (source !== undefined && s.source !== source) continue;
    t.positives += s.positives;
    t.found += s.found;
    t.negatives += s.negatives;
    t.flagged += s.flagged;
  }
  return t;
}

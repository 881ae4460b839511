/**
 * Rewrites a text given its spans. Three modes:
 * - placeholder: `<EMAIL>`, `<IP_ADDRESS>`, ... (configurable per kind);
 * - mask: the same number of characters, each replaced by the mask character (line breaks kept);
 * - fake: a format-valid value from a reserved range (example.com mail, documentation IPs,
 *   555-01xx phones, test card numbers, example IBANs, SSN area 987, EXAMPLE keys), chosen by a
 *   hash of (seed, document id, value): the same value maps to the same fake within a document.
 * Text outside the spans is copied unchanged.
 */
import { fakeCard } from './card.js';
import { fakeEmail } from './email.js';
import { Prng, hash53 } from './hash.js';
import { fakeIban } from './iban.js';
import { fakeIp } from './ip.js';
import type { Kind } from './kinds.js';
import { fakePhone } from './phone.js';
import { fakeSecret } from './secrets.js';
import type { Span } from './spans.js';
import { fakeSsn } from './ssn.js';

export type ReplacementMode = 'placeholder' | 'mask' | 'fake';

export interface ReplaceOptions {
  mode: ReplacementMode;
  placeholders: Readonly<Record<Kind, string>>;
  maskChar: string;
  /** Keys the fake-value hash, so fakes cannot be matched back to guessed values without it. */
  seed: string;
}

/** Where a replacement landed in the output text (never the value). */
export interface OutputSpan {
  kind: Kind;
  /** The detector or secret rule that found it. */
  detector: string;
  start: number;
  end: number;
}

export interface Redacted {
  text: string;
  spans: OutputSpan[];
}

function mask(value: string, maskChar: string): string {
  let out = '';
  for (let k = 0; k < value.length; k++) {
    const c = value.charCodeAt(k);
    out += c === 10 || c === 13 ? value[k] : maskChar;
  }
  return out;
}

function fakeValue(value: string, span: Span, rng: Prng): string {
  switch (span.kind) {
    case 'email':
      return fakeEmail(value, rng);
    case 'ip':
      return fakeIp(value, rng);
    case 'phone':
      return fakePhone(value, rng);
    case 'credit_card':
      return fakeCard(value, rng);
    case 'iban':
      return fakeIban(value, rng);
    case 'us_ssn':
      return fakeSsn(value, rng);
    case 'secret':
      return fakeSecret(value, span.detector, rng);
  }
}

function replacement(value: string, span: Span, opts: ReplaceOptions, docKey: number): string {
  switch (opts.mode) {
    case 'placeholder':
      return opts.placeholders[span.kind];
    case 'mask':
      return mask(value, opts.maskChar);
    case 'fake':
      return fakeValue(value, span, new Prng(hash53(value, docKey)));
  }
}

/** Applies sorted, non-overlapping spans to `text` (one pass; see redactText). */
export function applySpans(text: string, spans: readonly Span[], opts: ReplaceOptions, docId: string): Redacted {
  const docKey = opts.mode === 'fake' ? hash53(`${opts.seed}\u0000${docId}`) % 0x7fffffff : 0;
  const parts: string[] = [];
  const out: OutputSpan[] = [];
  let last = 0;
  let length = 0;
  for (const span of spans) {
    const before = text.slice(last, span.start);
    const rep = replacement(text.slice(span.start, span.end), span, opts, docKey);
    parts.push(before, rep);
    length += before.length;
    out.push({ kind: span.kind, detector: span.detector, start: length, end: length + rep.length });
    length += rep.length;
    last = span.end;
  }
  parts.push(text.slice(last));
  return { text: parts.join(''), spans: out };
}

/** Passes after which redactText stops even if the text still changes (it converges in one or two). */
const MAX_PASSES = 4;

/**
 * Detects and replaces until nothing more is found. A replacement changes the characters next
 * to it (`wonka.com+31 6 7523 5375` has a word character before the `+`; `<EMAIL>+31 ...` does
 * not), so a value the first pass could not see may become visible; running to a fixed point
 * redacts it now and makes the stage idempotent. Most documents need one pass, documents with
 * values two. Output spans are in the final text's coordinates.
 */
export function redactText(text: string, detect: (t: string) => Span[], opts: ReplaceOptions, docId: string): Redacted & { passes: Span[][] } {
  let current = text;
  let spans: OutputSpan[] = [];
  const passes: Span[][] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const found = detect(current);
    if (found.length === 0) break;
    passes.push(found);
    const result = applySpans(current, found, opts, docId);
    spans = mergeOutputSpans(remapSpans(spans, found, result.spans), result.spans);
    current = result.text;
  }
  return { text: current, spans, passes };
}

/**
 * Moves earlier output spans through one more pass of replacements: a span untouched by the
 * pass shifts by the length change before it; one the pass rewrote is dropped (the new span covers it).
 */
function remapSpans(earlier: readonly OutputSpan[], replaced: readonly Span[], written: readonly OutputSpan[]): OutputSpan[] {
  const out: OutputSpan[] = [];
  let k = 0;
  let delta = 0;
  for (const s of earlier) {
    while (k < replaced.length && replaced[k]!.end <= s.start) {
      delta = written[k]!.end - replaced[k]!.end;
      k++;
    }
    const r = replaced[k];
    if (r !== undefined && r.start < s.end) continue;
    out.push({ kind: s.kind, detector: s.detector, start: s.start + delta, end: s.end + delta });
  }
  return out;
}

function mergeOutputSpans(a: readonly OutputSpan[], b: readonly OutputSpan[]): OutputSpan[] {
  return [...a, ...b].sort((x, y) => x.start - y.start);
}

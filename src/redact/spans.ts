import type { Kind } from './kinds.js';

/** A value found in a text: [start, end) in UTF-16 code units. */
export interface Span {
  start: number;
  end: number;
  kind: Kind;
  /** The detector that found it (`email`, `ipv6`, `github_token`, `pem_private_key`, ...): used by fake mode and in audits. */
  detector: string;
}

/** Tie-break when overlapping spans are equally long: the more specific kind wins. */
const PRIORITY: Readonly<Record<Kind, number>> = {
  secret: 7,
  iban: 6,
  credit_card: 5,
  us_ssn: 4,
  email: 3,
  phone: 2,
  ip: 1,
};

/** Secret detectors that go by the name a value is assigned to; a provider's rule naming the same span is more telling. */
const GENERIC: ReadonlySet<string> = new Set(['assigned_secret', 'generic-api-key']);

/**
 * Sorts spans and merges overlapping ones into their union, which takes the kind of the longest
 * member (so a card number inside a URL password stays one secret). Adjacent spans stay apart.
 */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length < 2) return spans;
  let sorted = true;
  for (let k = 1; k < spans.length; k++) {
    if (spans[k]!.start < spans[k - 1]!.start) {
      sorted = false;
      break;
    }
  }
  const list = sorted ? spans : [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  let cur = { ...list[0]! };
  let curLen = cur.end - cur.start;
  for (let k = 1; k < list.length; k++) {
    const s = list[k]!;
    if (s.start < cur.end) {
      const len = s.end - s.start;
      if (len > curLen || (len === curLen && (PRIORITY[s.kind] > PRIORITY[cur.kind] || (GENERIC.has(cur.detector) && !GENERIC.has(s.detector))))) {
        cur.kind = s.kind;
        cur.detector = s.detector;
        curLen = len;
      }
      if (s.end > cur.end) cur.end = s.end;
    } else {
      out.push(cur);
      cur = { ...s };
      curLen = cur.end - cur.start;
    }
  }
  out.push(cur);
  return out;
}

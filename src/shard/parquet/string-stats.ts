import type { Statistics } from './metadata.js';

/**
 * min/max statistics for UTF-8 columns. Parquet orders BYTE_ARRAY/STRING values as unsigned
 * bytes, which for UTF-8 is code point order; JS compares UTF-16 code units, which differs only
 * where a surrogate (a code point >= U+10000) meets a unit in U+E000..U+FFFF. Values longer
 * than MAX_STAT_BYTES are truncated: a prefix of the min is still a lower bound, and the max's
 * prefix gets its last code point incremented so it stays an upper bound (the spec's rule for
 * is_max_value_exact = false).
 */

/** Long enough for ids and labels; keeps a footer of many row groups small. */
export const MAX_STAT_BYTES = 64;

/** Maps a UTF-16 code unit so that unit order equals UTF-8 byte order at a first difference. */
function unitKey(u: number): number {
  if (u < 0xd800) return u;
  return u >= 0xe000 ? u - 0x800 : u + 0x2000;
}

/** a < b in UTF-8 byte order. */
export function utf8Less(a: string, b: string): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x < 0xd800 && y < 0xd800 ? x < y : unitKey(x) < unitKey(y);
  }
  return a.length < b.length;
}

/** The longest prefix of `s` of at most `max` UTF-8 bytes that ends on a code point boundary. */
function prefixCodePoints(s: string, max: number): number[] {
  const cps: number[] = [];
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (bytes + len > max) break;
    bytes += len;
    cps.push(cp);
  }
  return cps;
}

/** A truncated max: the prefix with its last code point incremented, or undefined when none can be. */
function upperBound(s: string, max: number): string | undefined {
  const cps = prefixCodePoints(s, max);
  while (cps.length > 0) {
    let last = (cps.pop() ?? 0) + 1;
    if (last === 0xd800) last = 0xe000; // surrogates are not code points
    if (last <= 0x10ffff) {
      const candidate = String.fromCodePoint(...cps, last);
      // the increment may need one more UTF-8 byte (U+007F -> U+0080); then drop it and carry on
      if (Buffer.byteLength(candidate, 'utf8') <= max) return candidate;
    }
  }
  return undefined;
}

/** Statistics of a string column chunk: null count, and min/max unless `minMax` is off. */
export function stringStats(values: readonly (string | null)[], nullCount: number, minMax: boolean): Statistics {
  if (!minMax) return { nullCount };
  let min: string | undefined;
  let max: string | undefined;
  for (const v of values) {
    if (v === null) continue;
    if (min === undefined || max === undefined) {
      min = max = v;
    } else if (utf8Less(v, min)) {
      min = v;
    } else if (utf8Less(max, v)) {
      max = v;
    }
  }
  if (min === undefined || max === undefined) return { nullCount };
  const minBytes = Buffer.from(min, 'utf8');
  const maxBytes = Buffer.from(max, 'utf8');
  const stats: Statistics = { nullCount, exact: { min: true, max: true } };
  if (minBytes.length <= MAX_STAT_BYTES) {
    stats.min = minBytes;
  } else {
    stats.min = Buffer.from(String.fromCodePoint(...prefixCodePoints(min, MAX_STAT_BYTES)), 'utf8');
    stats.exact = { min: false, max: true };
  }
  if (maxBytes.length <= MAX_STAT_BYTES) {
    stats.max = maxBytes;
  } else {
    const bound = upperBound(max, MAX_STAT_BYTES);
    if (bound !== undefined) stats.max = Buffer.from(bound, 'utf8');
    stats.exact = { min: stats.exact?.min ?? true, max: false };
  }
  return stats;
}

/** Line scanning shared by the filters, with the exact split rules of the Python references. */

/** Python `str.splitlines()` boundary (\r\n is handled by the caller as one break). */
function isPyLineBreak(c: number): boolean {
  return c <= 13 ? c >= 10 : c >= 0x1c && (c <= 0x1e || c === 0x85 || c === 0x2028 || c === 0x2029);
}

// eslint-disable-next-line no-control-regex -- Python's splitlines() also breaks on these control characters
const EXOTIC_BREAKS = /[\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

/**
 * Calls `onLine(start, end)` for every line of Python's `text.splitlines()`, stopping early when
 * `onLine` returns false. Texts whose only breaks are "\n" (nearly all) are split with indexOf.
 */
export function eachPyLine(text: string, onLine: (start: number, end: number) => boolean): void {
  const n = text.length;
  if (!EXOTIC_BREAKS.test(text)) {
    let p = 0;
    while (p < n) {
      const i = text.indexOf('\n', p);
      const end = i === -1 ? n : i;
      if (!onLine(p, end)) return;
      p = end + 1;
    }
    return;
  }
  let lineStart = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 13 && c < 0x1c) continue;
    if (!isPyLineBreak(c)) continue;
    if (!onLine(lineStart, i)) return;
    if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
    lineStart = i + 1;
  }
  if (lineStart < n) onLine(lineStart, n);
}

/** Number of occurrences of `needle` in `text`, non-overlapping (Python `str.count`). */
export function countOccurrences(text: string, needle: string): number {
  let count = 0;
  let i = text.indexOf(needle);
  while (i !== -1) {
    count++;
    i = text.indexOf(needle, i + needle.length);
  }
  return count;
}

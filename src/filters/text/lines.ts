/** Line scanning shared by the filters, with the exact split rules of the Python references. */
import { CHAR_FLAGS, SPACE } from './chars.js';

/** Python `str.splitlines()` boundary (\r\n is handled by the caller as one break). */
export function isPyLineBreak(c: number): boolean {
  return c <= 13 ? c >= 10 : c >= 0x1c && (c <= 0x1e || c === 0x85 || c === 0x2028 || c === 0x2029);
}

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

/**
 * Calls `onLine(start, end)` for every line of Python's `text.splitlines()`: no trailing empty
 * line after a final break, none at all for "".
 */
export function forEachPyLine(text: string, onLine: (start: number, end: number) => void): number {
  const n = text.length;
  let lineStart = 0;
  let lines = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 13 && c < 0x1c) continue;
    if (!isPyLineBreak(c)) continue;
    onLine(lineStart, i);
    lines++;
    if (c === 13 && i + 1 < n && text.charCodeAt(i + 1) === 10) i++;
    lineStart = i + 1;
  }
  if (lineStart < n) {
    onLine(lineStart, n);
    lines++;
  }
  return lines;
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

/** Whether `text[start, end)` is all whitespace (Python `line.strip() == ""`). */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if ((CHAR_FLAGS[text.charCodeAt(i)]! & SPACE) === 0) return false;
  return true;
}

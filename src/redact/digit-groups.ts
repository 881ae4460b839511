import { isDigitCode } from './chars.js';

const MAX_GROUPS = 12;
/** No value we detect spans more than this many characters of digits and separators. */
const MAX_SPAN = 48;
/** Longest digit run worth reading: a card has at most 19 digits, E.164 at most 15. */
const MAX_RUN = 20;

/**
 * The digit groups of a number-like run, read once at a candidate position and shared by the
 * card, SSN, phone and IPv4 matchers: "(231) 232-2334" read from "231" is 231 | ") " | 232 | "-" | 2334.
 * One instance is reused for every candidate, so reading allocates nothing.
 */
export class DigitGroups {
  count = 0;
  readonly start = new Int32Array(MAX_GROUPS);
  readonly end = new Int32Array(MAX_GROUPS);

  len(k: number): number {
    return this.end[k]! - this.start[k]!;
  }

  /** Length of the separator after group k (only for k < count - 1). */
  sepLen(k: number): number {
    return this.start[k + 1]! - this.end[k]!;
  }

  /** The separator after group k when it is one character, else -1. */
  sepChar(text: string, k: number): number {
    return this.sepLen(k) === 1 ? text.charCodeAt(this.end[k]!) : -1;
  }

  /** Digits of group k as a number (groups are short). */
  value(text: string, k: number): number {
    let v = 0;
    for (let p = this.start[k]!; p < this.end[k]!; p++) v = v * 10 + (text.charCodeAt(p) - 48);
    return v;
  }
}

function isSeparator(c: number): boolean {
  // space, no-break space, - . ( ) /
  return c === 32 || c === 0xa0 || c === 45 || c === 46 || c === 40 || c === 41 || c === 47;
}

/**
 * Reads digit groups starting at `i` (a digit): a group is a run of digits, and groups are joined
 * by one or two separator characters (space, no-break space, - . ( ) /). Bounded in length, so
 * reading is O(1) per candidate whatever the input.
 */
export function readDigitGroups(text: string, i: number, g: DigitGroups): void {
  if (!isDigitCode(text.charCodeAt(i))) throw new RangeError(`readDigitGroups: no digit at ${i}`);
  const n = text.length;
  const limit = Math.min(n, i + MAX_SPAN);
  g.count = 0;
  let p = i;
  while (g.count < MAX_GROUPS && p < limit) {
    let q = p;
    while (q < n && q - p <= MAX_RUN && isDigitCode(text.charCodeAt(q))) q++;
    if (q === p) break;
    g.start[g.count] = p;
    g.end[g.count] = q;
    g.count++;
    if (q - p > MAX_RUN) break;
    let s = q;
    while (s < n && s - q < 2 && isSeparator(text.charCodeAt(s))) s++;
    if (s === q || s >= n || !isDigitCode(text.charCodeAt(s))) break;
    p = s;
  }
}

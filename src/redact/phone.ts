/**
 * Phone numbers in the forms people write them:
 * - international: `+CC` then groups, 8-15 digits in all (E.164), e.g. `+44 20 7946 0958`, `+1 (231) 232-2334`, `+442079460958`;
 * - North American: `(231) 232-2334`, `231-232-2334`, `231.232.2334`, `231 232 2334`, `1-231-232-2334`;
 * - national trunk formats starting with 0: `020 7946 0958`, `01 23 45 67 89`, `07700 900123` (10-11 digits, one separator kind).
 * Years, dates, versions, prices and bare digit runs never take these shapes. Numbers whose last
 * seven digits are 555-01xx (the North American range reserved for fiction) are skipped: fake
 * mode draws from it.
 */
import { isAlnumAt, isDigitAt, isHexCode, numericLeftOk, numericRightOk } from './chars.js';
import type { DigitGroups } from './digit-groups.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

const SPACE = 32;
const NBSP = 0xa0;
const DASH = 45;
const DOT = 46;
const OPEN = 40;
const CLOSE = 41;

/** Last seven digits 555 01xx. */
function fictional(text: string, g: DigitGroups, groups: number): boolean {
  let tail = '';
  for (let k = groups - 1; k >= 0 && tail.length < 7; k--) tail = text.slice(g.start[k], g.end[k]) + tail;
  return tail.length >= 7 && tail.slice(-7, -2) === '55501';
}

function emit(text: string, g: DigitGroups, groups: number, start: number, end: number, out: Span[]): number {
  if (!fictional(text, g, groups)) out.push({ start, end, kind: 'phone', detector: 'phone' });
  return end;
}

function firstDigitAtLeast2(text: string, g: DigitGroups, k: number): boolean {
  return text.charCodeAt(g.start[k]!) >= 50;
}

function lineSeparator(c: number): boolean {
  return c === DASH || c === DOT || c === SPACE;
}

/**
 * North American numbers without a leading parenthesis: [1 sep] NXX sep NXX sep XXXX, where the
 * two separators agree (or are space then dash). Also `1 (231) 232-2334`.
 */
export function matchNanp(text: string, start: number, g: DigitGroups, out: Span[]): number {
  let k = 0;
  let paren = false;
  if (g.count >= 4 && g.len(0) === 1 && text.charCodeAt(g.start[0]!) === 49 /* 1 */) {
    const sl = g.sepLen(0);
    const c0 = text.charCodeAt(g.end[0]!);
    if (sl === 1 && lineSeparator(c0)) k = 1;
    else if (sl === 2 && c0 === SPACE && text.charCodeAt(g.end[0]! + 1) === OPEN) {
      k = 1;
      paren = true;
    } else return -1;
  }
  if (g.count < k + 3 || g.len(k) !== 3 || g.len(k + 1) !== 3 || g.len(k + 2) !== 4) return -1;
  if (!firstDigitAtLeast2(text, g, k) || !firstDigitAtLeast2(text, g, k + 1)) return -1;
  const sepB = g.sepChar(text, k + 1);
  if (!lineSeparator(sepB)) return -1;
  const aLen = g.sepLen(k);
  const a0 = text.charCodeAt(g.end[k]!);
  if (paren) {
    if (a0 !== CLOSE || aLen > 2 || (aLen === 2 && text.charCodeAt(g.end[k]! + 1) !== SPACE)) return -1;
  } else {
    if (aLen !== 1 || !lineSeparator(a0)) return -1;
    if (a0 !== sepB && !(a0 === SPACE && sepB === DASH)) return -1;
  }
  const end = g.end[k + 2]!;
  if (!numericLeftOk(text, start) || !numericRightOk(text, end)) return -1;
  return emit(text, g, k + 3, start, end, out);
}

/** `(231) 232-2334`, with the groups read after the parenthesis at `open`. */
export function matchNanpParen(text: string, open: number, g: DigitGroups, out: Span[]): number {
  if (g.count < 3 || g.len(0) !== 3 || g.len(1) !== 3 || g.len(2) !== 4) return -1;
  if (!firstDigitAtLeast2(text, g, 0) || !firstDigitAtLeast2(text, g, 1)) return -1;
  const aLen = g.sepLen(0);
  const a1 = text.charCodeAt(g.end[0]! + 1);
  if (text.charCodeAt(g.end[0]!) !== CLOSE || (aLen === 2 && a1 !== SPACE && a1 !== DASH)) return -1;
  if (!lineSeparator(g.sepChar(text, 1))) return -1;
  const end = g.end[2]!;
  if (!numericLeftOk(text, open) || !numericRightOk(text, end)) return -1;
  return emit(text, g, 3, open, end, out);
}

/** A token of 1-4 hex characters with a digit ends just before `end` ("3f", "28"). */
function numericTokenEndingAt(text: string, end: number): boolean {
  let p = end;
  let digit = false;
  while (p > 0 && end - p < 5 && isHexCode(text.charCodeAt(p - 1))) if (isDigitAt(text, --p)) digit = true;
  return p < end && end - p <= 4 && digit && !isAlnumAt(text, p - 1);
}

/** A token of 1-4 hex characters with a digit starts at `start`. */
function numericTokenStartingAt(text: string, start: number): boolean {
  let p = start;
  let digit = false;
  while (p < text.length && p - start < 5 && isHexCode(text.charCodeAt(p))) if (isDigitAt(text, p++)) digit = true;
  return p > start && p - start <= 4 && digit && !isAlnumAt(text, p);
}

/** National formats with a trunk 0: groups of 2+ digits joined by one kind of separator, 10-11 digits. */
export function matchTrunk(text: string, start: number, g: DigitGroups, out: Span[]): number {
  const l0 = g.len(0);
  if (g.count < 2 || l0 < 2 || l0 > 5) return -1;
  if (text.charCodeAt(g.start[0]!) !== 48 || text.charCodeAt(g.start[0]! + 1) === 48) return -1;
  const sep = g.sepChar(text, 0);
  if (sep !== SPACE && sep !== NBSP && sep !== DASH && sep !== DOT) return -1;
  let total = l0;
  let k = 1;
  while (k < g.count && g.sepChar(text, k - 1) === sep && g.len(k) >= 2 && total + g.len(k) <= 11) {
    total += g.len(k);
    k++;
  }
  if (k < 2 || total < 10) return -1;
  const end = g.end[k - 1]!;
  if (!numericLeftOk(text, start) || !numericRightOk(text, end)) return -1;
  // part of a longer run of separated groups, such as a hex dump "3f 01 00 00 00 50 32"
  if (text.charCodeAt(start - 1) === sep && numericTokenEndingAt(text, start - 1)) return -1;
  if (text.charCodeAt(end) === sep && numericTokenStartingAt(text, end + 1)) return -1;
  let zeroLed = 0;
  for (let j = 0; j < k; j++) if (text.charCodeAt(g.start[j]!) === 48) zeroLed++;
  if (k >= 4 && zeroLed === k) return -1; // 01 02 03 04 05
  return emit(text, g, k, start, end, out);
}

/** Separators allowed between the groups of an international number. */
function intlSeparator(text: string, g: DigitGroups, k: number): number {
  const len = g.sepLen(k);
  const a = text.charCodeAt(g.end[k]!);
  if (len === 1) return a === SPACE || a === NBSP || a === DASH || a === DOT || a === OPEN || a === CLOSE ? a : -1;
  const b = text.charCodeAt(g.end[k]! + 1);
  if ((a === SPACE || a === DASH) && b === OPEN) return OPEN;
  if (a === CLOSE && (b === SPACE || b === DASH)) return CLOSE;
  return -1;
}

/** `+CC ...` with the groups read after the plus sign at `plus`. */
export function matchInternational(text: string, plus: number, g: DigitGroups, out: Span[]): number {
  if (text.charCodeAt(g.start[0]!) === 48) return -1;
  let total = g.len(0);
  if (total > 15) return -1;
  let k = 1;
  let singles = 0;
  let open = 0;
  let openAt = 0;
  while (k < g.count) {
    const sep = intlSeparator(text, g, k - 1);
    if (sep < 0 || total + g.len(k) > 15) break;
    if (sep === OPEN) {
      if (open !== 0) break;
      open = 1;
      openAt = k;
    } else if (sep === CLOSE) {
      if (open !== 1) break;
      open = 2;
    }
    if (g.len(k) === 1) singles++;
    total += g.len(k);
    k++;
  }
  if (open === 1) {
    // an unclosed parenthesis: the number ends before it
    while (k > openAt) {
      k--;
      total -= g.len(k);
      if (g.len(k) === 1) singles--;
    }
  }
  if (total < 8 || singles > 2 || k < 1) return -1;
  const end = g.end[k - 1]!;
  if (plus > 0 && !numericLeftOk(text, plus)) return -1;
  if (!numericRightOk(text, end)) return -1;
  return emit(text, g, k, plus, end, out);
}

/**
 * A number in the layout of `value` whose last seven digits are 555 01xx (reserved for fiction
 * in North America). A leading country code or trunk digit is kept.
 */
export function fakePhone(value: string, rng: Prng): string {
  const digits = value.replace(/\D/g, '');
  const n = digits.length;
  let fake = '';
  const keep = value.startsWith('+') ? (n >= 11 ? 2 : 1) : digits.startsWith('0') || (n === 11 && digits.startsWith('1')) ? 1 : 0;
  fake += digits.slice(0, keep);
  const fill = Math.max(0, n - keep - 7);
  for (let k = 0; k < fill; k++) fake += k === 0 && keep === 0 ? String(rng.int(2, 9)) : String(rng.int(0, 9));
  fake += ('55501' + String(rng.int(0, 9)) + String(rng.int(0, 9))).slice(Math.max(0, 7 - (n - keep)));
  let k = 0;
  return value.replace(/\d/g, () => fake[k++] ?? '0');
}

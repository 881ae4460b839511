/**
 * Payment card numbers: 13-19 digits in the groups cards print (4-4-4-4, 4-4-4-4-3, Amex
 * 4-6-5, Diners 4-6-4) with spaces or dashes, or 13-16 digits written without separators at the
 * issuer's length; Luhn-valid, with an issuer prefix. Well-known test numbers are the reserved range that fake mode draws from.
 */
import { numericLeftOk, numericRightOk } from './chars.js';
import type { DigitGroups } from './digit-groups.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

/** Luhn over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let dbl = false;
  for (let k = digits.length - 1; k >= 0; k--) {
    let d = digits.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return false;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return digits.length > 0 && sum % 10 === 0;
}

/** Card numbers published by networks and payment processors for testing; never a real account. */
export const TEST_CARD_NUMBERS: readonly string[] = [
  '4222222222222',
  '36227206271667',
  '30569309025904',
  '378282246310005',
  '371449635398431',
  '4111111111111111',
  '4242424242424242',
  '4012888888881881',
  '4000056655665556',
  '5555555555554444',
  '5105105105105100',
  '2223003122003222',
  '6011111111111117',
  '3566002020360505',
  '6200000000000005',
  '6205500000000000004',
  '4007000000027',
  '4000000000000002',
  '5200828282828210',
  '378734493671000',
  '6011000990139424',
  '38520000023237',
  '3530111333300000',
  '3566111111111113',
].filter(luhnValid);

const TEST_CARDS = new Set(TEST_CARD_NUMBERS);

/** Issuer prefixes of the networks in use (Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro). */
function plausibleIssuer(digits: string): boolean {
  const d1 = digits.charCodeAt(0) - 48;
  const d2 = digits.charCodeAt(1) - 48;
  switch (d1) {
    case 4:
    case 6:
      return true;
    case 5:
      return true;
    case 3:
      return d2 === 0 || (d2 >= 4 && d2 <= 9);
    case 2: {
      const p4 = Number(digits.slice(0, 4));
      return p4 >= 2221 && p4 <= 2720;
    }
    default:
      return false;
  }
}

/** For numbers written without separators: the length the issuer uses (Amex 15, Diners 14, Visa 13 or 16, others 16). */
function brandLength(digits: string): boolean {
  const p2 = Number(digits.slice(0, 2));
  if (p2 === 34 || p2 === 37) return digits.length === 15;
  if (p2 === 36 || p2 === 38 || (p2 === 30 && Number(digits[2]) <= 5)) return digits.length === 14;
  if (digits[0] === '4') return digits.length === 13 || digits.length === 16;
  return digits.length === 16;
}

function digitsOf(text: string, g: DigitGroups, groups: number): string {
  let s = '';
  for (let k = 0; k < groups; k++) s += text.slice(g.start[k], g.end[k]);
  return s;
}

/** Whether groups [0, m) are joined by the single separator `sep`. */
function joinedBy(text: string, g: DigitGroups, m: number, sep: number): boolean {
  for (let k = 0; k < m - 1; k++) if (g.sepChar(text, k) !== sep) return false;
  return true;
}

/** How many leading groups form a card layout (0 if none). */
function layoutGroups(text: string, g: DigitGroups): number {
  const l0 = g.len(0);
  // written without separators only up to 16 digits: longer digit runs are IDs far more often
  if (l0 >= 13 && l0 <= 16) return 1;
  if (l0 !== 4 || g.count < 3) return 0;
  const sep = g.sepChar(text, 0);
  if (sep !== 32 && sep !== 45) return 0;
  if (g.count >= 4 && g.len(1) === 4 && g.len(2) === 4 && g.len(3) === 4) {
    if (g.count >= 5 && g.len(4) <= 3 && joinedBy(text, g, 5, sep) && numericRightOk(text, g.end[4]!)) {
      if (luhnValid(digitsOf(text, g, 5))) return 5;
    }
    return joinedBy(text, g, 4, sep) ? 4 : 0;
  }
  if (g.len(1) === 6 && (g.len(2) === 5 || g.len(2) === 4)) return joinedBy(text, g, 3, sep) ? 3 : 0;
  return 0;
}

/**
 * Matches a card number at the digit groups read from `start`. Pushes a span unless the number is
 * a published test number; returns the end of the number, or -1.
 */
export function matchCard(text: string, start: number, g: DigitGroups, out: Span[]): number {
  const m = layoutGroups(text, g);
  if (m === 0) return -1;
  const end = g.end[m - 1]!;
  if (!numericLeftOk(text, start) || !numericRightOk(text, end)) return -1;
  const digits = digitsOf(text, g, m);
  if (!plausibleIssuer(digits) || !luhnValid(digits)) return -1;
  if (m === 1 && !brandLength(digits)) return -1;
  if (!TEST_CARDS.has(digits)) out.push({ start, end, kind: 'credit_card', detector: 'credit_card' });
  return end;
}

/** A published test number laid out like `value` (same separators when the length matches). */
export function fakeCard(value: string, rng: Prng): string {
  const digits = value.replace(/\D/g, '');
  const same = TEST_CARD_NUMBERS.filter((t) => t.length === digits.length);
  if (same.length > 0) {
    const fake = rng.pick(same);
    let k = 0;
    return value.replace(/\d/g, () => fake[k++]!);
  }
  const fake = rng.pick(TEST_CARD_NUMBERS.filter((t) => t.length === 16));
  const sep = /\D/.exec(value)?.[0] ?? '';
  return fake.match(/\d{4}/g)!.join(sep);
}

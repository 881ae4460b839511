/**
 * International Bank Account Numbers: country code, two check digits and a national part whose
 * length the country fixes, written compactly or in groups of four; only mod-97 valid ones.
 * The registry's published example IBANs are the reserved range fake mode draws from.
 */
import { isDigitCode, isWordAt } from './chars.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

/** IBAN length per country (SWIFT IBAN registry). */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22,
  IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20,
  LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18,
  NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31,
  SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
};

/** mod 97 of the rearranged IBAN (letters as 10..35), computed digit by digit. */
export function ibanChecksumValid(compact: string): boolean {
  if (compact.length < 5) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let k = 0; k < rearranged.length; k++) {
    const c = rearranged.charCodeAt(k);
    if (c >= 48 && c <= 57) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else return false;
  }
  return rem === 1;
}

/** Check digits that make `country + ?? + bban` valid. */
export function ibanCheckDigits(country: string, bban: string): string {
  const probe = bban + country + '00';
  let rem = 0;
  for (let k = 0; k < probe.length; k++) {
    const c = probe.charCodeAt(k);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return String(98 - rem).padStart(2, '0');
}

/** Published example IBANs (registry and bank documentation). */
export const EXAMPLE_IBANS: readonly string[] = [
  'GB82WEST12345698765432',
  'GB29NWBK60161331926819',
  'DE89370400440532013000',
  'FR1420041010050500013M02606',
  'ES9121000418450200051332',
  'IT60X0542811101000000123456',
  'NL91ABNA0417164300',
  'BE68539007547034',
  'CH9300762011623852957',
  'AT611904300234573201',
  'PL61109010140000071219812874',
  'SE4550000000058398257466',
  'NO9386011117947',
  'DK5000400440116243',
  'FI2112345600000785',
  'IE29AIBK93115212345678',
  'LU280019400644750000',
  'PT50000201231234567890154',
].filter((iban) => ibanChecksumValid(iban) && LENGTHS[iban.slice(0, 2)] === iban.length);

const EXAMPLES = new Set(EXAMPLE_IBANS);

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

/** An IBAN starting at `i` (an uppercase letter at a word start); returns its end or -1. */
export function matchIban(text: string, i: number, out: Span[]): number {
  const c0 = text.charCodeAt(i);
  const c1 = text.charCodeAt(i + 1);
  if (!isUpper(c0) || !isUpper(c1) || !isDigitCode(text.charCodeAt(i + 2)) || !isDigitCode(text.charCodeAt(i + 3))) return -1;
  const len = LENGTHS[text.slice(i, i + 2)];
  if (len === undefined) return -1;
  // check digits are 02..98 by construction
  const check = (text.charCodeAt(i + 2) - 48) * 10 + (text.charCodeAt(i + 3) - 48);
  if (check < 2 || check > 98) return -1;
  const spaced = text.charCodeAt(i + 4) === 32;
  let compact = '';
  let p = i;
  while (compact.length < len) {
    if (spaced && compact.length > 0 && compact.length % 4 === 0) {
      if (text.charCodeAt(p) !== 32) return -1;
      p++;
    }
    const c = text.charCodeAt(p);
    if (!isUpper(c) && !isDigitCode(c)) return -1;
    compact += text[p];
    p++;
  }
  if (isWordAt(text, p)) return -1;
  // an IBAN-shaped value with a bad checksum is consumed, so no phone is found inside it
  if (!ibanChecksumValid(compact)) return p;
  if (!EXAMPLES.has(compact)) out.push({ start: i, end: p, kind: 'iban', detector: 'iban' });
  return p;
}

/** A published example IBAN, of the same country when one is known, spaced like `value`. */
export function fakeIban(value: string, rng: Prng): string {
  const country = value.slice(0, 2);
  const same = EXAMPLE_IBANS.filter((e) => e.startsWith(country));
  const fake = same.length > 0 ? rng.pick(same) : rng.pick(EXAMPLE_IBANS.filter((e) => e.startsWith('GB')));
  return value.includes(' ') ? fake.replace(/(.{4})(?=.)/g, '$1 ') : fake;
}

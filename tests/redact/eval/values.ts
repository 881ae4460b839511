/**
 * Generators of planted values for the evaluation set: realistic positives of every kind and
 * the tricky look-alikes that must stay. Deterministic given the PRNG.
 */
import { luhnValid } from '../../../src/redact/card.js';
import { ALNUM, HEX_LOWER, type Prng, UPPER_DIGITS, URLSAFE } from '../../../src/redact/hash.js';
import { ibanCheckDigits } from '../../../src/redact/iban.js';

export const FIRST = [
  'maria',
  'jose',
  'wei',
  'aisha',
  'john',
  'olga',
  'kenji',
  'fatima',
  'liam',
  'emma',
  'noah',
  'sofia',
  'lucas',
  'chloe',
  'arjun',
  'mei',
  'omar',
  'anna',
  'pierre',
  'ingrid',
  'diego',
  'yuki',
  'kwame',
  'nadia',
  'tom',
  'sara',
  'ivan',
  'lena',
  'raj',
  'hana',
  'anne-marie',
  'bjorn',
] as const;
export const LAST = [
  'garcia',
  'smith',
  'zhang',
  'khan',
  'mueller',
  'ivanova',
  'tanaka',
  'haddad',
  'obrien',
  'rossi',
  'dubois',
  'silva',
  'nguyen',
  'kowalski',
  'patel',
  'chen',
  'jensen',
  'okafor',
  'lindqvist',
  'moreau',
  'fernandes',
  'novak',
  'yilmaz',
  'kim',
  'schmidt',
  'brown',
  'lopez',
  'martin',
  'sato',
  'ali',
] as const;
const WORDS = [
  'acme',
  'northwind',
  'globex',
  'initech',
  'umbrella',
  'stark',
  'wayne',
  'hooli',
  'vandelay',
  'soylent',
  'cyberdyne',
  'tyrell',
  'aperture',
  'wonka',
  'oscorp',
  'pied-piper',
  'blue-harbor',
  'greenleaf',
  'sunrise',
  'redwood',
] as const;
const TLDS = ['com', 'org', 'net', 'io', 'de', 'fr', 'co.uk', 'com.au', 'edu', 'ac.jp', 'nl', 'es', 'it', 'ch', 'se', 'ca', 'in', 'com.br', 'info', 'dev'] as const;
const MAIL_HOSTS = ['gmail.com', 'yahoo.co.uk', 'outlook.com', 'protonmail.ch', 'hotmail.fr', 'web.de', 'icloud.com', 'mail.ru', 'qq.com', 'fastmail.fm'] as const;

export function personName(r: Prng): string {
  const cap = (s: string): string => s.replace(/(^|-)([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase());
  return `${cap(r.pick(FIRST))} ${cap(r.pick(LAST))}`;
}

export function companyDomain(r: Prng): string {
  const base = r.pick(WORDS);
  const tld = r.pick(TLDS);
  return r.chance(0.2) ? `${r.pick(['mail', 'corp', 'eu', 'us', 'research'])}.${base}.${tld}` : `${base}.${tld}`;
}

export function email(r: Prng): string {
  const f = r.pick(FIRST);
  const l = r.pick(LAST);
  const domain = r.chance(0.45) ? r.pick(MAIL_HOSTS) : companyDomain(r);
  const local = r.pick([
    `${f}.${l}`,
    `${f[0]}${l}`,
    `${f}_${l}`,
    `${f}+${r.pick(['news', 'work', 'git', 'shop'])}`,
    `${f}${l}${r.int(1, 99)}`,
    `${f[0]}.${l}`,
    `${f}`,
    `${l}.${f}${r.int(1960, 2005)}`,
  ]);
  const addr = `${local}@${domain}`;
  return r.chance(0.1) ? addr.replace(/^[a-z]/, (c) => c.toUpperCase()) : addr;
}

function publicV4Octets(r: Prng): [number, number, number, number] {
  for (;;) {
    const a = r.int(1, 223);
    const b = r.int(0, 255);
    const c = r.int(0, 255);
    const d = r.int(1, 254);
    const special =
      a === 10 ||
      a === 127 ||
      (a === 100 && b >= 64 && b <= 127) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 192 && b === 0) ||
      (a === 198 && (b === 18 || b === 19)) ||
      (a === 198 && b === 51) ||
      (a === 203 && b === 0);
    if (!special) return [a, b, c, d];
  }
}

export function publicIpv4(r: Prng): string {
  return publicV4Octets(r).join('.');
}

export function publicIpv6(r: Prng): string {
  const hex = (lo: number, hi: number): string => r.int(lo, hi).toString(16);
  const first = r.pick(['2001', '2400', '2404', '2600', '2606', '2607', '2620', '2a00', '2a01', '2a02', '2a03', '2c0f', '2803']);
  const second = first === '2001' ? hex(0x4000, 0xffff) : hex(0, 0xffff);
  const rest = Array.from({ length: 6 }, () => hex(0, 0xffff));
  const form = r.int(0, 2);
  let addr: string;
  if (form === 0) addr = [first, second, ...rest].join(':');
  else if (form === 1) addr = `${first}:${second}:${rest[0]}::${rest[5]}`;
  else addr = `${first}:${second}::${hex(1, 0xffff)}`;
  return r.chance(0.15) ? addr.toUpperCase() : addr;
}

function nxx(r: Prng): string {
  return String(r.int(2, 9)) + r.digits(2);
}

function line(r: Prng): string {
  // never the 555-01xx fiction range
  return String(r.int(2, 9)) + r.digits(3);
}

/** Formats people write phone numbers in that the detector covers. */
export const PHONE_FORMATS: readonly ((r: Prng) => string)[] = [
  (r) => `(${nxx(r)}) ${nxx(r)}-${line(r)}`,
  (r) => `${nxx(r)}-${nxx(r)}-${line(r)}`,
  (r) => `${nxx(r)}.${nxx(r)}.${line(r)}`,
  (r) => `${nxx(r)} ${nxx(r)} ${line(r)}`,
  (r) => `+1 ${nxx(r)} ${nxx(r)} ${line(r)}`,
  (r) => `+1-${nxx(r)}-${nxx(r)}-${line(r)}`,
  (r) => `1-${nxx(r)}-${nxx(r)}-${line(r)}`,
  (r) => `+1 (${nxx(r)}) ${nxx(r)}-${line(r)}`,
  (r) => `(${nxx(r)})${nxx(r)}-${line(r)}`,
  (r) => `+44 20 ${r.int(3, 8)}${r.digits(3)} ${r.digits(4)}`,
  (r) => `+44 7${r.digits(3)} ${r.digits(6)}`,
  (r) => `+33 ${r.int(1, 9)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  (r) => `+49 30 ${r.int(2, 9)}${r.digits(6)}`,
  (r) => `+49 (0)${r.int(30, 89)} ${r.int(2, 9)}${r.digits(6)}`,
  (r) => `+91 ${r.int(7, 9)}${r.digits(4)} ${r.digits(5)}`,
  (r) => `+81 3-${r.digits(4)}-${r.digits(4)}`,
  (r) => `+61 2 ${r.int(8, 9)}${r.digits(3)} ${r.digits(4)}`,
  (r) => `+86 13${r.digits(1)} ${r.digits(4)} ${r.digits(4)}`,
  (r) => `+34 6${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  (r) => `+39 06 ${r.digits(4)} ${r.digits(4)}`,
  (r) => `+31 6 ${r.int(1, 9)}${r.digits(7)}`,
  (r) => `+55 11 9${r.digits(4)}-${r.digits(4)}`,
  (r) => `+7 495 ${r.digits(3)}-${r.digits(2)}-${r.digits(2)}`,
  (r) => `+${r.int(30, 49)}${r.int(1, 9)}${r.digits(9)}`,
  (r) => `020 ${r.int(3, 8)}${r.digits(3)} ${r.digits(4)}`,
  (r) => `07${r.int(1, 9)}${r.digits(2)} ${r.digits(6)}`,
  (r) => `0${r.int(1, 5)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  (r) => `06 ${r.digits(2)} ${r.digits(2)} ${r.digits(2)} ${r.digits(2)}`,
  (r) => `030 ${r.int(2, 9)}${r.digits(7)}`,
  (r) => `0${r.int(20, 89)}-${r.int(2, 9)}${r.digits(6)}`,
];

/** Formats the detector is not built for (slash-separated German numbers, seven-digit local numbers): planted so recall is measured honestly. */
export const UNSUPPORTED_PHONE_FORMATS: readonly ((r: Prng) => string)[] = [(r) => `030/${r.int(2, 9)}${r.digits(6)}`, (r) => `${nxx(r)}-${line(r)}`];

/** A phone number; about one in seventeen in a format the detector does not cover. */
export function phone(r: Prng): string {
  return r.pick([...PHONE_FORMATS, ...UNSUPPORTED_PHONE_FORMATS])(r);
}

export function supportedPhone(r: Prng): string {
  return r.pick(PHONE_FORMATS)(r);
}

function luhnComplete(partial: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(partial + d)) return partial + d;
  throw new Error('unreachable');
}

const CARD_BRANDS: readonly { prefix: (r: Prng) => string; length: number }[] = [
  { prefix: () => '4', length: 16 },
  { prefix: () => '4', length: 16 },
  { prefix: (r) => String(r.int(51, 55)), length: 16 },
  { prefix: (r) => String(r.int(2221, 2720)), length: 16 },
  { prefix: (r) => r.pick(['34', '37']), length: 15 },
  { prefix: () => '6011', length: 16 },
  { prefix: (r) => r.pick(['36', '38']), length: 14 },
  { prefix: (r) => String(r.int(3528, 3589)), length: 16 },
  { prefix: () => '62', length: 16 },
  { prefix: () => '62', length: 19 },
  { prefix: () => '4', length: 13 },
];

export function cardDigits(r: Prng): string {
  const brand = r.pick(CARD_BRANDS);
  let s = brand.prefix(r);
  s += r.digits(brand.length - s.length - 1);
  return luhnComplete(s);
}

export function layoutCard(digits: string, r: Prng): string {
  // 17-19 digit cards are printed in groups (4-4-4-4-3)
  const sep = r.pick(digits.length > 16 ? [' ', '-'] : [' ', '-', '']);
  if (sep === '') return digits;
  if (digits.length === 15) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  if (digits.length === 14) return [digits.slice(0, 4), digits.slice(4, 10), digits.slice(10)].join(sep);
  if (digits.length === 13) return digits;
  return (digits.match(/.{1,4}/g) ?? []).join(sep);
}

export function card(r: Prng): string {
  return layoutCard(cardDigits(r), r);
}

/** A 16-digit number with a card's layout that fails Luhn. */
export function luhnInvalidCard(r: Prng): string {
  const valid = cardDigits(r);
  const last = Number(valid[valid.length - 1]);
  return layoutCard(valid.slice(0, -1) + String((last + r.int(1, 9)) % 10), r);
}

const IBAN_SPECS: readonly { country: string; bban: (r: Prng) => string }[] = [
  { country: 'DE', bban: (r) => r.digits(18) },
  { country: 'GB', bban: (r) => r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + r.digits(14) },
  { country: 'FR', bban: (r) => r.digits(10) + r.chars(UPPER_DIGITS, 11) + r.digits(2) },
  { country: 'ES', bban: (r) => r.digits(20) },
  { country: 'IT', bban: (r) => r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 1) + r.digits(10) + r.chars(UPPER_DIGITS, 12) },
  { country: 'NL', bban: (r) => r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + r.digits(10) },
  { country: 'BE', bban: (r) => r.digits(12) },
  { country: 'CH', bban: (r) => r.digits(5) + r.chars(UPPER_DIGITS, 12) },
  { country: 'AT', bban: (r) => r.digits(16) },
  { country: 'PL', bban: (r) => r.digits(24) },
  { country: 'SE', bban: (r) => r.digits(20) },
  { country: 'NO', bban: (r) => r.digits(11) },
  { country: 'DK', bban: (r) => r.digits(14) },
  { country: 'FI', bban: (r) => r.digits(14) },
  { country: 'PT', bban: (r) => r.digits(21) },
  { country: 'IE', bban: (r) => r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ', 4) + r.digits(14) },
];

export function ibanCompact(r: Prng): string {
  const spec = r.pick(IBAN_SPECS);
  const bban = spec.bban(r);
  return spec.country + ibanCheckDigits(spec.country, bban) + bban;
}

export function spaceIban(compact: string): string {
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}

export function iban(r: Prng): string {
  const c = ibanCompact(r);
  return r.chance(0.6) ? spaceIban(c) : c;
}

/** Same IBAN with its check digits off by one or more. */
export function ibanBadChecksum(r: Prng): string {
  const c = ibanCompact(r);
  const check = (Number(c.slice(2, 4)) + r.int(1, 40)) % 97;
  const bad = c.slice(0, 2) + String(Math.max(2, check)).padStart(2, '0') + c.slice(4);
  return r.chance(0.5) ? spaceIban(bad) : bad;
}

export function ssnParts(r: Prng): [string, string, string] {
  let area = r.int(1, 899);
  if (area === 666) area = 667;
  return [String(area).padStart(3, '0'), String(r.int(1, 99)).padStart(2, '0'), String(r.int(1, 9999)).padStart(4, '0')];
}

export const B64 = ALNUM + '+/';

export function jwt(r: Prng): string {
  const header = Buffer.from(JSON.stringify({ alg: r.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })).toString('base64url');
  const claims = { sub: r.digits(r.int(6, 12)), name: personName(r), iat: r.int(1500000000, 1750000000) };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${r.chars(URLSAFE, 43)}`;
}

export function pemBody(r: Prng, eol = '\n'): string {
  const lines: string[] = [];
  const count = r.int(8, 25);
  lines.push('MII' + r.chars(B64, 61));
  for (let k = 1; k < count; k++) lines.push(r.chars(B64, 64));
  lines.push(r.chars(B64, r.int(8, 60)) + r.pick(['', '=', '==']));
  return lines.join(eol);
}

/** `n` characters from `alphabet` with at least one digit, one lower-case and one upper-case letter. */
function mixedChars(r: Prng, alphabet: string, n: number): string {
  for (;;) {
    const s = r.chars(alphabet, n);
    if (/\d/.test(s) && /[a-z]/.test(s) && /[A-Z]/.test(s)) return s;
  }
}

/** A random password or API secret: mixed classes, 12-40 characters. */
export function randomSecret(r: Prng, len = r.int(12, 40)): string {
  return mixedChars(r, ALNUM + '!#%*-_^~', len);
}

export function hexString(r: Prng, n: number): string {
  return r.chars(HEX_LOWER, n);
}

export function uuid(r: Prng): string {
  const h = hexString(r, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export function secretTokens(r: Prng): { detector: string; value: string } {
  // a packed table: one row per line reads better than one value per line
  // prettier-ignore
  const kinds: (() => { detector: string; value: string })[] = [
    () => ({ detector: 'aws_access_key_id', value: 'AKIA' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16) }),
    () => ({ detector: 'github_token', value: r.pick(['ghp_', 'gho_', 'ghs_']) + r.chars(ALNUM, 36) }),
    () => ({ detector: 'github_token', value: 'github_pat_' + r.chars(ALNUM, 22) + '_' + r.chars(ALNUM, 59) }),
    () => ({ detector: 'gitlab_token', value: 'glpat-' + r.chars(URLSAFE, 20) }),
    () => ({ detector: 'slack_token', value: r.pick(['xoxb-', 'xoxp-']) + r.digits(12) + '-' + r.digits(13) + '-' + r.chars(ALNUM, 24) }),
    () => ({ detector: 'stripe_key', value: r.pick(['sk_live_', 'rk_live_', 'sk_test_']) + r.chars(ALNUM, r.int(24, 99)) }),
    () => ({ detector: 'google_api_key', value: 'AIza' + r.chars(URLSAFE, 35) }),
    () => ({ detector: 'openai_key', value: 'sk-' + mixedChars(r, ALNUM, 48) }),
    () => ({ detector: 'openai_key', value: 'sk-proj-' + mixedChars(r, ALNUM, 40) + '_' + r.chars(URLSAFE, 60) }),
    () => ({ detector: 'npm_token', value: 'npm_' + r.chars(ALNUM, 36) }),
    () => ({ detector: 'huggingface_token', value: 'hf_' + mixedChars(r, ALNUM, 34) }),
    () => ({ detector: 'jwt', value: jwt(r) }),
  ];
  return r.pick(kinds)();
}

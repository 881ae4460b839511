/**
 * Character classes for the scanner, as a lookup table over ASCII. Detectors match ASCII, plus
 * non-ASCII letters below U+2E00 inside emails; never a surrogate, so a span cannot split a
 * surrogate pair and the text stays valid UTF-8.
 */
export const DIGIT = 1;
export const UPPER = 2;
export const LOWER = 4;
/** Letters, digits and underscore: what counts as "inside a word" for boundaries. */
export const WORD = 8;
export const HEX = 16;
/** Characters of an email local part we accept: alnum and . _ % + - */
export const LOCAL = 32;
/** Characters of a domain name: alnum . - */
export const DOMAIN = 64;

export const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  let k = 0;
  const ch = String.fromCharCode(c);
  if (c >= 48 && c <= 57) k |= DIGIT | WORD | HEX | LOCAL | DOMAIN;
  if (c >= 65 && c <= 90) k |= UPPER | WORD | LOCAL | DOMAIN;
  if (c >= 97 && c <= 122) k |= LOWER | WORD | LOCAL | DOMAIN;
  if ((c >= 65 && c <= 70) || (c >= 97 && c <= 102)) k |= HEX;
  if (ch === '_') k |= WORD | LOCAL;
  if (ch === '.' || ch === '%' || ch === '+' || ch === '-') k |= LOCAL;
  if (ch === '.' || ch === '-') k |= DOMAIN;
  CLASS[c] = k;
}

/**
 * Non-ASCII characters: Latin, Greek, Cyrillic etc. letters count as word characters (so
 * "é4111..." is not a number's start), while spaces, punctuation and CJK text do not (CJK text
 * writes numbers right next to ideographs).
 */
export function isNonAsciiWord(c: number): boolean {
  if (c === 0xa0 || c === 0xad || c === 0x3000) return false;
  if (c >= 0x2000 && c <= 0x206f) return false;
  if (c >= 0x2e00) return false;
  return true;
}

export function isWordCode(c: number): boolean {
  if (c < 128) return (CLASS[c]! & WORD) !== 0;
  return c >= 128 && isNonAsciiWord(c);
}

/** Word character at position `i` (false outside the string). */
export function isWordAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  return isWordCode(text.charCodeAt(i));
}

export function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isDigitAt(text: string, i: number): boolean {
  return isDigitCode(text.charCodeAt(i));
}

/** ASCII hex digit (0-9, A-F, a-f). */
export function isHexCode(c: number): boolean {
  return c < 128 && (CLASS[c]! & HEX) !== 0;
}

export function isHexAt(text: string, i: number): boolean {
  return isHexCode(text.charCodeAt(i));
}

/** Alphanumeric (ASCII letters and digits, plus non-ASCII letters). */
export function isAlnumAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (CLASS[c]! & (DIGIT | UPPER | LOWER)) !== 0;
  return isNonAsciiWord(c);
}

/**
 * The left edge of a number-like value at `i`: not inside a word, and not the continuation of a
 * dash-, dot- or slash-joined token such as a UUID, a version or a path ("a716-4466...", "1.2.3").
 */
export function numericLeftOk(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  if (isWordCode(p)) return false;
  if (p === 45 /* - */ || p === 46 /* . */ || p === 47 /* / */ || p === 44 /* , */) return !isAlnumAt(text, i - 2);
  return true;
}

/**
 * The right edge of a number-like value ending before `end`: not followed by a word character
 * or by a dash/dot/slash/comma that joins it to more alphanumerics ("...-01", "1.2.3.4.5").
 */
export function numericRightOk(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const c = text.charCodeAt(end);
  if (isWordCode(c)) return false;
  if (c === 45 || c === 46 || c === 47 || c === 44) return !isAlnumAt(text, end + 1);
  return true;
}

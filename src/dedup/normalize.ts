/**
 * The `simple` text normalization both dedup stages use: Unicode NFD with accents (combining
 * marks) removed, lowercase, every decimal digit to 0, punctuation, symbols and whitespace to
 * one space. `simplifyText` is the readable definition; the shingler's tokenizer applies the
 * same rules one code unit at a time through `charClass`, and a test holds the two together.
 */

export type Normalization = 'none' | 'simple';

const MARKS = /\p{M}/gu;
const DIGITS = /\p{Nd}/gu;
const SEPARATORS = /[\p{P}\p{S}\s]+/gu;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at U+0000 on purpose
const NON_ASCII = /[^\x00-\x7f]/;

export function simplifyText(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(MARKS, '').replace(DIGITS, '0').replace(SEPARATORS, ' ').trim();
}

export function normalizeText(text: string, how: Normalization): string {
  return how === 'simple' ? simplifyText(text) : text;
}

/**
 * NFD and lowercase, the two whole-string steps of `simplifyText`. ASCII is its own NFD, so the
 * common case skips the Unicode normalizer.
 */
export function foldCase(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFD').toLowerCase() : text.toLowerCase();
}

/** What the tokenizer does with a code unit of case-folded text. */
export const CharClass = {
  Word: 0,
  Separator: 1,
  /** A combining mark: removed without splitting the word. */
  Drop: 2,
  /** A decimal digit: becomes '0'. */
  Digit: 3,
  /** A high surrogate: classify the code point it starts. */
  High: 4,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

const IS_MARK = /^\p{M}$/u;
const IS_DIGIT = /^\p{Nd}$/u;
const IS_SEPARATOR = /^[\p{P}\p{S}\s]$/u;

export function classifyCodePoint(cp: number): CharClass {
  const ch = String.fromCodePoint(cp);
  if (IS_MARK.test(ch)) return CharClass.Drop;
  if (IS_DIGIT.test(ch)) return CharClass.Digit;
  if (IS_SEPARATOR.test(ch)) return CharClass.Separator;
  return CharClass.Word;
}

let bmpTable: Uint8Array | undefined;

/** Class of every BMP code unit, computed once from the same Unicode properties as `simplifyText`. */
export function charClassTable(): Uint8Array {
  if (bmpTable) return bmpTable;
  const table = new Uint8Array(0x10000);
  for (let c = 0; c < 0x10000; c++) {
    if (c >= 0xd800 && c <= 0xdbff) table[c] = CharClass.High;
    else if (c >= 0xdc00 && c <= 0xdfff)
      table[c] = CharClass.Word; // a lone low surrogate stays as it is
    else table[c] = classifyCodePoint(c);
  }
  bmpTable = table;
  return table;
}

const astralCache = new Map<number, CharClass>();

/** Class of a code point above U+FFFF (emoji, historic scripts, math digits); cached. */
export function astralClass(cp: number): CharClass {
  let cls = astralCache.get(cp);
  if (cls === undefined) {
    cls = classifyCodePoint(cp);
    astralCache.set(cp, cls);
  }
  return cls;
}

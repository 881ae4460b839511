/**
 * The `simple` text normalization both dedup stages use: Unicode NFD with accents (combining
 * marks) removed, lowercase, every decimal digit to 0, punctuation, symbols and whitespace to
 * one space. `simplifyTextByRegex` is the readable definition; `simplifyText`, `simplifiedUtf8`
 * and the shingler's tokenizer apply the same rules one code unit at a time through `charClass`
 * (four regex passes and their intermediate strings cost more than the rest of exact dedup),
 * and tests hold them together.
 */

export type Normalization = 'none' | 'simple';

const MARKS = /\p{M}/gu;
const DIGITS = /\p{Nd}/gu;
const SEPARATORS = /[\p{P}\p{S}\s]+/gu;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at U+0000 on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/** The definition of the `simple` normalization, one regex pass per rule. */
export function simplifyTextByRegex(text: string): string {
  return text.normalize('NFD').toLowerCase().replace(MARKS, '').replace(DIGITS, '0').replace(SEPARATORS, ' ').trim();
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

/** Scratch outputs, reused across documents. */
let units = new Uint16Array(1 << 16);
let utf8 = new Uint8Array(3 << 16);

/**
 * Writes the code units of the `simple` normalization of `t` into `out` and returns how many:
 * one pass, no intermediate strings. `t` is NFD-normalized and lower-cased already, except that
 * A-Z may remain (lower-cased here, so ASCII text skips toLowerCase's copy). A separator run
 * becomes one space, written only before the next kept unit, so none leads or trails (the
 * regex's trim). Every space replaces at least one dropped unit, so `out` needs t.length slots;
 * a Uint8Array only takes ASCII text.
 */
function simplifyInto(t: string, out: Uint8Array | Uint16Array): number {
  const n = t.length;
  const table = charClassTable();
  let m = 0;
  let gap = false;
  for (let i = 0; i < n; i++) {
    const c = t.charCodeAt(i);
    let cls = table[c]!;
    if (cls === 0 /* Word */) {
      if (gap) {
        if (m > 0) out[m++] = 0x20;
        gap = false;
      }
      out[m++] = c >= 0x41 && c <= 0x5a ? c + 32 : c;
      continue;
    }
    if (cls === 1 /* Separator */) {
      gap = true;
      continue;
    }
    let low = -1;
    if (cls === 4 /* High surrogate */) {
      const next = i + 1 < n ? t.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        low = next;
        cls = astralClass(((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000);
      } else cls = CharClass.Word; // a lone high surrogate stays as it is
    }
    if (cls === 2 /* Drop */) continue;
    if (cls === 1 /* Separator */) {
      gap = true;
      continue;
    }
    if (gap) {
      if (m > 0) out[m++] = 0x20;
      gap = false;
    }
    if (cls === 3 /* Digit */) out[m++] = 0x30;
    else {
      out[m++] = c;
      if (low >= 0) out[m++] = low;
    }
  }
  return m;
}

/** `simplifyInto` of any text into `units`. */
function simplifyUnits(text: string): number {
  const t = NON_ASCII.test(text) ? text.normalize('NFD').toLowerCase() : text;
  if (units.length < t.length) units = new Uint16Array(Math.max(t.length, units.length * 2));
  return simplifyInto(t, units);
}

/** `simplifyTextByRegex(text)`, computed in one pass. */
export function simplifyText(text: string): string {
  const m = simplifyUnits(text);
  let s = '';
  for (let i = 0; i < m; i += 8192) s += String.fromCharCode(...units.subarray(i, Math.min(m, i + 8192)));
  return s;
}

/**
 * The UTF-8 bytes of `simplifyText(text)` as Node encodes a string (a lone surrogate becomes
 * U+FFFD), without building the string: what the exact key hashes. A view of scratch memory,
 * valid until the next call.
 */
export function simplifiedUtf8(text: string): Uint8Array {
  if (!NON_ASCII.test(text)) {
    // ASCII text normalizes to ASCII, its own UTF-8: written straight into the byte buffer
    if (utf8.length < text.length) utf8 = new Uint8Array(Math.max(text.length, utf8.length * 2));
    return utf8.subarray(0, simplifyInto(text, utf8));
  }
  const m = simplifyUnits(text);
  if (utf8.length < 3 * m) utf8 = new Uint8Array(Math.max(3 * m, utf8.length * 2));
  const u = units;
  const b = utf8;
  let k = 0;
  for (let i = 0; i < m; i++) {
    const c = u[i]!;
    if (c < 0x80) b[k++] = c;
    else if (c < 0x800) {
      b[k++] = 0xc0 | (c >> 6);
      b[k++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      b[k++] = 0xe0 | (c >> 12);
      b[k++] = 0x80 | ((c >> 6) & 0x3f);
      b[k++] = 0x80 | (c & 0x3f);
    } else {
      const next = i + 1 < m ? u[i + 1]! : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        b[k++] = 0xf0 | (cp >> 18);
        b[k++] = 0x80 | ((cp >> 12) & 0x3f);
        b[k++] = 0x80 | ((cp >> 6) & 0x3f);
        b[k++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        b[k++] = 0xef;
        b[k++] = 0xbf;
        b[k++] = 0xbd;
      }
    }
  }
  return b.subarray(0, k);
}

/**
 * Character classes as one table lookup per UTF-16 unit, decoded once per process from the Unicode
 * properties recorded in char-classes.data.ts (see `unicodeClasses`). The definitions follow the reference rules (datatrove, Python `str` methods):
 *
 * - SPACE: Python `str.isspace()` (what `str.split()` and `str.strip()` use).
 * - PUNCT: datatrove's PUNCTUATION_SET; a token made only of these is a symbol, not a word.
 * - ALPHA: Python `str.isalpha()` = Unicode general category L*.
 * - NOSPACE: scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao,
 *   Khmer, Myanmar): each such character is a token of its own.
 * - TERMINAL: datatrove's TERMINAL_PUNCTUATION (sentence-ending marks in many scripts).
 *
 * Astral code points (outside the BMP) go through `astralFlags`, which is slower but rare.
 */
import { readFilterJson } from '../data-files.js';
import { BMP_FLAG_RUNS, BMP_SCRIPT_RUNS } from './char-classes.data.js';

export const SPACE = 1;
export const PUNCT = 2;
/** ALPHA's bit position, so hot loops can count letters without a branch. */
export const ALPHA_SHIFT = 2;
export const ALPHA = 1 << ALPHA_SHIFT;
export const NOSPACE = 8;
export const TERMINAL = 16;
/** Letter, digit or mark: the characters a word is made of (used by the URL and badword rules). */
export const WORDCHAR = 32;
/** Lower-case letter (`\p{Ll}`): a sentence does not end before one. */
export const LOWER = 128;

/** Script buckets used only to guess a document's language when no `language` stage ran. */
export const Script = {
  Other: 0,
  Latin: 1,
  Han: 2,
  Kana: 3,
  Hangul: 4,
  SouthEastAsian: 5,
  Cyrillic: 6,
  Arabic: 7,
  Greek: 8,
  Hebrew: 9,
  Indic: 10,
} as const;
export type Script = (typeof Script)[keyof typeof Script];
export const SCRIPT_COUNT = 11;

interface PunctuationData {
  punctuation: string;
  terminal: string;
}

/** Python's `str.isspace()` set. */
const PY_SPACES = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f,
  0x205f, 0x3000,
];

const NOSPACE_RE = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u;
const SCRIPT_RES: [Script, RegExp][] = [
  [Script.Latin, /\p{sc=Latin}/u],
  [Script.Han, /\p{sc=Han}/u],
  [Script.Kana, /[\p{sc=Hiragana}\p{sc=Katakana}]/u],
  [Script.Hangul, /\p{sc=Hangul}/u],
  [Script.SouthEastAsian, /[\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}]/u],
  [Script.Cyrillic, /\p{sc=Cyrillic}/u],
  [Script.Arabic, /\p{sc=Arabic}/u],
  [Script.Greek, /\p{sc=Greek}/u],
  [Script.Hebrew, /\p{sc=Hebrew}/u],
  [Script.Indic, /[\p{sc=Devanagari}\p{sc=Bengali}\p{sc=Gurmukhi}\p{sc=Gujarati}\p{sc=Oriya}\p{sc=Tamil}\p{sc=Telugu}\p{sc=Kannada}\p{sc=Malayalam}\p{sc=Sinhala}]/u],
];

function markAll(table: Uint8Array, all: string, re: RegExp, bit: number): void {
  const global = new RegExp(re.source.startsWith('[') ? `${re.source}+` : `(?:${re.source})+`, 'gu');
  for (const m of all.matchAll(global)) {
    const end = m.index + m[0].length;
    for (let i = m.index; i < end; i++) table[all.charCodeAt(i)]! |= bit;
  }
}

let bmpChars: string | undefined;

/**
 * Every BMP code point except the surrogates, in order, as one string: a global regex over it
 * lists the characters of a class (a match at index i is U+i below U+D800, U+(i+0x800) above).
 */
export function everyBmpChar(): string {
  if (bmpChars === undefined) {
    // in slices: one fromCharCode call spread over all 63k code units is several times slower
    const parts: string[] = [];
    for (let from = 0; from < 0x10000; from += 4096) {
      const codes: number[] = [];
      for (let c = from; c < from + 4096; c++) if (c < 0xd800 || c > 0xdfff) codes.push(c);
      parts.push(String.fromCharCode(...codes));
    }
    bmpChars = parts.join('');
  }
  return bmpChars;
}

/**
 * The ALPHA, WORDCHAR, LOWER and NOSPACE bits and the script bucket of every BMP code unit, from
 * this runtime's Unicode tables (global regexes over every BMP character, 30-45 ms). A process
 * reads them from `char-classes.data.ts` instead, which `generate-char-classes.ts` writes with
 * this function; tests/filters/char-classes.test.ts holds the two equal.
 */
export function unicodeClasses(): { flags: Uint8Array; scripts: Uint8Array } {
  const all = everyBmpChar();
  const flags = new Uint8Array(0x10000);
  const scripts = new Uint8Array(0x10000);
  markAll(flags, all, /\p{L}/u, ALPHA);
  markAll(flags, all, /[\p{L}\p{N}\p{M}]/u, WORDCHAR);
  markAll(flags, all, /\p{Ll}/u, LOWER);
  markAll(flags, all, NOSPACE_RE, NOSPACE);
  for (const [script, re] of SCRIPT_RES) {
    const global = new RegExp(`${re.source.startsWith('[') ? re.source : `(?:${re.source})`}+`, 'gu');
    for (const m of all.matchAll(global)) {
      const end = m.index + m[0].length;
      for (let i = m.index; i < end; i++) scripts[all.charCodeAt(i)] = script;
    }
  }
  return { flags, scripts };
}

/** A 65,536-entry table as runs `length,value;...` in base 36 (char-classes.data.ts). */
export function encodeRuns(table: Uint8Array): string {
  const runs: string[] = [];
  for (let i = 0; i < table.length;) {
    let j = i + 1;
    while (j < table.length && table[j] === table[i]) j++;
    runs.push(`${(j - i).toString(36)},${table[i]!.toString(36)}`);
    i = j;
  }
  return runs.join(';');
}

export function decodeRuns(runs: string): Uint8Array {
  const table = new Uint8Array(0x10000);
  let at = 0;
  for (const run of runs.split(';')) {
    const comma = run.indexOf(',');
    const length = Number.parseInt(run.slice(0, comma), 36);
    table.fill(Number.parseInt(run.slice(comma + 1), 36), at, at + length);
    at += length;
  }
  if (at !== table.length) throw new Error(`character class runs cover ${at} code units, not ${table.length}`);
  return table;
}

function buildTables(): { flags: Uint8Array; scripts: Uint8Array; astralTerminal: Set<number>; astralPunct: Set<number> } {
  const flags = decodeRuns(BMP_FLAG_RUNS);
  const scripts = decodeRuns(BMP_SCRIPT_RUNS);
  for (const c of PY_SPACES) flags[c]! |= SPACE;
  const data = readFilterJson<PunctuationData>('punctuation.json');
  const astralPunct = new Set<number>();
  const astralTerminal = new Set<number>();
  for (const ch of data.punctuation + data.terminal) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x10000) flags[cp]! |= PUNCT;
    else astralPunct.add(cp);
  }
  for (const ch of data.terminal) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x10000) flags[cp]! |= TERMINAL;
    else astralTerminal.add(cp);
  }
  return { flags, scripts, astralTerminal, astralPunct };
}

const tables = buildTables();

/** Class bits of a BMP code unit: `CHAR_FLAGS[c] & ALPHA`. */
export const CHAR_FLAGS: Uint8Array = tables.flags;
/** Script bucket of a BMP code unit. */
export const CHAR_SCRIPT: Uint8Array = tables.scripts;

const astralCache = new Map<number, number>();
const ASTRAL_ALPHA = /\p{L}/u;
const ASTRAL_WORD = /[\p{L}\p{N}\p{M}]/u;

/** Class bits of a code point above U+FFFF (cached: emoji, Han extensions, historic scripts). */
export function astralFlags(cp: number): number {
  let f = astralCache.get(cp);
  if (f !== undefined) return f;
  const s = String.fromCodePoint(cp);
  f = 0;
  if (ASTRAL_ALPHA.test(s)) f |= ALPHA;
  if (ASTRAL_WORD.test(s)) f |= WORDCHAR;
  if (NOSPACE_RE.test(s)) f |= NOSPACE;
  if (tables.astralPunct.has(cp)) f |= PUNCT;
  if (tables.astralTerminal.has(cp)) f |= TERMINAL;
  if (astralCache.size < 65536) astralCache.set(cp, f);
  return f;
}

export function astralScript(cp: number): Script {
  // Han extensions are the only astral script common enough to matter for the guess.
  return cp >= 0x20000 && cp <= 0x323af ? Script.Han : Script.Other;
}

/** Flags of the code point that ends at index `end` (exclusive) of `s`, surrogate pairs included. */
export function flagsBefore(s: string, end: number): number {
  const c = s.charCodeAt(end - 1);
  if (c >= 0xdc00 && c <= 0xdfff && end >= 2) {
    const hi = s.charCodeAt(end - 2);
    if (hi >= 0xd800 && hi <= 0xdbff) return astralFlags(((hi - 0xd800) << 10) + (c - 0xdc00) + 0x10000);
  }
  return CHAR_FLAGS[c]!;
}

/** Index of the first non-space unit at or after `from`, bounded by `end`. */
export function skipSpaceForward(s: string, from: number, end: number): number {
  let i = from;
  while (i < end && (CHAR_FLAGS[s.charCodeAt(i)]! & SPACE) !== 0) i++;
  return i;
}

/** Exclusive end after trimming trailing spaces of `s[start, end)`. */
export function skipSpaceBackward(s: string, start: number, end: number): number {
  let i = end;
  while (i > start && (CHAR_FLAGS[s.charCodeAt(i - 1)]! & SPACE) !== 0) i--;
  return i;
}

/** Python `str.strip()` on a whole string, without allocating when nothing is stripped. */
export function pyStrip(s: string): string {
  const a = skipSpaceForward(s, 0, s.length);
  const b = skipSpaceBackward(s, a, s.length);
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

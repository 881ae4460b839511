/**
 * Hand-written pre-tokenizers for the three standard patterns (patterns.ts). Each `scan*` takes
 * the text, the start of a piece and the end of the segment, and returns the end of the piece
 * the regex would match there, following the regex's leftmost-first backtracking order exactly.
 * Working on UTF-16 code units with one flag lookup per code point avoids the regex engine and
 * the substring allocations of matchAll; tests check every scanner against the translated regex.
 * The scanners read a Uint16Array of the text's code units (code-units.ts), not the string:
 * typed-array reads are about 3x cheaper than charCodeAt in V8.
 *
 * A lone surrogate counts as U+FFFD, which is what tiktoken sees (its JS binding encodes strings
 * to UTF-8 with replacement).
 */
import { CodeUnits, type Units } from './code-units.js';
import { compilePattern } from './regex-translate.js';
import { patternFamily } from './patterns.js';
import { codePointFlags, Flag } from './unicode/classes.js';

const F = codePointFlags();
const LETTER = Flag.Letter;
const NUMBER = Flag.Number;
const SPACE = Flag.Space;
const UPPERISH = Flag.Upperish;
const LOWERISH = Flag.Lowerish;
const LNS = LETTER | NUMBER | SPACE;

const APOS = 0x27;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;

/** Width in code units of the code point read by the last flagsAt call. */
let width = 1;

function flagsAt(text: Units, i: number, end: number): number {
  const c = text[i]!;
  if ((c & 0xf800) !== 0xd800) {
    width = 1;
    return F[c]!;
  }
  if (c < 0xdc00 && i + 1 < end) {
    const d = text[i + 1]!;
    if ((d & 0xfc00) === 0xdc00) {
      width = 2;
      return F[((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000]!;
    }
  }
  width = 1;
  return F[0xfffd]!;
}

/** End of the run of code points whose flags intersect `mask`. */
function runOf(text: Units, i: number, end: number, mask: number): number {
  while (i < end) {
    const c = text[i]!;
    // Most text is in the BMP outside the surrogates: one table read, no width bookkeeping.
    if ((c & 0xf800) !== 0xd800) {
      if ((F[c]! & mask) === 0) break;
      i++;
    } else {
      if ((flagsAt(text, i, end) & mask) === 0) break;
      i += width;
    }
  }
  return i;
}

/** End of the run of code points whose flags do not intersect `mask`. */
function runOfNot(text: Units, i: number, end: number, mask: number): number {
  while (i < end) {
    const c = text[i]!;
    if ((c & 0xf800) !== 0xd800) {
      if ((F[c]! & mask) !== 0) break;
      i++;
    } else {
      if ((flagsAt(text, i, end) & mask) !== 0) break;
      i += width;
    }
  }
  return i;
}

/** `'s|'t|'re|'ve|'m|'ll|'d` at i (case-sensitive); returns the end, or -1. */
function contraction(text: Units, i: number, end: number): number {
  if (i + 1 >= end || text[i]! !== APOS) return -1;
  const a = text[i + 1]!;
  if (a === 0x73 || a === 0x74 || a === 0x6d || a === 0x64) return i + 2;
  if (i + 2 >= end) return -1;
  const b = text[i + 2]!;
  if ((a === 0x72 && b === 0x65) || (a === 0x76 && b === 0x65) || (a === 0x6c && b === 0x6c)) return i + 3;
  return -1;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)` at i, with Rust's simple case folding (s also matches U+017F). */
function contractionCaseless(text: Units, i: number, end: number): number {
  if (i + 1 >= end || text[i]! !== APOS) return -1;
  const a = text[i + 1]!;
  if (a === 0x17f) return i + 2;
  if (!isAsciiLetter(a)) return -1;
  const la = a | 0x20;
  if (la === 0x73 || la === 0x74 || la === 0x6d || la === 0x64) return i + 2;
  if (i + 2 >= end) return -1;
  const b = text[i + 2]!;
  if (!isAsciiLetter(b)) return -1;
  const lb = b | 0x20;
  if ((la === 0x72 && lb === 0x65) || (la === 0x76 && lb === 0x65) || (la === 0x6c && lb === 0x6c)) return i + 3;
  return -1;
}

/** `\s+(?!\S)|\s+` from i, where text[i] is whitespace (all of which is in the BMP). */
function trailingSpace(text: Units, i: number, end: number): number {
  let r = i + 1;
  while (r < end && (F[text[r]!]! & SPACE) !== 0) r++;
  if (r === end || r - i === 1) return r;
  return r - 1;
}

/** `\s*[\r\n]+|\s+(?!\S)|\s+` from i, where text[i] is whitespace. */
function newlineOrTrailingSpace(text: Units, i: number, end: number): number {
  let r = i;
  let lastNewline = -1;
  while (r < end) {
    const c = text[r]!;
    if ((F[c]! & SPACE) === 0) break;
    if (c === LF || c === CR) lastNewline = r;
    r++;
  }
  if (lastNewline >= 0) return lastNewline + 1;
  if (r === end || r - i === 1) return r;
  return r - 1;
}

/** r50k_base, p50k_base, gpt2: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+` */
function scanR50k(text: Units, pos: number, end: number): number {
  const c = text[pos]!;
  if (c === APOS) {
    const e = contraction(text, pos, end);
    if (e >= 0) return e;
  }
  const q = c === SP ? pos + 1 : pos;
  if (q < end) {
    const f = flagsAt(text, q, end);
    if ((f & LETTER) !== 0) return runOf(text, q + width, end, LETTER);
    if ((f & NUMBER) !== 0) return runOf(text, q + width, end, NUMBER);
    if ((f & SPACE) === 0) return runOfNot(text, q + width, end, LNS);
  }
  return trailingSpace(text, pos, end);
}

/**
 * cl100k_base: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 * ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
 */
function scanCl100k(text: Units, pos: number, end: number): number {
  const c = text[pos]!;
  if (c === APOS) {
    const e = contractionCaseless(text, pos, end);
    if (e >= 0) return e;
  }
  const f = flagsAt(text, pos, end);
  const w = width;
  if ((f & LETTER) !== 0) return runOf(text, pos + w, end, LETTER);
  if ((f & NUMBER) !== 0) {
    let i = pos + w;
    for (let n = 1; n < 3 && i < end && (flagsAt(text, i, end) & NUMBER) !== 0; n++) i += width;
    return i;
  }
  // An optional non-letter, non-number, non-newline prefix before letters.
  if (c !== CR && c !== LF && pos + w < end && (flagsAt(text, pos + w, end) & LETTER) !== 0) {
    return runOf(text, pos + w + width, end, LETTER);
  }
  const q = c === SP ? pos + 1 : pos;
  if (q < end && (flagsAt(text, q, end) & LNS) === 0) {
    let i = runOfNot(text, q + width, end, LNS);
    while (i < end) {
      const d = text[i]!;
      if (d !== CR && d !== LF) break;
      i++;
    }
    return i;
  }
  return newlineOrTrailingSpace(text, pos, end);
}

/** o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` plus the optional contraction, from s; -1 if no match. */
function o200kLowerTail(text: Units, s: number, end: number): number {
  // The greedy upper-ish run; if no lower-only letter follows, the regex gives characters back
  // until the last one that is also lower-ish (Lm, Lo, M) can start the lower-ish run.
  let r = s;
  let lastBothEnd = -1;
  let f = 0;
  while (r < end) {
    const c = text[r]!;
    if ((c & 0xf800) !== 0xd800) {
      f = F[c]!;
      if ((f & UPPERISH) === 0) break;
      r++;
    } else {
      f = flagsAt(text, r, end);
      if ((f & UPPERISH) === 0) break;
      r += width;
    }
    if ((f & LOWERISH) !== 0) lastBothEnd = r;
  }
  let e: number;
  // The loop stopped on a code point without UPPERISH, with its flags in f.
  if (r < end && (f & LOWERISH) !== 0) e = runOf(text, r, end, LOWERISH);
  else if (lastBothEnd >= 0) e = lastBothEnd;
  else return -1;
  const k = contractionCaseless(text, e, end);
  return k >= 0 ? k : e;
}

/** o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*` plus the optional contraction, from s; -1 if no match. */
function o200kUpperHead(text: Units, s: number, end: number): number {
  const r = runOf(text, s, end, UPPERISH);
  if (r === s) return -1;
  const e = runOf(text, r, end, LOWERISH);
  const k = contractionCaseless(text, e, end);
  return k >= 0 ? k : e;
}

/** o200k_base (see O200K_PATTERN). */
function scanO200k(text: Units, pos: number, end: number): number {
  const c = text[pos]!;
  const f = flagsAt(text, pos, end);
  const w = width;
  const prefix = (f & (LETTER | NUMBER)) === 0 && c !== CR && c !== LF;
  if ((f & (UPPERISH | LOWERISH)) !== 0 || prefix) {
    let e = prefix ? o200kLowerTail(text, pos + w, end) : -1;
    if (e < 0) e = o200kLowerTail(text, pos, end);
    if (e < 0 && prefix) e = o200kUpperHead(text, pos + w, end);
    if (e < 0) e = o200kUpperHead(text, pos, end);
    if (e >= 0) return e;
  }
  if ((f & NUMBER) !== 0) {
    let i = pos + w;
    for (let n = 1; n < 3 && i < end && (flagsAt(text, i, end) & NUMBER) !== 0; n++) i += width;
    return i;
  }
  const q = c === SP ? pos + 1 : pos;
  if (q < end && (flagsAt(text, q, end) & LNS) === 0) {
    let i = runOfNot(text, q + width, end, LNS);
    while (i < end) {
      const d = text[i]!;
      if (d !== CR && d !== LF && d !== 0x2f) break;
      i++;
    }
    return i;
  }
  return newlineOrTrailingSpace(text, pos, end);
}

/** Returns the end of the pre-token that starts at pos, in the code units text[pos, end). */
export type Scanner = (text: Units, pos: number, end: number) => number;

/**
 * Splits text into pre-tokens: with the pattern's hand-written `scanner` when it has one, else
 * with the translated regex. Text the regex does not match is skipped (tiktoken) or kept as its
 * own piece (HF's Split "Isolated").
 */
export class PreTokenizer {
  readonly scanner: Scanner | undefined;
  private readonly regex: RegExp | undefined;
  private readonly units = new CodeUnits();

  constructor(
    readonly pattern: string,
    readonly keepUnmatched = false,
  ) {
    const family = patternFamily(pattern);
    this.scanner = family === 'r50k' ? scanR50k : family === 'cl100k' ? scanCl100k : family === 'o200k' ? scanO200k : undefined;
    this.regex = this.scanner ? undefined : compilePattern(pattern, 'gu');
  }

  /** Calls `piece(start, end)` for each pre-token of text[start, end), in order. */
  split(text: string, start: number, end: number, piece: (s: number, e: number) => void): void {
    const scanner = this.scanner;
    if (scanner) {
      const units = this.units.of(text);
      for (let pos = start; pos < end;) {
        const e = scanner(units, pos, end);
        piece(pos, e);
        pos = e;
      }
      return;
    }
    const segment = start === 0 && end === text.length ? text : text.slice(start, end);
    const re = this.regex!;
    re.lastIndex = 0;
    let last = 0;
    for (let m = re.exec(segment); m !== null; m = re.exec(segment)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (this.keepUnmatched && m.index > last) piece(start + last, start + m.index);
      piece(start + m.index, start + m.index + m[0].length);
      last = m.index + m[0].length;
    }
    if (this.keepUnmatched && last < segment.length) piece(start + last, end);
  }

  /** The pieces as strings (tests, the trainer's counting, the CLI). */
  pieces(text: string): string[] {
    const out: string[] = [];
    this.split(text, 0, text.length, (s, e) => out.push(text.slice(s, e)));
    return out;
  }
}

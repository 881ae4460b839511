/**
 * The one word tokenization the quality filters share, done in a single pass over char codes.
 *
 * It approximates the tokenizers the reference implementations use (NLTK's word_tokenize for
 * English in datatrove) without assuming English:
 * - whitespace (Python `isspace`) separates tokens;
 * - a run of punctuation at the start or end of a whitespace chunk is a token of its own
 *   ("father." -> "father", "."), punctuation inside a chunk stays ("don't", "3.14", "e-mail");
 * - every character of a script written without spaces (Han, Kana, Thai, Lao, Khmer, Myanmar)
 *   is a token of its own, so a Chinese page has as many words as characters instead of one.
 * A token is a *word* when it has at least one non-punctuation character, otherwise a *symbol*.
 *
 * Lengths are UTF-16 code units (Python counts code points; they differ only for astral
 * characters such as emoji).
 */
import { SPAN_HASH_SEED } from './hash-table.js';
import { ALPHA, ALPHA_SHIFT, CHAR_FLAGS, CHAR_SCRIPT, NOSPACE, PUNCT, SCRIPT_COUNT, SPACE, Script, astralFlags, astralScript } from './chars.js';

/** Token flag: has a non-punctuation character. */
export const TOKEN_WORD = 1;
/** Token flag: has an alphabetic character. */
export const TOKEN_ALPHA = 2;
/** Token flag: a single character of a script written without spaces (Han, Kana, Thai, ...). */
export const TOKEN_NOSPACE = 4;

/** Alphabetic characters outside punctuation, per script bucket (see `Script`), for the language guess. */
export interface ScriptLetters {
  readonly scriptLetters: Int32Array;
  readonly letters: number;
}

/**
 * Token spans of one text. The arrays are scratch buffers reused by the next `tokenize` call of a
 * different text: read them synchronously, never keep them.
 */
export interface Tokens extends ScriptLetters {
  readonly text: string;
  /** All tokens, symbols included (datatrove's `len(words)`). */
  readonly count: number;
  /** Tokens with a non-punctuation character. */
  readonly words: number;
  /** Summed length of the word tokens. */
  readonly wordChars: number;
  /** Tokens with at least one alphabetic character. */
  readonly alphaTokens: number;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly flags: Uint8Array;
  /** FNV-1a state over each token's UTF-16 units (SpanInterner.internHashed takes it). */
  readonly hashes: Int32Array;
}

const FNV_PRIME = 0x01000193;

/**
 * Writes the tokens of the whitespace chunk [chunkStart, chunkEnd) at index `k` and returns the
 * next free index: a leading punctuation run, the word part [wordStart, wordEnd), a trailing
 * punctuation run; or one symbol token when the chunk has no word part (wordStart < 0).
 * `leadHash` and `wordHash` are the FNV-1a states of the leading run and the word part; the
 * trailing run (a few characters) is hashed here.
 */
function emitChunk(t: Tokenizer, text: string, k: number, chunkStart: number, chunkEnd: number, wordStart: number, wordEnd: number, alpha: boolean, leadHash: number, wordHash: number): number {
  const { start, end, flags, hashes } = t;
  if (wordStart < 0) {
    start[k] = chunkStart;
    end[k] = chunkEnd;
    hashes[k] = leadHash;
    flags[k] = 0;
    return k + 1;
  }
  if (wordStart > chunkStart) {
    start[k] = chunkStart;
    end[k] = wordStart;
    hashes[k] = leadHash;
    flags[k++] = 0;
  }
  start[k] = wordStart;
  end[k] = wordEnd;
  hashes[k] = wordHash;
  flags[k++] = alpha ? TOKEN_WORD | TOKEN_ALPHA : TOKEN_WORD;
  if (wordEnd < chunkEnd) {
    let h = SPAN_HASH_SEED;
    for (let j = wordEnd; j < chunkEnd; j++) h = Math.imul(h ^ text.charCodeAt(j), FNV_PRIME);
    start[k] = wordEnd;
    end[k] = chunkEnd;
    hashes[k] = h;
    flags[k++] = 0;
  }
  return k;
}

class Tokenizer implements Tokens {
  text = '';
  count = 0;
  words = 0;
  wordChars = 0;
  alphaTokens = 0;
  letters = 0;
  scriptLetters = new Int32Array(SCRIPT_COUNT);
  start = new Int32Array(4096);
  end = new Int32Array(4096);
  flags = new Uint8Array(4096);
  hashes = new Int32Array(4096);

  run(text: string): void {
    const n = text.length;
    // A token has at least one character, so n slots always suffice: no growth checks in the loop.
    if (this.start.length < n + 1) {
      let size = this.start.length;
      while (size < n + 1) size *= 2;
      this.start = new Int32Array(size);
      this.end = new Int32Array(size);
      this.flags = new Uint8Array(size);
      this.hashes = new Int32Array(size);
    }
    const start = this.start;
    const end = this.end;
    const flags = this.flags;
    const table = CHAR_FLAGS;
    const scriptLetters = this.scriptLetters;
    scriptLetters.fill(0);
    this.text = text;
    let k = 0;
    // Letters below U+0250 are Latin; counting them in a local keeps the common case cheap.
    let latin = 0;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      let f = table[c]!;
      let width = 1;
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
        const lo = text.charCodeAt(i + 1);
        if (lo >= 0xdc00 && lo <= 0xdfff) {
          cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
          f = astralFlags(cp);
          width = 2;
        }
      }
      if (f & SPACE) {
        i += width;
        continue;
      }
      if ((f & (NOSPACE | PUNCT)) === NOSPACE) {
        if (f & ALPHA) scriptLetters[width === 2 ? astralScript(cp) : CHAR_SCRIPT[c]!]!++;
        start[k] = i;
        end[k] = i + width;
        let h = Math.imul(SPAN_HASH_SEED ^ c, FNV_PRIME);
        if (width === 2) h = Math.imul(h ^ text.charCodeAt(i + 1), FNV_PRIME);
        this.hashes[k] = h;
        flags[k++] = f & ALPHA ? TOKEN_WORD | TOKEN_ALPHA | TOKEN_NOSPACE : TOKEN_WORD | TOKEN_NOSPACE;
        i += width;
        continue;
      }
      // A whitespace chunk starts at i; it ends at whitespace or a spaceless-script character.
      const chunkStart = i;
      let wordStart = -1;
      let wordEnd = -1;
      let alpha = false;
      // FNV-1a states: of the leading punctuation run, of everything since the word started, and
      // of the word part up to its last non-punctuation character.
      let leadHash = SPAN_HASH_SEED;
      let runHash = SPAN_HASH_SEED;
      let wordHash = SPAN_HASH_SEED;
      for (;;) {
        if (wordStart >= 0 || (f & PUNCT) === 0) {
          runHash = Math.imul(runHash ^ c, FNV_PRIME);
          if (width === 2) runHash = Math.imul(runHash ^ text.charCodeAt(i + 1), FNV_PRIME);
        } else {
          leadHash = Math.imul(leadHash ^ c, FNV_PRIME);
          if (width === 2) leadHash = Math.imul(leadHash ^ text.charCodeAt(i + 1), FNV_PRIME);
        }
        if ((f & PUNCT) === 0) {
          if (wordStart < 0) wordStart = i;
          if (f & ALPHA) {
            alpha = true;
            if (width === 2) scriptLetters[astralScript(cp)]!++;
            else if (c < 0x250) latin++;
            else scriptLetters[CHAR_SCRIPT[c]!]!++;
          }
          i += width;
          // Fast path: ASCII letters and digits. Letters are counted without a branch: mixed letters
          // and digits mispredict it (measured 25% of the tokenizer's time).
          const latinBefore = latin;
          while (i < n) {
            const d = text.charCodeAt(i);
            if (d >= 128) break;
            const g = table[d]!;
            if (g & (SPACE | PUNCT)) break;
            latin += (g >> ALPHA_SHIFT) & 1;
            runHash = Math.imul(runHash ^ d, FNV_PRIME);
            i++;
          }
          if (latin !== latinBefore) alpha = true;
          wordEnd = i;
          wordHash = runHash;
        } else i += width;
        if (i >= n) break;
        c = text.charCodeAt(i);
        f = table[c]!;
        width = 1;
        cp = c;
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
          const lo = text.charCodeAt(i + 1);
          if (lo >= 0xdc00 && lo <= 0xdfff) {
            cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
            f = astralFlags(cp);
            width = 2;
          }
        }
        if (f & SPACE || (f & (NOSPACE | PUNCT)) === NOSPACE) break;
      }
      k = emitChunk(this, text, k, chunkStart, i, wordStart, wordEnd, alpha, leadHash, wordHash);
    }
    this.count = k;
    let words = 0;
    let wordChars = 0;
    let alphaTokens = 0;
    for (let t = 0; t < k; t++) {
      const tf = flags[t]!;
      if (tf & TOKEN_WORD) {
        words++;
        wordChars += end[t]! - start[t]!;
      }
      if (tf & TOKEN_ALPHA) alphaTokens++;
    }
    this.words = words;
    this.wordChars = wordChars;
    this.alphaTokens = alphaTokens;
    scriptLetters[Script.Latin]! += latin;
    let letters = 0;
    for (let j = 0; j < scriptLetters.length; j++) letters += scriptLetters[j]!;
    this.letters = letters;
  }
}

const shared = new Tokenizer();
let lastText: string | undefined;

/**
 * Tokenizes `text`, reusing the previous result when called again with the same text: a chain of
 * filters (gopher_repetition, gopher_quality, fineweb) tokenizes each document once.
 */
export function tokenize(text: string): Tokens {
  if (text !== lastText) {
    shared.run(text);
    lastText = text;
  }
  return shared;
}

/**
 * Number of tokens of `text` (`tokenize(text).count`) without recording them: the memoized
 * result when `text` was just tokenized, else a counting pass.
 */
export function countTokens(text: string): number {
  if (text === lastText) return shared.count;
  const n = text.length;
  let count = 0;
  let inChunk = false;
  let wordStart = false;
  let lastPunct = false;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    let f = CHAR_FLAGS[c]!;
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        f = astralFlags(((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000);
        width = 2;
      }
    }
    if (f & SPACE || (f & (NOSPACE | PUNCT)) === NOSPACE) {
      if (inChunk) count += chunkTokens(wordStart, lastPunct);
      inChunk = false;
      if (!(f & SPACE)) count++;
    } else {
      if (!inChunk) {
        inChunk = true;
        wordStart = false;
        count += (f & PUNCT) === 0 ? 0 : 1; // a leading punctuation run is a token
      }
      if ((f & PUNCT) === 0) {
        wordStart = true;
        lastPunct = false;
      } else lastPunct = true;
    }
    i += width;
  }
  if (inChunk) count += chunkTokens(wordStart, lastPunct);
  return count;
}

const lettersScratch = { scriptLetters: new Int32Array(SCRIPT_COUNT), letters: 0 };

/**
 * The letter counts of `tokenize(text)` without tokenizing: the memoized result when `text` was
 * just tokenized, else one pass over the characters (a filter that only needs the script guess
 * should not pay for token spans and hashes). The result is a scratch object, like `Tokens`.
 */
export function scriptLetters(text: string): ScriptLetters {
  if (text === lastText) return shared;
  const scripts = lettersScratch.scriptLetters;
  scripts.fill(0);
  const n = text.length;
  let latin = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    const f = CHAR_FLAGS[c]!;
    if ((f & (ALPHA | PUNCT)) === ALPHA) {
      // As in the tokenizer: letters below U+0250 count as Latin.
      if (c < 0x250) latin++;
      else scripts[CHAR_SCRIPT[c]!]!++;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (lo - 0xdc00) + 0x10000;
        if ((astralFlags(cp) & (ALPHA | PUNCT)) === ALPHA) scripts[astralScript(cp)]!++;
        i++;
      }
    }
  }
  scripts[Script.Latin]! += latin;
  let letters = 0;
  for (let j = 0; j < scripts.length; j++) letters += scripts[j]!;
  lettersScratch.letters = letters;
  return lettersScratch;
}

/**
 * Tokens a chunk adds at its end, given whether it had a word part and whether it ended in
 * punctuation; its leading punctuation run was counted when the chunk started. A chunk of only
 * punctuation is a single token, already counted.
 */
function chunkTokens(hasWord: boolean, endsInPunct: boolean): number {
  if (!hasWord) return 0;
  return endsInPunct ? 2 : 1;
}

/** The tokens as strings, for tests and debugging (allocates). */
export function tokenStrings(tokens: Tokens): string[] {
  const out: string[] = [];
  for (let k = 0; k < tokens.count; k++) out.push(tokens.text.slice(tokens.start[k], tokens.end[k]));
  return out;
}

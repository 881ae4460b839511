/**
 * eld's detector (Nito-ELD 2.1.0, `eld/small`, Apache-2.0) re-implemented over its own n-gram
 * database for speed. eld's `detect` keeps per-n-gram scores as objects and walks them with
 * `for...in`, which dominated the filter chain's profile; here each n-gram's scores are packed
 * into an Int32Array once at load. Text processing (separator regex, lower-casing, UTF-8 byte
 * strings, 4-byte n-grams with stride 3, the 380-byte cut) is eld's, and the result (language and
 * `getScores()` value of the top language) is identical to `eld.detect`, which a test checks.
 *
 * The database and helpers are loaded from eld's files by path (the package's `exports` do not
 * expose them), so the eld version is pinned exactly.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SluiceError } from '../../core/errors.js';

interface EldNgramsData {
  type: string;
  languages: Record<number, string>;
  ngrams: Record<string, Record<number, number>>;
}

export interface FastEld {
  readonly languages: readonly string[];
  /** Top language and its eld score; `und`/0 when eld finds none. */
  detect(text: string): { language: string; score: number };
}

/** eld subtracts this minimum from every stored score to keep its database small. */
const BASE_NGRAM_SCORE = 53;
/** eld's hand-picked scale for turning n-gram scores into 0..1. */
const SCALE = 25;

function eldDir(): string {
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths('eld') ?? []) {
    const dir = join(base, 'eld');
    if (existsSync(join(dir, 'src', 'ngrams', 'small.js'))) return dir;
  }
  throw new SluiceError('SLUICE_INTERNAL', 'the eld package (language ID database) is not installed', { hint: 'run npm install' });
}

function packLo(codes: ArrayLike<number>, _from: number, len = codes.length): number {
  let lo = 0;
  for (let k = 0; k < 4 && k < len; k++) lo |= codes[k]! << (8 * k);
  return lo;
}

function packHi(codes: ArrayLike<number>, len = codes.length): number {
  return (len > 4 ? codes[4]! : 0) | (len > 5 ? codes[5]! << 8 : 0) | (len << 16);
}

function slotHash(lo: number, hi: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * The n-gram database: open addressing keyed by two int32 halves, one slot = [lo, hi, offset,
 * count] side by side so a probe touches one cache line. `hi` holds the length, so it is never 0
 * for a real key and 0 marks an empty slot.
 */
class NgramDatabase {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(expected: number) {
    let cap = 64;
    while (cap < expected * 2) cap *= 2;
    this.mask = cap - 1;
    this.slots = new Int32Array(cap * 4);
  }

  insert(lo: number, hi: number, offset: number, count: number): void {
    const slots = this.slots;
    let s = slotHash(lo, hi) & this.mask;
    while (slots[s * 4 + 1] !== 0 && (slots[s * 4] !== lo || slots[s * 4 + 1] !== hi)) s = (s + 1) & this.mask;
    slots[s * 4] = lo;
    slots[s * 4 + 1] = hi;
    slots[s * 4 + 2] = offset;
    slots[s * 4 + 3] = count;
  }

  /** Index of the key's [offset, count] pair in `slots`, or -1. */
  find(lo: number, hi: number): number {
    const slots = this.slots;
    let s = slotHash(lo, hi) & this.mask;
    for (;;) {
      const h = slots[s * 4 + 1]!;
      if (h === 0) return -1;
      if (h === hi && slots[s * 4] === lo) return s * 4 + 2;
      s = (s + 1) & this.mask;
    }
  }

  at(index: number): number {
    return this.slots[index]!;
  }
}

/** A per-document set of n-gram keys, emptied in O(1) by moving to a new generation. */
class NgramSet {
  size = 0;
  private readonly slots: Int32Array;
  private readonly stamp: Uint32Array;
  private generation = 1;
  private readonly mask: number;

  constructor(capacity: number) {
    this.mask = capacity - 1;
    this.slots = new Int32Array(capacity * 2);
    this.stamp = new Uint32Array(capacity);
  }

  /** Adds the key; false if it was already there. */
  add(lo: number, hi: number): boolean {
    const slots = this.slots;
    let s = slotHash(lo, hi) & this.mask;
    while (this.stamp[s] === this.generation) {
      if (slots[s * 2] === lo && slots[s * 2 + 1] === hi) return false;
      s = (s + 1) & this.mask;
    }
    this.stamp[s] = this.generation;
    slots[s * 2] = lo;
    slots[s * 2 + 1] = hi;
    this.size++;
    return true;
  }

  clear(): void {
    this.size = 0;
    this.generation++;
    if (this.generation === 0xffffffff) {
      this.stamp.fill(0);
      this.generation = 1;
    }
  }
}

let loading: Promise<FastEld> | undefined;

export function loadFastEld(): Promise<FastEld> {
  return (loading ??= load());
}

async function load(): Promise<FastEld> {
  const dir = eldDir();
  const url = (rel: string) => pathToFileURL(join(dir, 'src', rel)).href;
  const [{ ngramsData }, { dictionary }, { separators }] = (await Promise.all([import(url('ngrams/small.js')), import(url('dictionary.js')), import(url('regexPatterns.js'))])) as [
    { ngramsData: EldNgramsData },
    { dictionary: string[] },
    { separators: RegExp },
  ];
  const nLang = Object.keys(ngramsData.languages).length;
  const languages = Array.from({ length: nLang }, (_, i) => ngramsData.languages[i]!);
  // Every n-gram is a string of at most 6 characters with codes below 256 (ASCII letters and
  // eld's byte dictionary), so it packs exactly into two int32 keys: 4 codes, then 2 codes + length.
  const byteChar = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const code = dictionary[b]!.charCodeAt(0);
    if (dictionary[b]!.length !== 1 || code > 255) throw new SluiceError('SLUICE_INTERNAL', `eld dictionary entry ${b} is not a single Latin-1 character; pin eld 2.1.0`);
    byteChar[b] = code;
  }
  const db = new NgramDatabase(Object.keys(ngramsData.ngrams).length);
  const packed: number[] = [];
  for (const key in ngramsData.ngrams) {
    if (key.length > 6) throw new SluiceError('SLUICE_INTERNAL', `eld n-gram longer than 6 characters; pin eld 2.1.0`);
    const codes = Array.from(key, (ch) => ch.charCodeAt(0));
    if (codes.some((c) => c > 255)) throw new SluiceError('SLUICE_INTERNAL', 'eld n-gram with a character above U+00FF; pin eld 2.1.0');
    const entry = ngramsData.ngrams[key]!;
    const offset = packed.length;
    for (const lang in entry) packed.push(Number(lang), entry[lang as unknown as number]! + BASE_NGRAM_SCORE);
    db.insert(packLo(codes, 0), packHi(codes), offset, (packed.length - offset) >> 1);
  }
  const values = Int32Array.from(packed);
  const scores = new Float64Array(nLang);
  // At most about 130 n-grams fit in eld's 380-byte window (plus one per word); 1024 slots stay sparse.
  const seen = new NgramSet(1024);
  const longSeen = new Set<string>();
  let chars = new Uint8Array(2048);
  let wordEnds = new Int32Array(512);

  /**
   * eld's strToUtf8Bytes, writing character codes into `chars` instead of concatenating
   * strings: words end at ASCII spaces; the text is cut after about 350-380 bytes.
   */
  const encode = (str: string): number => {
    let n = 0;
    let words = 0;
    let wordStart = 0;
    let countBytes = 0;
    const endWord = () => {
      if (n > wordStart) {
        if (words === wordEnds.length) {
          const grown = new Int32Array(words * 2);
          grown.set(wordEnds);
          wordEnds = grown;
        }
        wordEnds[words++] = n;
        wordStart = n;
      }
    };
    for (let ii = 0; ii < str.length; ii++) {
      if (n + 4 > chars.length) {
        const grown = new Uint8Array(chars.length * 2);
        grown.set(chars);
        chars = grown;
      }
      let c = str.charCodeAt(ii);
      if (c < 0x80) {
        if (c === 32) {
          endWord();
          if (countBytes > 350) break;
        } else chars[n++] = c;
        countBytes++;
      } else if (c < 0x800) {
        chars[n++] = byteChar[0xc0 | (c >> 6)]!;
        chars[n++] = byteChar[0x80 | (c & 0x3f)]!;
        countBytes += 2;
      } else if (c < 0xd800 || c >= 0xe000) {
        chars[n++] = byteChar[0xe0 | (c >> 12)]!;
        chars[n++] = byteChar[0x80 | ((c >> 6) & 0x3f)]!;
        chars[n++] = byteChar[0x80 | (c & 0x3f)]!;
        countBytes += 3;
      } else {
        ii++;
        c = 0x10000 + (((c & 0x3ff) << 10) | (str.charCodeAt(ii) & 0x3ff));
        chars[n++] = byteChar[0xf0 | (c >> 18)]!;
        chars[n++] = byteChar[0x80 | ((c >> 12) & 0x3f)]!;
        chars[n++] = byteChar[0x80 | ((c >> 6) & 0x3f)]!;
        chars[n++] = byteChar[0x80 | (c & 0x3f)]!;
        countBytes += 4;
      }
      if (countBytes > 380) break;
    }
    endWord();
    return words;
  };

  const gram = new Array<number>(6);
  /** Adds the n-gram made of an optional leading space, chars[from, to), and an optional trailing space. */
  const add = (lead: boolean, from: number, to: number, trail: boolean): void => {
    let len = 0;
    if (lead) gram[len++] = 32;
    const inner = to - from;
    if (inner + len + (trail ? 1 : 0) > 6) {
      // Only the last n-gram of a word over 70 bytes gets here (eld takes its tail uncut); it is
      // never in the database but still counts as an n-gram.
      let str = lead ? ' ' : '';
      for (let k = from; k < to; k++) str += String.fromCharCode(chars[k]!);
      if (trail) str += ' ';
      longSeen.add(str);
      return;
    }
    for (let k = from; k < to; k++) gram[len++] = chars[k]!;
    if (trail) gram[len++] = 32;
    const lo = packLo(gram, 0, len);
    const hi = packHi(gram, len);
    if (!seen.add(lo, hi)) return;
    const at = db.find(lo, hi);
    if (at < 0) return;
    const offset = db.at(at);
    const end = offset + 2 * db.at(at + 1);
    for (let k = offset; k < end; k += 2) scores[values[k]!]! += values[k + 1]!;
  };

  return {
    languages,
    detect(input: string) {
      const text = input.substring(0, 1000).replace(separators, ' ').trim().toLowerCase();
      const words = encode(text);
      scores.fill(0);
      seen.clear();
      longSeen.clear();
      let start = 0;
      for (let w = 0; w < words; w++) {
        const end = wordEnds[w]!;
        const full = end - start;
        const len = full > 70 ? 70 : full;
        let j = 0;
        for (; j + 4 < len; j += 3) add(j === 0, start + j, start + j + 4, false);
        add(j === 0, start + (len - 4 > 0 ? len - 4 : 0), end, true);
        start = end;
      }
      let best = -1;
      let bestVal = 0;
      for (let l = 0; l < nLang; l++) {
        const v = scores[l]!;
        if (v > 0 && v > bestVal) {
          bestVal = v;
          best = l;
        }
      }
      if (best < 0) return { language: 'und', score: 0 };
      const ngramScore = bestVal / (seen.size + longSeen.size);
      return { language: languages[best]!, score: ngramScore / (ngramScore + SCALE) };
    },
  };
}

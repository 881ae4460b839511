import { fmix32, murmurMix } from '../../core/hash32.js';
import { astralClass, charClassTable, foldCase, simplifyText } from '../normalize.js';

/** Word n-grams (default; prose) or character n-grams (code, languages written without spaces). */
export type ShingleUnit = 'word' | 'char';

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
const DIGIT_ZERO = 0x30;

/** FNV-1a over a string's UTF-16 code units: the hash of one normalized word. */
export function wordHash(word: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), FNV_PRIME);
  return h;
}

/**
 * Turns a document into 32-bit shingle hashes of its `simple`-normalized text. Word shingles
 * never build the normalized string: the tokenizer hashes each word as it scans and a shingle
 * is MurmurHash3 over `size` consecutive word hashes. A document with fewer than `size` words
 * (or characters) is one shingle; an empty one has none.
 */
export class Shingler {
  /** Shingle hashes of the last document; the first `count` entries are valid. */
  hashes: Int32Array = new Int32Array(1024);
  private words: Int32Array = new Int32Array(1024);
  private readonly table = charClassTable();

  constructor(
    readonly unit: ShingleUnit,
    readonly size: number,
    readonly seed: number,
  ) {}

  /** Fills `hashes` and returns how many there are. */
  shingle(text: string): number {
    return this.unit === 'word' ? this.wordShingles(text) : this.charShingles(text);
  }

  private wordShingles(text: string): number {
    const m = this.wordHashes(text);
    if (m === 0) return 0;
    const words = this.words;
    const size = this.size;
    const seed = this.seed;
    const tail = (Math.min(size, m) << 2) | 0;
    if (m < size) {
      let h = seed;
      for (let j = 0; j < m; j++) h = murmurMix(h, words[j]!);
      this.hashes[0] = fmix32(h ^ tail);
      return 1;
    }
    const count = m - size + 1;
    if (this.hashes.length < count) this.hashes = new Int32Array(Math.max(count, this.hashes.length * 2));
    const out = this.hashes;
    for (let i = 0; i < count; i++) {
      let h = seed;
      for (let j = i; j < i + size; j++) h = murmurMix(h, words[j]!);
      out[i] = fmix32(h ^ tail);
    }
    return count;
  }

  /** Hashes of the normalized words into `words`; returns how many. Must agree with `simplifyText(text).split(' ')`. */
  wordHashes(text: string): number {
    const t = foldCase(text);
    const table = this.table;
    let words = this.words;
    let m = 0;
    let h = FNV_OFFSET;
    let len = 0;
    const n = t.length;
    for (let i = 0; i < n; i++) {
      const c = t.charCodeAt(i);
      let cls = table[c]!;
      if (cls === 0 /* Word */) {
        h = Math.imul(h ^ c, FNV_PRIME);
        len++;
        continue;
      }
      if (cls === 4 /* High surrogate */) {
        const low = i + 1 < n ? t.charCodeAt(i + 1) : 0;
        if (low < 0xdc00 || low > 0xdfff) {
          h = Math.imul(h ^ c, FNV_PRIME); // a lone high surrogate stays as it is
          len++;
          continue;
        }
        i++;
        cls = astralClass(((c - 0xd800) << 10) + (low - 0xdc00) + 0x10000);
        if (cls === 0 /* Word */) {
          h = Math.imul(Math.imul(h ^ c, FNV_PRIME) ^ low, FNV_PRIME);
          len += 2;
          continue;
        }
      }
      if (cls === 3 /* Digit */) {
        h = Math.imul(h ^ DIGIT_ZERO, FNV_PRIME);
        len++;
        continue;
      }
      if (cls === 2 /* Drop */) continue;
      if (len > 0) {
        if (m === words.length) words = grow(words);
        words[m++] = h;
        h = FNV_OFFSET;
        len = 0;
      }
    }
    if (len > 0) {
      if (m === words.length) words = grow(words);
      words[m++] = h;
    }
    this.words = words;
    return m;
  }

  /** The word hashes computed by the last `wordHashes` call. */
  wordHashView(count: number): Int32Array {
    return this.words.subarray(0, count);
  }

  private charShingles(text: string): number {
    const s = simplifyText(text);
    const len = s.length;
    if (len === 0) return 0;
    const size = Math.min(this.size, len);
    const count = len - size + 1;
    if (this.hashes.length < count) this.hashes = new Int32Array(Math.max(count, this.hashes.length * 2));
    const out = this.hashes;
    const tail = (size << 2) | 0;
    for (let i = 0; i < count; i++) {
      let h = this.seed;
      for (let j = i; j < i + size; j++) h = murmurMix(h, s.charCodeAt(j));
      out[i] = fmix32(h ^ tail);
    }
    return count;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Pre-token -> ids cache keyed on the UTF-16 code units of the piece, so a repeated word costs a
 * pass over its characters and one slot read: no substring, no UTF-8 conversion, no merging.
 *
 * Layout is chosen for one memory read per lookup (an entry reached through a slot, and a key
 * through the entry, would be three reads that miss the CPU cache once the table outgrows L2):
 * a slot is eight adjacent ints (32 bytes, never straddling a cache line) holding the key's
 * length, the value and the first 10 code units of the key, two per int. Most pieces are that
 * short, so a hit reads one line; longer keys keep the rest of their code units in `overflow`.
 * A piece that is one token (most are) keeps the id in the slot itself; longer values go to
 * `values`.
 *
 * Memory is bounded at construction: the slot table grows to at most 2 x `entries` slots
 * (rounded up to a power of two), and `overflow` and `values` are fixed. When any part fills
 * up, the whole cache is dropped and refilled (word frequencies are Zipfian, so the common
 * pieces come back at once).
 */
import type { Units } from './code-units.js';

/** Ints per slot: meta (key length | id count << 8; 0 = empty), value, overflow start, 5 key words. */
const SLOT = 8;
const INLINE_WORDS = 5;
const META = 0;
const VALUE = 1;
const OVERFLOW = 2;
const WORDS = 3;

/** Folds the high halves of the hashed words (the odd code units) into the low bits the table index uses. */
function finishHash(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class PieceCache {
  /** Slot i is slots[8i, 8i+8); see SLOT. Read it with the offset find() returns. */
  slots: Int32Array;
  private mask: number;
  private readonly maxMask: number;
  private readonly maxEntries: number;
  /** Key words past the first five, two code units per int. */
  private readonly overflow: Int32Array;
  /** Ids of pieces that are more than one token. */
  readonly values: Int32Array;
  private count = 0;
  private overflowUsed = 0;
  private valueUsed = 0;
  /** The key of the last find(), packed two code units per int, its word count, length and hash: insert() reuses them. */
  private readonly words: Int32Array;
  private wordCount = 0;
  private keyLength = 0;
  private hash = 0;
  /** Times the cache was dropped because it was full (for benchmarks and tuning). */
  resets = 0;

  /** `entries` pieces of up to `maxPieceLength` code units each, on average 8 more units past the inline 10 and 4 ids. */
  constructor(
    entries = 1 << 17,
    readonly maxPieceLength = 64,
  ) {
    if (maxPieceLength > 255) throw new Error('PieceCache: keys are at most 255 code units');
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    // The slot table starts small and doubles as entries arrive, so a small working set stays
    // in the CPU caches.
    this.maxMask = cap - 1;
    const initial = Math.min(cap, 1 << 12);
    this.slots = new Int32Array(initial * SLOT);
    this.mask = initial - 1;
    this.maxEntries = entries;
    this.overflow = new Int32Array(entries * 4);
    this.values = new Int32Array(entries * 4);
    this.words = new Int32Array((maxPieceLength + 1) >> 1);
  }

  get size(): number {
    return this.count;
  }

  /**
   * Offset in `slots` of the entry for text[start, end) (at most maxPieceLength units), or -1.
   * At the offset: [0] key length | id count << 8, [1] the id if the count is 1, else the start
   * of the ids in `values`.
   */
  find(text: Units, start: number, end: number): number {
    const words = this.words;
    const len = end - start;
    // Two code units per word halves the hash's multiply chain.
    let h = 0x811c9dc5;
    let n = 0;
    let i = start;
    for (; i + 1 < end; i += 2) {
      const w = text[i]! | (text[i + 1]! << 16);
      words[n++] = w;
      h = Math.imul(h ^ w, 0x01000193);
    }
    if (i < end) {
      const w = text[i]!;
      words[n++] = w;
      h = Math.imul(h ^ w, 0x01000193);
    }
    h = finishHash(h);
    this.wordCount = n;
    this.keyLength = len;
    this.hash = h;
    return this.probe(h, len, n);
  }

  private probe(h: number, len: number, n: number): number {
    const slots = this.slots;
    const words = this.words;
    const inline = n < INLINE_WORDS ? n : INLINE_WORDS;
    let slot = h & this.mask;
    for (;;) {
      const at = slot * SLOT;
      const meta = slots[at + META]!;
      if (meta === 0) return -1;
      if ((meta & 0xff) === len) {
        let k = 0;
        while (k < inline && slots[at + WORDS + k] === words[k]) k++;
        if (k === inline) {
          if (n <= INLINE_WORDS) return at;
          const ov = slots[at + OVERFLOW]! - INLINE_WORDS;
          const overflow = this.overflow;
          while (k < n && overflow[ov + k] === words[k]) k++;
          if (k === n) return at;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores ids[from, from+count) as the value of the key of the last find(), which missed. */
  insert(ids: Int32Array, from: number, count: number): void {
    const n = this.wordCount;
    const extra = n > INLINE_WORDS ? n - INLINE_WORDS : 0;
    const spill = count === 1 ? 0 : count;
    if (count > 255) return;
    if (this.count === this.maxEntries || this.overflowUsed + extra > this.overflow.length || this.valueUsed + spill > this.values.length) {
      if (spill > this.values.length || extra > this.overflow.length) return;
      this.clear();
      this.resets++;
    }
    this.count++;
    if (this.count * 2 > this.mask + 1 && this.mask < this.maxMask) this.grow();
    const slots = this.slots;
    let slot = this.hash & this.mask;
    while (slots[slot * SLOT + META] !== 0) slot = (slot + 1) & this.mask;
    const at = slot * SLOT;
    const words = this.words;
    slots[at + META] = this.keyLength | (count << 8);
    for (let k = 0; k < n && k < INLINE_WORDS; k++) slots[at + WORDS + k] = words[k]!;
    if (extra > 0) {
      slots[at + OVERFLOW] = this.overflowUsed;
      this.overflow.set(words.subarray(INLINE_WORDS, n), this.overflowUsed);
      this.overflowUsed += extra;
    }
    if (count === 1) {
      slots[at + VALUE] = ids[from]!;
    } else {
      slots[at + VALUE] = this.valueUsed;
      this.values.set(ids.subarray(from, from + count), this.valueUsed);
      this.valueUsed += count;
    }
  }

  /** Doubles the slot table; slots hold no hash, so each key's hash is recomputed from its words. */
  private grow(): void {
    const old = this.slots;
    const mask = this.mask * 2 + 1;
    const slots = new Int32Array((mask + 1) * SLOT);
    const overflow = this.overflow;
    for (let from = 0; from < old.length; from += SLOT) {
      const meta = old[from + META]!;
      if (meta === 0) continue;
      const n = ((meta & 0xff) + 1) >> 1;
      let h = 0x811c9dc5;
      for (let k = 0; k < n; k++) {
        const w = k < INLINE_WORDS ? old[from + WORDS + k]! : overflow[old[from + OVERFLOW]! + k - INLINE_WORDS]!;
        h = Math.imul(h ^ w, 0x01000193);
      }
      let slot = finishHash(h) & mask;
      while (slots[slot * SLOT + META] !== 0) slot = (slot + 1) & mask;
      const to = slot * SLOT;
      for (let k = 0; k < SLOT; k++) slots[to + k] = old[from + k]!;
    }
    this.slots = slots;
    this.mask = mask;
  }

  clear(): void {
    this.slots.fill(0);
    // Keep the grown table: a stream that filled the cache once will fill it again.
    this.count = 0;
    this.overflowUsed = 0;
    this.valueUsed = 0;
  }
}

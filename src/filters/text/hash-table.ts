/**
 * Allocation-free hash tables for the repetition rules: one interns text spans (words, lines,
 * paragraphs) into ids, the other counts fixed-length id sequences (n-grams). Both verify every
 * hash hit by comparing the actual characters or ids, so counts are exact, and both reuse their
 * typed arrays from one document to the next.
 */

import { fmix32 } from '../../core/hash32.js';

function capacityFor(expected: number): number {
  let cap = 64;
  while (cap < expected * 2) cap *= 2;
  return cap;
}

function grownInt32(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  if (a.length >= size) return a;
  let n = a.length * 2;
  while (n < size) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** Start state of the span hash (FNV-1a over UTF-16 code units); step: Math.imul(h ^ c, 0x01000193). */
export const SPAN_HASH_SEED = 0x811c9dc5 | 0;

/**
 * Open addressing over typed arrays with entries dense in first-seen order (0, 1, ...). The
 * subclasses hash their keys and compare them on a hash hit; this class keeps the slots, the
 * per-entry hash, count and first position, and grows and rehashes.
 */
abstract class DenseTable {
  size = 0;
  /** Whether the last lookup added a new entry. */
  added = false;
  /** Where each entry first occurred (a span's start, an n-gram's position). */
  firstPos = new Int32Array(1024);
  counts = new Int32Array(1024);
  protected hashes = new Int32Array(1024);
  protected slots = new Int32Array(2048);
  protected mask = 2047;

  /** Empties the table, sized for about `expected` entries. */
  protected clear(expected: number): void {
    this.size = 0;
    const cap = capacityFor(expected);
    if (this.slots.length < cap) this.slots = new Int32Array(cap);
    else this.slots.fill(0, 0, cap);
    this.mask = cap - 1;
    if (this.firstPos.length < expected) this.grow(expected);
  }

  /** Adds an entry with hash `h` first seen at `pos` into the empty slot `slot`; returns its id. */
  protected insert(slot: number, h: number, pos: number): number {
    const id = this.size++;
    if (id >= this.firstPos.length) this.grow(id + 1);
    this.firstPos[id] = pos;
    this.counts[id] = 1;
    this.hashes[id] = h;
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.mask + 1) this.rehash();
    this.added = true;
    return id;
  }

  protected grow(entries: number): void {
    this.firstPos = grownInt32(this.firstPos, entries);
    this.counts = grownInt32(this.counts, entries);
    this.hashes = grownInt32(this.hashes, entries);
  }

  private rehash(): void {
    const cap = (this.mask + 1) * 2;
    const slots = this.slots.length >= cap ? this.slots.fill(0, 0, cap) : new Int32Array(cap);
    const mask = cap - 1;
    for (let id = 0; id < this.size; id++) {
      let s = this.hashes[id]! & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = id + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

/** Interns spans `text[start, end)` into dense ids and counts them; `firstPos` is a span's start. */
export class SpanInterner extends DenseTable {
  spanLength = new Int32Array(1024);
  private text = '';

  reset(text: string, expected: number): void {
    this.text = text;
    this.clear(expected);
  }

  intern(start: number, end: number): number {
    const text = this.text;
    let h = SPAN_HASH_SEED;
    for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    return this.internHashed(start, end, h);
  }

  /** `intern` with the FNV-1a state over the span's characters already computed (see SPAN_HASH_SEED). */
  internHashed(start: number, end: number, fnv: number): number {
    const h = fmix32(fnv ^ (end - start));
    const len = end - start;
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.spanLength[id] === len && this.sameSpan(this.firstPos[id]!, start, len)) {
        this.counts[id]!++;
        this.added = false;
        return id;
      }
      s = (s + 1) & mask;
    }
    const id = this.insert(s, h, start);
    this.spanLength[id] = len;
    return id;
  }

  protected override grow(entries: number): void {
    super.grow(entries);
    this.spanLength = grownInt32(this.spanLength, entries);
  }

  private sameSpan(a: number, b: number, len: number): boolean {
    const text = this.text;
    for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
    return true;
  }
}

/** Largest id count for which a pair of ids packs into one key below 2^31. */
const PAIR_VOCABULARY = 46340;

/** Counts the n-grams `ids[pos, pos + n)` of one id sequence; `firstPos` is an n-gram's first position. */
export class SequenceCounter extends DenseTable {
  private ids: Int32Array = new Int32Array(0);
  private n = 1;
  /** Ids are below this; a pair packs into `a * vocabulary + b` when it is at most PAIR_VOCABULARY. */
  private vocabulary = 0;

  /** `vocabulary`: the ids are below it (0: unknown). */
  reset(ids: Int32Array, n: number, expected: number, vocabulary = 0): void {
    this.ids = ids;
    this.n = n;
    this.vocabulary = vocabulary;
    this.clear(expected);
  }

  /** Adds the n-gram at `pos`; returns its entry. `added` tells whether it was new. */
  add(pos: number): number {
    if (this.n === 2 && this.vocabulary > 0 && this.vocabulary <= PAIR_VOCABULARY) return this.addPair(pos);
    const ids = this.ids;
    const n = this.n;
    let h = 0x9747b28c;
    for (let j = 0; j < n; j++) {
      h = Math.imul(h ^ ids[pos + j]!, 0x9e3779b1);
      h ^= h >>> 15;
    }
    h = fmix32(h);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) break;
      const entry = e - 1;
      if (this.hashes[entry] === h && this.sameSequence(this.firstPos[entry]!, pos)) {
        this.counts[entry]!++;
        this.added = false;
        return entry;
      }
      s = (s + 1) & mask;
    }
    return this.insert(s, h, pos);
  }

  /**
   * `add` for 2-grams over a small vocabulary: the pair packed into one key, hashed with fmix32,
   * a bijection, so equal hashes are equal pairs and no ids are compared.
   */
  private addPair(pos: number): number {
    const h = fmix32(this.ids[pos]! * this.vocabulary + this.ids[pos + 1]!);
    const slots = this.slots;
    const mask = this.mask;
    let s = h & mask;
    for (;;) {
      const e = slots[s]!;
      if (e === 0) break;
      const entry = e - 1;
      if (this.hashes[entry] === h) {
        this.counts[entry]!++;
        this.added = false;
        return entry;
      }
      s = (s + 1) & mask;
    }
    return this.insert(s, h, pos);
  }

  private sameSequence(a: number, b: number): boolean {
    const ids = this.ids;
    for (let j = 0; j < this.n; j++) if (ids[a + j] !== ids[b + j]) return false;
    return true;
  }
}

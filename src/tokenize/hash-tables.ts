/**
 * Open-addressing hash tables over typed arrays for the encoder's hot lookups: token bytes to
 * id, and a pair of ids to the merge that joins them. No strings are built per lookup.
 */
import type { TokenTable } from './token-table.js';

function capacityFor(n: number): number {
  let cap = 16;
  while (cap < n * 2) cap *= 2;
  return cap;
}

/** FNV-1a's start value and step: a caller that grows a key a byte at a time hashes it incrementally. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;

/** FNV-1a over bytes. */
function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, FNV_PRIME);
  return h >>> 0;
}

/** Token bytes -> token id, keyed on the bytes of a TokenTable. Slots hold (hash, id) pairs. */
export class BytesTable {
  /** [2i] the hash, [2i+1] the id (-1: empty); read by the table cache. */
  readonly slots: Int32Array;
  private readonly mask: number;

  /** Length of the slots array for a table of n token ids. */
  static slotsFor(n: number): number {
    return capacityFor(n) * 2;
  }

  /** `built`: slots an earlier build filled for these tokens (the table cache's). */
  constructor(
    private readonly tokens: TokenTable,
    built?: Int32Array,
  ) {
    const n = tokens.size;
    const cap = capacityFor(n);
    this.mask = cap - 1;
    if (built) {
      this.slots = built;
      return;
    }
    this.slots = new Int32Array(cap * 2);
    for (let i = 1; i < this.slots.length; i += 2) this.slots[i] = -1;
    const { pool, offsets } = tokens;
    for (let id = 0; id < n; id++) {
      const s = offsets[id]!;
      const e = offsets[id + 1]!;
      if (e === s) continue;
      const h = hashBytes(pool, s, e) | 0;
      if (this.find(pool, s, e, h) >= 0) continue; // duplicate bytes: the first id wins
      let slot = h & this.mask;
      while (this.slots[2 * slot + 1] !== -1) slot = (slot + 1) & this.mask;
      this.slots[2 * slot] = h;
      this.slots[2 * slot + 1] = id;
    }
  }

  private find(buf: Uint8Array, start: number, end: number, h: number): number {
    const slots = this.slots;
    const { pool, offsets } = this.tokens;
    const len = end - start;
    let slot = h & this.mask;
    for (;;) {
      const id = slots[2 * slot + 1]!;
      if (id === -1) return -1;
      if (slots[2 * slot] === h) {
        const s = offsets[id]!;
        if (offsets[id + 1]! - s === len) {
          let i = 0;
          while (i < len && pool[s + i] === buf[start + i]) i++;
          if (i === len) return id;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Id of the token with exactly the bytes buf[start, end), or -1. */
  get(buf: Uint8Array, start: number, end: number): number {
    return this.find(buf, start, end, hashBytes(buf, start, end) | 0);
  }

  /** As get, with the bytes' FNV-1a hash (as an int32) already computed. */
  getHashed(buf: Uint8Array, start: number, end: number, hash: number): number {
    return this.find(buf, start, end, hash);
  }
}

/** Ids and priorities a PairTable slot can hold: 21 bits each (2,097,151). */
const MAX_PAIR_VALUE = (1 << 21) - 1;

/** The pair table is at most 60% full: linear probing stays short (see PairTable). */
const PAIR_LOAD = 0.6;

/**
 * (left id, right id) -> merge priority, for the merge loop. Each merge of a piece that missed
 * the cache looks up two pairs at random, so the table's size decides whether those reads hit
 * the CPU caches (on the 2-core bench machine a dependent read costs about 16 ns in a 4 MB array
 * and 110 ns in an 8 MB one). A slot is two ints (8 bytes): [2i] = left | right << 21,
 * [2i+1] = right >>> 11 | priority << 10, -1 when empty; and the table is sized to 60% full, not
 * to the next power of two: cl100k's 233k pairs take 3.1 MB instead of 8 MB (four ints a slot,
 * half full at most), o200k's 446k 5.9 MB instead of 16 MB. Measured over the lookups that
 * merging the distinct pieces of 8 MB of code makes: 31 -> 22 ns a lookup.
 */
export class PairTable {
  readonly table: Int32Array;
  /** Number of slots (not a power of two: slotOf maps a hash onto it). */
  readonly capacity: number;
  private count = 0;

  /** `built`: slots an earlier build filled (the table cache's), in place of an empty table for `expected` pairs. */
  constructor(expected: number, built?: Int32Array) {
    if (built) {
      this.table = built;
      this.capacity = built.length / 2;
      for (let i = 1; i < built.length; i += 2) if (built[i] !== -1) this.count++;
      return;
    }
    this.capacity = Math.max(16, Math.ceil(expected / PAIR_LOAD));
    this.table = new Int32Array(this.capacity * 2).fill(-1);
  }

  /** Adds the pair unless present (the first, highest-priority entry wins). */
  add(a: number, b: number, priority: number): void {
    if (a > MAX_PAIR_VALUE || b > MAX_PAIR_VALUE || priority > MAX_PAIR_VALUE || a < 0 || b < 0 || priority < 0) {
      throw new Error(`PairTable: ids and priorities must be in [0, ${MAX_PAIR_VALUE}], got (${a}, ${b}) -> ${priority}`);
    }
    if (this.find(a, b) >= 0) return;
    if (this.count + 1 > this.capacity * PAIR_LOAD) throw new Error('PairTable over capacity');
    const t = this.table;
    let slot = slotOf(pairHash(a, b), this.capacity);
    while (t[2 * slot + 1] !== -1) if (++slot === this.capacity) slot = 0;
    t[2 * slot] = a | (b << 21);
    t[2 * slot + 1] = (b >>> 11) | (priority << 10);
    this.count++;
  }

  /** Priority of the pair, or -1. */
  find(a: number, b: number): number {
    return findPair(this.table, this.capacity, a, b);
  }
}

/** Hash of an id pair (also the trainer's pair index). */
export function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}

/** Maps a 32-bit hash onto [0, capacity) by multiplication (Lemire's fastrange), so capacity need not be a power of two. */
function slotOf(h: number, capacity: number): number {
  // h * capacity < 2^53 is exact, and so is the scaling by 2^-32 (a multiply, not a divide).
  return (h * capacity * 2.3283064365386963e-10) | 0;
}

/** PairTable.find on the raw table, for the merge loop's inner loops: the pair's priority, or -1. */
export function findPair(t: Int32Array, capacity: number, a: number, b: number): number {
  const low = a | (b << 21);
  const high = b >>> 11;
  let slot = slotOf(pairHash(a, b), capacity);
  for (;;) {
    const hi = t[2 * slot + 1]!;
    if (hi === -1) return -1;
    if (t[2 * slot] === low && (hi & 0x3ff) === high) return hi >>> 10;
    if (++slot === capacity) slot = 0;
  }
}

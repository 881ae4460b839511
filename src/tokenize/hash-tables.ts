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

/** FNV-1a over bytes. */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/** Token bytes -> token id, keyed on the bytes of a TokenTable. Slots hold (hash, id) pairs. */
export class BytesTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly tokens: TokenTable) {
    const n = tokens.size;
    const cap = capacityFor(n);
    this.slots = new Int32Array(cap * 2);
    for (let i = 1; i < this.slots.length; i += 2) this.slots[i] = -1;
    this.mask = cap - 1;
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
}

/**
 * (left id, right id) -> merge priority and merged id. Lower priority merges first. Each slot is
 * four adjacent ints (left, right, priority, merged), so a probe reads one cache line.
 */
export class PairTable {
  /** Slot i: table[4i] left (-1 when empty), [4i+1] right, [4i+2] priority, [4i+3] merged id. */
  readonly table: Int32Array;
  readonly mask: number;
  private count = 0;

  constructor(expected: number) {
    const cap = capacityFor(Math.max(expected, 8));
    this.table = new Int32Array(cap * 4);
    for (let i = 0; i < this.table.length; i += 4) this.table[i] = -1;
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Adds the pair unless present (the first, highest-priority entry wins). */
  add(a: number, b: number, priority: number, merged: number): void {
    const t = this.table;
    let slot = pairHash(a, b) & this.mask;
    for (;;) {
      const l = t[4 * slot]!;
      if (l === -1) break;
      if (l === a && t[4 * slot + 1] === b) return;
      slot = (slot + 1) & this.mask;
    }
    if ((this.count + 1) * 2 > this.mask + 1) throw new Error('PairTable over capacity');
    t[4 * slot] = a;
    t[4 * slot + 1] = b;
    t[4 * slot + 2] = priority;
    t[4 * slot + 3] = merged;
    this.count++;
  }

  /** Offset of the pair in `table` (priority at +2, merged id at +3), or -1. */
  find(a: number, b: number): number {
    return findPair(this.table, this.mask, a, b);
  }
}

function pairHash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
}

/** PairTable.find on the raw table, for the merge loop's inner loops. */
export function findPair(t: Int32Array, mask: number, a: number, b: number): number {
  let slot = pairHash(a, b) & mask;
  for (;;) {
    const at = 4 * slot;
    const l = t[at]!;
    if (l === -1) return -1;
    if (l === a && t[at + 1] === b) return at;
    slot = (slot + 1) & mask;
  }
}

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

/** Token bytes -> token id, keyed on the bytes of a TokenTable. */
export class BytesTable {
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(private readonly tokens: TokenTable) {
    const n = tokens.size;
    this.slots = new Int32Array(capacityFor(n)).fill(-1);
    this.mask = this.slots.length - 1;
    const { pool, offsets } = tokens;
    for (let id = 0; id < n; id++) {
      const s = offsets[id]!;
      const e = offsets[id + 1]!;
      if (e === s) continue;
      let slot = hashBytes(pool, s, e) & this.mask;
      while (this.slots[slot] !== -1) {
        if (this.equals(this.slots[slot]!, pool, s, e)) break; // duplicate bytes: first id wins
        slot = (slot + 1) & this.mask;
      }
      if (this.slots[slot] === -1) this.slots[slot] = id;
    }
  }

  private equals(id: number, buf: Uint8Array, start: number, end: number): boolean {
    const { pool, offsets } = this.tokens;
    const s = offsets[id]!;
    if (offsets[id + 1]! - s !== end - start) return false;
    for (let i = 0; i < end - start; i++) if (pool[s + i] !== buf[start + i]) return false;
    return true;
  }

  /** Id of the token with exactly the bytes buf[start, end), or -1. */
  get(buf: Uint8Array, start: number, end: number): number {
    let slot = hashBytes(buf, start, end) & this.mask;
    for (;;) {
      const id = this.slots[slot]!;
      if (id === -1) return -1;
      if (this.equals(id, buf, start, end)) return id;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * (left id, right id) -> merge priority and merged id. Lower priority merges first. Each slot is
 * four adjacent ints (left, right, priority, merged), so a probe reads one cache line.
 */
export class PairTable {
  /** Slot i: table[4i] left (-1 when empty), [4i+1] right, [4i+2] priority, [4i+3] merged id. */
  readonly table: Int32Array;
  private readonly mask: number;
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

  private static hash(a: number, b: number): number {
    return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 0;
  }

  /** Adds the pair unless present (the first, highest-priority entry wins). */
  add(a: number, b: number, priority: number, merged: number): void {
    const t = this.table;
    let slot = PairTable.hash(a, b) & this.mask;
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
    const t = this.table;
    let slot = PairTable.hash(a, b) & this.mask;
    for (;;) {
      const at = 4 * slot;
      const l = t[at]!;
      if (l === -1) return -1;
      if (l === a && t[at + 1] === b) return at;
      slot = (slot + 1) & this.mask;
    }
  }
}

/**
 * Pre-token -> ids cache keyed on the UTF-16 code units of the piece, so a repeated word costs a
 * hash over its characters and one comparison: no substring, no UTF-8 conversion, no merging.
 * Memory is fixed at construction; when any part fills up the whole cache is dropped and
 * refilled (word frequencies are Zipfian, so the common pieces come back at once).
 */
export class PieceCache {
  private readonly slots: Int32Array;
  private readonly mask: number;
  private readonly maxEntries: number;
  private readonly keyStart: Int32Array;
  private readonly keyLen: Int32Array;
  private readonly keyHash: Int32Array;
  readonly valueStart: Int32Array;
  readonly valueLen: Int32Array;
  private readonly keys: Uint16Array;
  readonly values: Int32Array;
  private entries = 0;
  private keyUsed = 0;
  private valueUsed = 0;
  /** Times the cache was dropped because it was full (for benchmarks and tuning). */
  resets = 0;

  /** `entries` pieces of up to `maxPieceLength` code units each, on average 8 units and 4 ids. */
  constructor(
    entries = 1 << 17,
    readonly maxPieceLength = 32,
  ) {
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    this.maxEntries = entries;
    this.keyStart = new Int32Array(entries);
    this.keyLen = new Int32Array(entries);
    this.keyHash = new Int32Array(entries);
    this.valueStart = new Int32Array(entries);
    this.valueLen = new Int32Array(entries);
    this.keys = new Uint16Array(entries * 8);
    this.values = new Int32Array(entries * 4);
  }

  get size(): number {
    return this.entries;
  }

  /** Entry index for text[start, end) with FNV-1a hash `hash`, or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const len = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const e = this.slots[slot]!;
      if (e < 0) return -1;
      if (this.keyHash[e] === hash && this.keyLen[e] === len) {
        const k = this.keyStart[e]!;
        let i = 0;
        while (i < len && this.keys[k + i] === text.charCodeAt(start + i)) i++;
        if (i === len) return e;
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores ids[from, from+count) as the value of text[start, end) (not already present). */
  insert(text: string, start: number, end: number, hash: number, ids: Int32Array, from: number, count: number): void {
    const len = end - start;
    if (this.entries === this.maxEntries || this.keyUsed + len > this.keys.length || this.valueUsed + count > this.values.length) {
      if (count > this.values.length || len > this.keys.length) return;
      this.clear();
      this.resets++;
    }
    const e = this.entries++;
    this.keyStart[e] = this.keyUsed;
    this.keyLen[e] = len;
    this.keyHash[e] = hash;
    for (let i = 0; i < len; i++) this.keys[this.keyUsed + i] = text.charCodeAt(start + i);
    this.keyUsed += len;
    this.valueStart[e] = this.valueUsed;
    this.valueLen[e] = count;
    this.values.set(ids.subarray(from, from + count), this.valueUsed);
    this.valueUsed += count;
    let slot = hash & this.mask;
    while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask;
    this.slots[slot] = e;
  }

  clear(): void {
    this.slots.fill(-1);
    this.entries = 0;
    this.keyUsed = 0;
    this.valueUsed = 0;
  }
}

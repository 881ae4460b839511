/**
 * Pre-token -> ids cache keyed on the UTF-16 code units of the piece, so a repeated word costs a
 * hash over its characters and one comparison: no substring, no UTF-8 conversion, no merging.
 *
 * Layout is chosen for few memory reads per lookup: the slot table holds (hash, entry) pairs, so
 * a probe that meets another piece rarely touches its entry; an entry is four adjacent ints
 * (key start, key length, value, count), and a piece that is one token (most are) keeps the id
 * in the entry itself. Memory is fixed at construction; when any part fills up, the whole cache
 * is dropped and refilled (word frequencies are Zipfian, so the common pieces come back at once).
 */
export class PieceCache {
  private slots: Int32Array;
  private mask: number;
  private readonly maxMask: number;
  private readonly maxEntries: number;
  /** Per entry: key start, key length, value (the id if count is 1, else start in `values`), count. */
  readonly entries: Int32Array;
  private readonly keys: Uint16Array;
  readonly values: Int32Array;
  private count = 0;
  private keyUsed = 0;
  private valueUsed = 0;
  /** Times the cache was dropped because it was full (for benchmarks and tuning). */
  resets = 0;

  /** `entries` pieces of up to `maxPieceLength` code units each, on average 8 units and 4 ids. */
  constructor(
    entries = 1 << 17,
    readonly maxPieceLength = 64,
  ) {
    let cap = 16;
    while (cap < entries * 2) cap *= 2;
    // The slot table starts small and doubles as entries arrive, so a small working set stays
    // in the CPU caches.
    this.maxMask = cap - 1;
    const initial = Math.min(cap, 1 << 12);
    this.slots = new Int32Array(initial * 2);
    this.mask = initial - 1;
    this.maxEntries = entries;
    this.entries = new Int32Array(entries * 4);
    this.keys = new Uint16Array(entries * 8);
    this.values = new Int32Array(entries * 4);
  }

  get size(): number {
    return this.count;
  }

  /** Offset of the entry for text[start, end) (whose FNV-1a hash is `hash`) in `entries`, or -1. */
  find(text: string, start: number, end: number, hash: number): number {
    const slots = this.slots;
    const len = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const e = slots[2 * slot + 1]!;
      if (e === 0) return -1;
      if (slots[2 * slot] === hash) {
        const at = (e - 1) * 4;
        if (this.entries[at + 1] === len) {
          const k = this.entries[at]!;
          let i = 0;
          while (i < len && this.keys[k + i] === text.charCodeAt(start + i)) i++;
          if (i === len) return at;
        }
      }
      slot = (slot + 1) & this.mask;
    }
  }

  /** Stores ids[from, from+count) as the value of text[start, end) (not already present). */
  insert(text: string, start: number, end: number, hash: number, ids: Int32Array, from: number, count: number): void {
    const len = end - start;
    const spill = count === 1 ? 0 : count;
    if (this.count === this.maxEntries || this.keyUsed + len > this.keys.length || this.valueUsed + spill > this.values.length) {
      if (spill > this.values.length || len > this.keys.length) return;
      this.clear();
      this.resets++;
    }
    const e = this.count++;
    const at = e * 4;
    this.entries[at] = this.keyUsed;
    this.entries[at + 1] = len;
    for (let i = 0; i < len; i++) this.keys[this.keyUsed + i] = text.charCodeAt(start + i);
    this.keyUsed += len;
    if (count === 1) {
      this.entries[at + 2] = ids[from]!;
    } else {
      this.entries[at + 2] = this.valueUsed;
      this.values.set(ids.subarray(from, from + count), this.valueUsed);
      this.valueUsed += count;
    }
    this.entries[at + 3] = count;
    if (this.count * 2 > this.mask + 1 && this.mask < this.maxMask) this.grow();
    this.place(hash, e + 1);
  }

  private place(hash: number, entry: number): void {
    let slot = hash & this.mask;
    while (this.slots[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    this.slots[2 * slot] = hash;
    this.slots[2 * slot + 1] = entry;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.mask * 2 + 1;
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.place(old[i]!, old[i + 1]!);
  }

  clear(): void {
    this.slots.fill(0);
    // Keep the grown table: a stream that filled the cache once will fill it again.
    this.count = 0;
    this.keyUsed = 0;
    this.valueUsed = 0;
  }
}

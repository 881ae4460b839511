/**
 * An open-addressing hash table from a 64-bit band key to the first document seen with it: the
 * streaming mode's in-memory band index. 12 bytes per slot in three typed arrays (no objects, no
 * strings, nothing for the garbage collector), at most 70% full, reused band after band.
 */
export class BandTable {
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  private readonly doc: Int32Array;
  private readonly capacity: number;
  private readonly scale: number;

  constructor(maxEntries: number) {
    this.capacity = Math.max(16, Math.ceil(maxEntries / 0.7));
    this.scale = this.capacity / 2 ** 32;
    this.hi = new Int32Array(this.capacity);
    this.lo = new Int32Array(this.capacity);
    this.doc = new Int32Array(this.capacity).fill(-1);
  }

  get bytes(): number {
    return this.capacity * 12;
  }

  clear(): void {
    this.doc.fill(-1);
  }

  /** The document already holding this key, or -1 after storing `doc` under it. */
  getOrInsert(hi: number, lo: number, doc: number): number {
    const cap = this.capacity;
    // the key is already a uniform hash: its low word picks the slot
    let i = Math.floor((lo >>> 0) * this.scale);
    for (;;) {
      const d = this.doc[i]!;
      if (d === -1) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.doc[i] = doc;
        return -1;
      }
      if (this.lo[i] === (lo | 0) && this.hi[i] === (hi | 0)) return d;
      i++;
      if (i === cap) i = 0;
    }
  }
}

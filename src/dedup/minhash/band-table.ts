/**
 * An open-addressing hash table from a 64-bit band key to the head document of its bucket: the
 * streaming mode's in-memory band index. 16 bytes per slot in four typed arrays (no objects, no
 * strings, nothing for the garbage collector), at most 70% full, reused band after band.
 */
/** Slots of a table sized for `maxEntries` keys: at most 70% full. */
function capacityFor(maxEntries: number): number {
  return Math.max(16, Math.ceil(maxEntries / 0.7));
}

/** Bytes of a table sized for `maxEntries` keys. */
export function bandTableBytes(maxEntries: number): number {
  return capacityFor(maxEntries) * 16;
}

export class BandTable {
  private readonly hi: Int32Array;
  private readonly lo: Int32Array;
  /** Head document of each slot's bucket (-1: empty slot) and its id hash. */
  readonly doc: Int32Array;
  readonly tag: Uint32Array;
  private readonly capacity: number;
  private readonly scale: number;

  constructor(maxEntries: number) {
    this.capacity = capacityFor(maxEntries);
    this.scale = this.capacity / 2 ** 32;
    this.hi = new Int32Array(this.capacity);
    this.lo = new Int32Array(this.capacity);
    this.doc = new Int32Array(this.capacity).fill(-1);
    this.tag = new Uint32Array(this.capacity);
  }

  get bytes(): number {
    return this.capacity * 16;
  }

  clear(): void {
    this.doc.fill(-1);
  }

  /** The slot of a key; a new key gets an empty slot (doc -1) for the caller to fill. */
  slot(hi: number, lo: number): number {
    const cap = this.capacity;
    // the key is already a uniform hash: its low word picks the slot
    let i = Math.floor((lo >>> 0) * this.scale);
    for (;;) {
      if (this.doc[i] === -1) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        return i;
      }
      if (this.lo[i] === (lo | 0) && this.hi[i] === (hi | 0)) return i;
      i++;
      if (i === cap) i = 0;
    }
  }
}

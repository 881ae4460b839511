/**
 * A growable byte buffer for building page bodies and the footer without per-value
 * allocations: callers reserve capacity, write in place, and take a view at the end.
 * The backing store is reused across pages (reset() keeps it), so steady-state writing
 * allocates nothing here.
 */
export class ByteBuffer {
  buf: Buffer;
  length = 0;

  constructor(initialCapacity = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Make room for `extra` more bytes; the backing buffer may be replaced. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.buf.length) return;
    let cap = Math.max(this.buf.length * 2, 1024);
    while (cap < need) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  reset(): void {
    this.length = 0;
  }

  /** A view of the written bytes; valid until the next write or reset. */
  view(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** An owned copy of the written bytes. */
  copy(): Buffer {
    return Buffer.from(this.view());
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.length++] = b;
  }

  bytes(src: Uint8Array): void {
    this.reserve(src.length);
    this.buf.set(src, this.length);
    this.length += src.length;
  }

  uint32LE(v: number): void {
    this.reserve(4);
    this.buf.writeUInt32LE(v, this.length);
    this.length += 4;
  }

  /** Unsigned LEB128 varint; exact for integers below 2^53. */
  uvarint(v: number): void {
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }
}

/** A growable Int32Array the encoder appends token ids to, reused across documents. */
export class IdBuffer {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  private grow(min: number): void {
    let cap = this.data.length * 2;
    while (cap < min) cap *= 2;
    const next = new Int32Array(cap);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** Makes room for `extra` more ids. */
  reserve(extra: number): void {
    if (this.length + extra > this.data.length) this.grow(this.length + extra);
  }

  push(id: number): void {
    if (this.length === this.data.length) this.grow(this.length + 1);
    this.data[this.length++] = id;
  }

  pushRange(src: Int32Array, start: number, count: number): void {
    if (this.length + count > this.data.length) this.grow(this.length + count);
    if (count < 8) {
      for (let i = 0; i < count; i++) this.data[this.length + i] = src[start + i]!;
    } else {
      this.data.set(src.subarray(start, start + count), this.length);
    }
    this.length += count;
  }

  truncate(length: number): void {
    this.length = Math.min(this.length, length);
  }

  reset(): void {
    this.length = 0;
  }

  /** A copy of the ids, sized exactly. */
  toInt32Array(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

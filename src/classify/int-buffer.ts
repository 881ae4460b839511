/** A growable Int32Array reused across lines, so feature extraction allocates nothing per token. */
export class IntBuffer {
  data: Int32Array;
  length = 0;

  constructor(capacity = 256) {
    this.data = new Int32Array(capacity);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }

  clear(): void {
    this.length = 0;
  }

  /** A copy of the used part. */
  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

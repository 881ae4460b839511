/** A growable Int32Array of ids (the tokenizer's output and trainer lists, fastText feature rows), reused across calls. */
export class IdBuffer {
  data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  private grow(min: number): void {
    let cap = Math.max(this.data.length * 2, 16);
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

  reset(): void {
    this.length = 0;
  }

  /** Appends every id of `ids`. */
  append(ids: Int32Array): void {
    this.reserve(ids.length);
    this.data.set(ids, this.length);
    this.length += ids.length;
  }

  /** The ids as a view; valid until the next write that grows the buffer. */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }

  /** A copy of the ids, sized exactly. */
  toInt32Array(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

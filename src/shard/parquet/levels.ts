import { ByteBuffer } from './byte-buffer.js';

/** Bits needed to store levels 0..maxLevel. */
export function bitWidth(maxLevel: number): number {
  return maxLevel === 0 ? 0 : 32 - Math.clz32(maxLevel);
}

/**
 * Encoder for the RLE / bit-packing hybrid used for repetition and definition levels, and
 * for dictionary indices (values up to 2^24 - 1).
 *
 * Input arrives as runs (value, count), which is how levels come out of our columns: a
 * list row is "one 0 then n-1 ones" for repetition, a non-null stretch is one run for
 * definition. Long runs become RLE runs; short ones are gathered into bit-packed groups of
 * 8. Bit-packed groups may only be zero-padded at the very end of the data, so a short run
 * first tops up the pending group before anything is emitted as RLE.
 */
export class LevelEncoder {
  private readonly width: number;
  private readonly out = new ByteBuffer(1024);
  private literal = new Int32Array(64);
  private literalLen = 0;
  private runValue = 0;
  private runCount = 0;
  /** Total values pushed since the last reset. */
  count = 0;

  /** `minWidth`: dictionary indices are written with at least one bit, which every reader accepts. */
  constructor(maxLevel: number, minWidth = 0) {
    this.width = Math.max(minWidth, bitWidth(maxLevel));
    if (this.width > 24) throw new RangeError(`bit width ${this.width} > 24 is not supported`);
  }

  get bitWidth(): number {
    return this.width;
  }

  reset(): void {
    this.out.reset();
    this.literalLen = 0;
    this.runCount = 0;
    this.count = 0;
  }

  push(value: number, count = 1): void {
    if (count <= 0) return;
    this.count += count;
    if (this.runCount > 0 && value === this.runValue) {
      this.runCount += count;
      return;
    }
    this.flushRun();
    this.runValue = value;
    this.runCount = count;
  }

  /** Finishes the stream and appends it to `dst` with the 4-byte length prefix of data page v1. */
  finishTo(dst: ByteBuffer): void {
    this.flushRun();
    if (this.literalLen > 0) {
      const padded = (this.literalLen + 7) & ~7;
      this.appendLiteral(0, padded - this.literalLen);
      this.emitLiteral();
    }
    dst.uint32LE(this.out.length);
    dst.bytes(this.out.view());
  }

  /** Finishes the stream and appends it without a length prefix (dictionary indices). */
  finishBareTo(dst: ByteBuffer): void {
    const start = dst.length;
    this.finishTo(dst);
    dst.buf.copyWithin(start, start + 4, dst.length);
    dst.length -= 4;
  }

  private flushRun(): void {
    let c = this.runCount;
    if (c === 0) return;
    const v = this.runValue;
    this.runCount = 0;
    const partial = this.literalLen & 7;
    if (partial !== 0) {
      const k = Math.min(c, 8 - partial);
      this.appendLiteral(v, k);
      c -= k;
    }
    if (c >= 8) {
      this.emitLiteral();
      this.emitRle(v, c);
    } else {
      this.appendLiteral(v, c);
    }
  }

  private appendLiteral(v: number, n: number): void {
    if (this.literalLen + n > this.literal.length) {
      let cap = this.literal.length * 2;
      while (cap < this.literalLen + n) cap *= 2;
      const next = new Int32Array(cap);
      next.set(this.literal.subarray(0, this.literalLen));
      this.literal = next;
    }
    this.literal.fill(v, this.literalLen, this.literalLen + n);
    this.literalLen += n;
  }

  private emitRle(v: number, n: number): void {
    this.out.uvarint(n * 2);
    // the repeated value takes ceil(width / 8) bytes, little-endian
    for (let w = 0; w < this.width; w += 8) this.out.byte((v >>> w) & 0xff);
  }

  /** Writes the pending literal values (a multiple of 8) as one bit-packed run. */
  private emitLiteral(): void {
    const n = this.literalLen;
    if (n === 0) return;
    this.out.uvarint((n / 8) * 2 + 1);
    const w = this.width;
    this.out.reserve((n / 8) * w);
    const buf = this.out.buf;
    let pos = this.out.length;
    let acc = 0;
    let bits = 0;
    const lit = this.literal;
    for (let i = 0; i < n; i++) {
      acc |= (lit[i] ?? 0) << bits;
      bits += w;
      while (bits >= 8) {
        buf[pos++] = acc & 0xff;
        acc >>>= 8;
        bits -= 8;
      }
    }
    this.out.length = pos;
    this.literalLen = 0;
  }
}

/**
 * The two matrix kinds a fastText model stores: dense float32 rows, and product-quantized rows
 * (`.ftz`). Arithmetic follows fastText's float32 order exactly: sums accumulate in float32
 * (`Math.fround` after every step; the typed-array stores round the same way), because the
 * one-vs-all head looks its sigmoid up in a 512-entry table and an index computed in float64
 * could land in the neighbouring cell.
 */
import type { ProductQuantizer } from './product-quantizer.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row `i` · `vec`, accumulated in float32. */
  dotRow(vec: Float32Array, i: number): number;
  /** x += row `i` (float32 adds). */
  addRowTo(x: Float32Array, i: number): void;
}

export class DenseMatrix implements Matrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float32Array,
  ) {}

  static zeros(rows: number, cols: number): DenseMatrix {
    return new DenseMatrix(rows, cols, new Float32Array(rows * cols));
  }

  dotRow(vec: Float32Array, i: number): number {
    const d = this.data;
    const n = this.cols;
    const off = i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s = Math.fround(s + Math.fround(d[off + j]! * vec[j]!));
    return s;
  }

  addRowTo(x: Float32Array, i: number): void {
    const d = this.data;
    const n = this.cols;
    const off = i * n;
    for (let j = 0; j < n; j++) x[j]! += d[off + j]!;
  }
}

/** Decoded rows are kept when the whole matrix would take at most this many bytes as float32. */
const DECODE_CACHE_BYTES = 64 << 20;

/**
 * Rows stored as one byte per sub-vector (a centroid index), optionally scaled by a quantized norm.
 * Small matrices (a pruned .ftz) keep each row once decoded: the decoded floats are the very
 * products addRowTo adds, so the sums do not change, and a repeated word costs a dense add.
 */
export class QuantMatrix implements Matrix {
  private readonly decoded: Float32Array | undefined;
  private readonly isDecoded: Uint8Array | undefined;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly codes: Uint8Array,
    readonly pq: ProductQuantizer,
    /** Per-row norm codes and their one-dimensional quantizer, when the model was quantized with -qnorm. */
    readonly norms?: { codes: Uint8Array; pq: ProductQuantizer },
  ) {
    if (rows * cols * 4 <= DECODE_CACHE_BYTES) {
      this.decoded = new Float32Array(rows * cols);
      this.isDecoded = new Uint8Array(rows);
    }
  }

  private norm(i: number): number {
    return this.norms === undefined ? 1 : this.norms.pq.centroids[this.norms.codes[i]!]!;
  }

  dotRow(vec: Float32Array, i: number): number {
    const { centroids, nsubq, dsub, lastdsub, ksub } = this.pq;
    const codes = this.codes;
    const base = i * nsubq;
    let s = 0;
    for (let m = 0; m < nsubq; m++) {
      const last = m === nsubq - 1;
      const c = last ? m * ksub * dsub + codes[base + m]! * lastdsub : (m * ksub + codes[base + m]!) * dsub;
      const d = last ? lastdsub : dsub;
      const xo = m * dsub;
      for (let k = 0; k < d; k++) s = Math.fround(s + Math.fround(vec[xo + k]! * centroids[c + k]!));
    }
    return Math.fround(s * this.norm(i));
  }

  addRowTo(x: Float32Array, i: number): void {
    const dec = this.decoded;
    if (dec === undefined) {
      this.decode(x, i, true);
      return;
    }
    const n = this.cols;
    const off = i * n;
    if (this.isDecoded![i] === 0) {
      this.decode(dec.subarray(off, off + n), i, false);
      this.isDecoded![i] = 1;
    }
    for (let j = 0; j < n; j++) x[j]! += dec[off + j]!;
  }

  /** Row `i`'s float32 products norm × centroid, added to `x` or stored into it. */
  private decode(x: Float32Array, i: number, add: boolean): void {
    const { centroids, nsubq, dsub, lastdsub, ksub } = this.pq;
    const codes = this.codes;
    const base = i * nsubq;
    const a = this.norm(i);
    for (let m = 0; m < nsubq; m++) {
      const last = m === nsubq - 1;
      const c = last ? m * ksub * dsub + codes[base + m]! * lastdsub : (m * ksub + codes[base + m]!) * dsub;
      const d = last ? lastdsub : dsub;
      const xo = m * dsub;
      if (add) for (let k = 0; k < d; k++) x[xo + k]! += Math.fround(a * centroids[c + k]!);
      else for (let k = 0; k < d; k++) x[xo + k] = Math.fround(a * centroids[c + k]!);
    }
  }
}

/**
 * The two matrix kinds a fastText model stores: dense float32 rows, and product-quantized rows
 * (`.ftz`). Arithmetic follows fastText's float32 order exactly: sums accumulate in float32
 * (`Math.fround` after every step; the typed-array stores round the same way), because the
 * one-vs-all head looks its sigmoid up in a 512-entry table and an index computed in float64
 * could land in the neighbouring cell.
 */
import type { ProductQuantizer } from './product-quantizer.js';
import { SimdRows } from './simd-rows.js';

export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row `i` · `vec`, accumulated in float32. */
  dotRow(vec: Float32Array, i: number): number;
  /** x += row `i` (float32 adds). */
  addRowTo(x: Float32Array, i: number): void;
  /** x = the sum of rows `ids[0, n)` in that order, as `addRowTo` from zero would make it. */
  sumRows(ids: Int32Array, n: number, x: Float32Array): void;
}

/** sumRows without the SIMD kernel: the rows added one at a time, in order, from zero. */
function sumRowsOneByOne(m: Matrix, ids: Int32Array, n: number, x: Float32Array): void {
  x.fill(0);
  for (let k = 0; k < n; k++) m.addRowTo(x, ids[k]!);
}

export class DenseMatrix implements Matrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Float32Array,
    /** The same floats in WebAssembly memory with the SIMD kernel (simd-rows.ts), for sumRows. */
    private readonly simd?: SimdRows,
  ) {}

  static zeros(rows: number, cols: number): DenseMatrix {
    return new DenseMatrix(rows, cols, new Float32Array(rows * cols));
  }

  /** A matrix whose rows `sumRows` adds with the SIMD kernel; `fill` writes its floats (the model reader reads them from the file). */
  static forSumming(rows: number, cols: number, fill: (data: Float32Array) => void): DenseMatrix {
    const simd = SimdRows.allocate(rows, cols);
    const data = simd?.data ?? new Float32Array(rows * cols);
    fill(data);
    return new DenseMatrix(rows, cols, data, simd);
  }

  sumRows(ids: Int32Array, n: number, x: Float32Array): void {
    if (this.simd !== undefined) this.simd.sumRows(ids, n, x);
    else sumRowsOneByOne(this, ids, n, x);
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
  private readonly simd: SimdRows | undefined;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly codes: Uint8Array,
    readonly pq: ProductQuantizer,
    /** Per-row norm codes and their one-dimensional quantizer, when the model was quantized with -qnorm. */
    readonly norms?: { codes: Uint8Array; pq: ProductQuantizer },
  ) {
    if (rows * cols * 4 <= DECODE_CACHE_BYTES) {
      this.simd = SimdRows.allocate(rows, cols);
      this.decoded = this.simd?.data ?? new Float32Array(rows * cols);
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

  sumRows(ids: Int32Array, n: number, x: Float32Array): void {
    const simd = this.simd;
    if (simd === undefined) return sumRowsOneByOne(this, ids, n, x);
    const cols = this.cols;
    const dec = this.decoded!;
    const isDecoded = this.isDecoded!;
    for (let k = 0; k < n; k++) {
      const i = ids[k]!;
      if (isDecoded[i] === 0) {
        this.decode(dec.subarray(i * cols, (i + 1) * cols), i, false);
        isDecoded[i] = 1;
      }
    }
    simd.sumRows(ids, n, x);
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

/**
 * The WebAssembly SIMD row kernel against fastText's scalar loop: the same float32 sums bit for
 * bit (the one-vs-all head's table sigmoid turns a last-bit difference into another table cell),
 * for row widths with and without a tail beyond the last 4 floats, repeated rows, and lines with
 * more row ids than one kernel call takes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DenseMatrix } from '../../src/classify/matrix.js';
import { SimdRows } from '../../src/classify/simd-rows.js';

function scalarSum(data: Float32Array, cols: number, ids: Int32Array, n: number): Float32Array {
  const x = new Float32Array(cols);
  for (let k = 0; k < n; k++) for (let j = 0; j < cols; j++) x[j]! += data[ids[k]! * cols + j]!;
  return x;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

describe('SIMD row sums', () => {
  it('is available on Node 20 (otherwise prediction silently takes the scalar path)', () => {
    expect(SimdRows.allocate(2, 4)).toBeDefined();
  });

  it('adds rows bit-identically to the scalar float32 loop, tails and repeats included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 19 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.float({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1, maxLength: 800 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (cols, rows, values, picks) => {
          const m = DenseMatrix.forSumming(rows, cols, (d) => d.forEach((_, i) => (d[i] = values[i % values.length]!)));
          const ids = Int32Array.from(picks, (p) => p % rows);
          const got = new Float32Array(cols).fill(7); // sumRows starts from zero, whatever x held
          m.sumRows(ids, ids.length, got);
          return sameBits(got, scalarSum(m.data, cols, ids, ids.length));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the order of additions across kernel calls on a long line', () => {
    const rows = 5000;
    const cols = 101;
    let seed = 1;
    const next = (): number => ((seed = Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const m = DenseMatrix.forSumming(rows, cols, (d) => d.forEach((_, i) => (d[i] = Math.fround((next() - 0.5) * 10 ** (next() * 8)))));
    const ids = Int32Array.from({ length: 30_000 }, () => Math.floor(next() * rows));
    const got = new Float32Array(cols);
    m.sumRows(ids, ids.length, got);
    expect(sameBits(got, scalarSum(m.data, cols, ids, ids.length))).toBe(true);
    // a prefix only: n below the buffer's length
    m.sumRows(ids, 12_345, got);
    expect(sameBits(got, scalarSum(m.data, cols, ids, 12_345))).toBe(true);
  });

  it('gives the same sums from a plain matrix (no SIMD memory) as from the kernel', () => {
    const data = Float32Array.from({ length: 64 * 33 }, (_, i) => Math.fround(Math.sin(i) * 1e3));
    const plain = new DenseMatrix(64, 33, data);
    const simd = DenseMatrix.forSumming(64, 33, (d) => d.set(data));
    const ids = Int32Array.from({ length: 500 }, (_, i) => (i * 37) % 64);
    const a = new Float32Array(33);
    const b = new Float32Array(33);
    plain.sumRows(ids, ids.length, a);
    simd.sumRows(ids, ids.length, b);
    expect(sameBits(a, b)).toBe(true);
  });
});

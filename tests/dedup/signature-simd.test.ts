/**
 * The WebAssembly SIMD MinHash kernel against the scalar loop: the same signature bits for any
 * number of permutations (groups of 16, single vectors of 4 and a scalar tail), for documents
 * with no shingles, and for documents larger than the kernel's memory held before (it grows).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHasher } from '../../src/dedup/minhash/signature.js';
import { SimdSignature } from '../../src/dedup/minhash/simd-signature.js';

function bothWays(hasher: MinHasher, shingles: Int32Array): [Int32Array, Int32Array] {
  const fast = new Int32Array(hasher.numHashes).fill(123);
  hasher.signature(shingles, shingles.length, fast);
  const slow = new Int32Array(hasher.numHashes).fill(456);
  hasher.scalarSignature(shingles, shingles.length, slow, 0);
  return [fast, slow];
}

describe('SIMD MinHash signatures', () => {
  it('is available on Node 20 (otherwise signatures silently take the scalar path)', () => {
    expect(SimdSignature.create(new Int32Array(8), new Int32Array(8))).toBeDefined();
  });

  it('gives the scalar loop bits for every permutation count and shingle list', () => {
    const u32 = fc.oneof(fc.constantFrom(0, 1, -1, 0x7fffffff, -0x80000000), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(u32, { maxLength: 300 }), (numHashes, seed, values) => {
        const [fast, slow] = bothWays(new MinHasher(numHashes, seed), Int32Array.from(values));
        expect(Array.from(fast)).toEqual(Array.from(slow));
      }),
      { numRuns: 300 },
    );
  });

  it('all ones for a document without shingles, as before', () => {
    const [fast] = bothWays(new MinHasher(112, 1), new Int32Array(0));
    expect(fast.every((v) => v === -1)).toBe(true);
  });

  it('grows for a long document and stays exact on the next, shorter one', () => {
    const hasher = new MinHasher(112, 7);
    let x = 1;
    const long = Int32Array.from({ length: 300_000 }, () => (x = (Math.imul(x, 1103515245) + 12345) | 0));
    for (const shingles of [long, long.subarray(0, 1000), long.subarray(5)]) {
      const [fast, slow] = bothWays(hasher, shingles);
      expect(Array.from(fast)).toEqual(Array.from(slow));
    }
  });
});

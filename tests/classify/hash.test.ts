/**
 * fastText's hashes against a BigInt transcription of the C++ (dictionary.cc): FNV-1a over
 * sign-extended bytes, and the 64-bit word n-gram combination of int32 token hashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnvSigned, modExact, NgramHash } from '../../src/classify/hash.js';

function refHash(bytes: Uint8Array): number {
  let h = 2166136261n;
  for (const b of bytes) {
    const signed = BigInt(b >= 128 ? b - 256 : b);
    h = (h ^ BigInt.asUintN(32, signed)) & 0xffffffffn;
    h = (h * 16777619n) & 0xffffffffn;
  }
  return Number(h);
}

/** uint64 h = int32 hashes[i]; h = h * 116049371 + hashes[j]; then h % bucket. */
function refNgram(hashes: number[], bucket: number): number {
  let h = BigInt.asUintN(64, BigInt(hashes[0]! | 0));
  for (const x of hashes.slice(1)) h = BigInt.asUintN(64, h * 116049371n + BigInt.asUintN(64, BigInt(x | 0)));
  return Number(h % BigInt(bucket));
}

describe('fastText hashing', () => {
  it('hashes bytes ≥ 0x80 sign-extended (the quirk every released model depends on)', () => {
    // é is C3 A9: an unsigned FNV-1a would give another value
    const e = new TextEncoder().encode('é');
    expect(fnvSigned(e, 0, e.length)).toBe(refHash(e));
    let unsigned = 2166136261;
    for (const b of e) unsigned = Math.imul(unsigned ^ b, 16777619) >>> 0;
    expect(fnvSigned(e, 0, e.length)).not.toBe(unsigned);
    const eos = new TextEncoder().encode('</s>');
    expect(fnvSigned(eos, 0, 4)).toBe(refHash(eos));
  });

  it('equals the reference on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => fnvSigned(b, 0, b.length) === refHash(b)));
  });

  it('combines word n-gram hashes in 64-bit arithmetic with sign extension', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 0x7fffffff }), (hashes, bucket) => {
        const g = new NgramHash();
        g.start(hashes[0]!);
        for (const x of hashes.slice(1)) g.extend(x);
        return g.mod(bucket) === refNgram(hashes, bucket);
      }),
      { numRuns: 2000 },
    );
  });

  it('reduces modulo exactly without the fmod call (uint32 hashes, and the 2^47 steps of the n-gram modulo)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.maxSafeNat()), fc.integer({ min: 1, max: 0x7fffffff }), (x, m) => modExact(x, m) === Number(BigInt(x) % BigInt(m))),
      { numRuns: 5000 },
    );
    expect(modExact(0xffffffff, 0x7fffffff)).toBe(1);
    expect(modExact(2 ** 53 - 1, 3)).toBe(Number((2n ** 53n - 1n) % 3n));
  });
});

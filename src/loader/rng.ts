/**
 * The loader's only source of randomness: xoshiro128** seeded from (seed, purpose, source,
 * epoch) through a murmur3 finaliser chain. 32-bit integer arithmetic only, so FORMAT.md can
 * state it exactly and another implementation can reproduce every order bit for bit.
 */

import { fmix32 } from '../core/hash32.js';

/** murmur3's 32-bit finaliser (FORMAT.md's mix32), as an unsigned value. */
function mix32(x: number): number {
  return fmix32(x) >>> 0;
}

const GOLDEN = 0x9e3779b9;

/** Folds 32-bit words into one: h = mix32(h ^ w) + golden, starting from golden. */
export function hashWords(words: readonly number[]): number {
  let h = GOLDEN;
  for (const w of words) h = (mix32((h ^ w) >>> 0) + GOLDEN) >>> 0;
  return h;
}

/** What a random stream is used for; part of its seed so streams never coincide. */
export const Purpose = { shardOrder: 1, shuffleBuffer: 2 } as const;

/** Largest n `below(n)` accepts: keeps `next() * n` exact in a double. */
export const MAX_BELOW = 1 << 21;

export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(words: readonly number[]) {
    const h = hashWords(words);
    this.s0 = mix32((h + GOLDEN * 1) >>> 0);
    this.s1 = mix32((h + GOLDEN * 2) >>> 0);
    this.s2 = mix32((h + GOLDEN * 3) >>> 0);
    this.s3 = mix32((h + GOLDEN * 4) >>> 0);
    // the all-zero state is the generator's only fixed point
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next unsigned 32-bit value (xoshiro128**). */
  next(): number {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** Uniform-enough integer in [0, n) for n <= MAX_BELOW: floor(next() * n / 2^32). */
  below(n: number): number {
    return Math.floor((this.next() * n) / 4294967296);
  }
}

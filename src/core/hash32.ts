/**
 * 32-bit integer hashing built only from Math.imul, shifts and xor, so every platform computes
 * the same values (no floats, no BigInt, no native code). MurmurHash3's block mix and finalizer.
 */

const C1 = 0xcc9e2d51 | 0;
const C2 = 0x1b873593 | 0;

/** MurmurHash3 finalizer: full avalanche of a 32-bit value. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Mixes one 32-bit block `k` into state `h` (MurmurHash3 x86_32 body step). */
export function murmurMix(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 x86_32 of `count` 32-bit words of `words` starting at `start`. */
export function murmurWords(words: ArrayLike<number>, start: number, count: number, seed: number): number {
  let h = seed | 0;
  for (let i = 0; i < count; i++) h = murmurMix(h, words[start + i]!);
  return fmix32(h ^ (count << 2));
}

/**
 * A deterministic stream of 32-bit values from a seed (splitmix32). Used for the permutation
 * constants: the same seed gives the same constants on every machine and in every version.
 */
export function* splitmix32(seed: number): Generator<number, never> {
  let state = seed | 0;
  for (;;) {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    yield (z ^ (z >>> 15)) | 0;
  }
}

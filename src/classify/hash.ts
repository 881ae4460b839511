/**
 * fastText's hashes. Tokens are hashed with 32-bit FNV-1a over their UTF-8 bytes, but each byte is
 * sign-extended first (C++ `int8_t` then `uint32_t`), as every released fastText model was trained
 * that way: bytes ≥ 0x80 XOR in 0xFFFFFFxx, not 0x000000xx. Word n-grams combine token hashes in
 * 64-bit unsigned arithmetic, done here with 16/32-bit halves so no BigInt is allocated per n-gram.
 */

const FNV_OFFSET = 2166136261;
const FNV_PRIME = 16777619;

/** FNV-1a with fastText's signed-byte quirk over `bytes[start, end)`. */
export function fnvSigned(bytes: Uint8Array, start: number, end: number): number {
  let h = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    h = Math.imul(h ^ ((bytes[i]! << 24) >> 24), FNV_PRIME);
  }
  return h >>> 0;
}

/**
 * One more byte into a running fastText hash (the character n-gram loop extends n-grams a byte at
 * a time). Running hashes are kept as int32, which V8 holds unboxed; `>>> 0` gives the uint32.
 */
export function fnvStep(h: number, byte: number): number {
  return Math.imul(h ^ ((byte << 24) >> 24), FNV_PRIME);
}

/** The FNV offset basis as int32, where fnvStep starts. */
export const FNV_START = FNV_OFFSET | 0;

/**
 * `x % m` for integers 0 <= x < 2^53, 0 < m: V8 computes `%` on values outside int32 (a uint32
 * hash above 2^31) with a C call to fmod, about 3x the cost of one double division. The quotient
 * is exact here: its rounding error, below x/m * 2^-53, is smaller than its distance 1/m from the
 * next integer.
 */
export function modExact(x: number, m: number): number {
  return x - Math.floor(x / m) * m;
}

const NGRAM_MUL = 116049371;
const TWO32 = 4294967296;

/**
 * A 64-bit unsigned accumulator for word n-gram hashes: `h = h * 116049371 + next` where `next` is
 * a token hash stored as int32 and so sign-extended to 64 bits (fastText keeps token hashes in a
 * `vector<int32_t>`). `hi`/`lo` are the two uint32 halves.
 */
export class NgramHash {
  hi = 0;
  lo = 0;

  /** Starts from a token hash (uint32 as fastText computed it). */
  start(tokenHash: number): void {
    const s = tokenHash | 0;
    this.lo = s >>> 0;
    this.hi = s < 0 ? 0xffffffff : 0;
  }

  /** h = h * 116049371 + sign-extended tokenHash, modulo 2^64. */
  extend(tokenHash: number): void {
    const lo = this.lo;
    const a0 = lo & 0xffff;
    const a1 = lo >>> 16;
    const p0 = a0 * NGRAM_MUL; // < 2^43, exact
    const p1 = a1 * NGRAM_MUL; // < 2^43, exact
    const t = p0 + (p1 & 0xffff) * 65536; // < 2^44, exact
    let newLo = modExact(t, TWO32);
    const carry = Math.floor(t / TWO32) + Math.floor(p1 / 65536);
    let newHi = (Math.imul(this.hi, NGRAM_MUL) + carry) >>> 0;
    const s = tokenHash | 0;
    newLo += s >>> 0;
    if (newLo >= TWO32) {
      newLo -= TWO32;
      newHi = (newHi + 1) >>> 0;
    }
    if (s < 0) newHi = (newHi + 0xffffffff) >>> 0;
    this.lo = newLo;
    this.hi = newHi;
  }

  /** The 64-bit value modulo `m` (m < 2^31), 16 bits at a time so every product stays exact. */
  mod(m: number): number {
    let r = modExact(this.hi >>> 16, m);
    r = modExact(r * 65536 + (this.hi & 0xffff), m);
    r = modExact(r * 65536 + (this.lo >>> 16), m);
    r = modExact(r * 65536 + (this.lo & 0xffff), m);
    return r;
  }
}

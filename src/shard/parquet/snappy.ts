/**
 * Snappy block compressor (the raw format Parquet's SNAPPY codec uses, no framing).
 *
 * Written from the format description: a varint of the uncompressed length, then a
 * sequence of literals and back-references ("copies"). We compress in independent 64 KiB
 * blocks so every copy offset fits two bytes, find matches with a 4-byte hash table, and
 * skip ahead faster through incompressible stretches, as the reference implementation does.
 */

const BLOCK = 1 << 16;
const HASH_BITS = 14;
/** Don't start a match search this close to a block's end; the tail becomes a literal. */
const INPUT_MARGIN = 15;

const table = new Uint16Array(1 << HASH_BITS);
let scratch = new Uint8Array(0);

// Callers only read whole words inside the block (INPUT_MARGIN guarantees it), so the
// `as number` casts below never hide an out-of-range read.
function load32(s: Uint8Array, i: number): number {
  return ((s[i] as number) | ((s[i + 1] as number) << 8) | ((s[i + 2] as number) << 16) | ((s[i + 3] as number) << 24)) >>> 0;
}

function hash(x: number): number {
  return Math.imul(x, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

function emitLiteral(src: Uint8Array, from: number, to: number, out: Uint8Array, op: number): number {
  const n = to - from - 1;
  if (n < 60) {
    out[op++] = n << 2;
  } else if (n < 0x100) {
    out[op++] = 60 << 2;
    out[op++] = n;
  } else if (n < 0x10000) {
    out[op++] = 61 << 2;
    out[op++] = n & 0xff;
    out[op++] = n >>> 8;
  } else if (n < 0x1000000) {
    out[op++] = 62 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = n >>> 16;
  } else {
    out[op++] = 63 << 2;
    out[op++] = n & 0xff;
    out[op++] = (n >>> 8) & 0xff;
    out[op++] = (n >>> 16) & 0xff;
    out[op++] = n >>> 24;
  }
  if (to - from <= 16) {
    // short literals: a byte loop beats creating a subarray view
    for (let i = from; i < to; i++) out[op++] = src[i] as number;
    return op;
  }
  out.set(src.subarray(from, to), op);
  return op + (to - from);
}

/** Copy with a 2-byte offset, length 1..64. */
function emitCopy2(out: Uint8Array, op: number, offset: number, len: number): number {
  out[op++] = 2 | ((len - 1) << 2);
  out[op++] = offset & 0xff;
  out[op++] = offset >>> 8;
  return op;
}

function emitCopy(out: Uint8Array, op: number, offset: number, len: number): number {
  while (len >= 68) {
    op = emitCopy2(out, op, offset, 64);
    len -= 64;
  }
  if (len > 64) {
    // leave at least 4 bytes so the remainder can still use a copy
    op = emitCopy2(out, op, offset, 60);
    len -= 60;
  }
  if (len >= 12 || offset >= 2048) return emitCopy2(out, op, offset, len);
  // 1-byte-offset copy: length 4..11, offset < 2048
  out[op++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
  out[op++] = offset & 0xff;
  return op;
}

function compressBlock(src: Uint8Array, start: number, end: number, out: Uint8Array, op: number): number {
  let nextEmit = start;
  if (end - start >= INPUT_MARGIN) {
    table.fill(0);
    const ipLimit = end - INPUT_MARGIN;
    let ip = start + 1;
    let candidate = start;
    outer: for (;;) {
      // Search for a 4-byte match; the step grows by one every 32 misses.
      let skip = 32;
      let nextIp = ip;
      let cur: number;
      do {
        ip = nextIp;
        nextIp = ip + (skip++ >> 5);
        if (nextIp > ipLimit) break outer;
        cur = load32(src, ip);
        const h = hash(cur);
        candidate = start + (table[h] as number);
        table[h] = ip - start;
      } while (cur !== load32(src, candidate));

      op = emitLiteral(src, nextEmit, ip, out, op);
      // Emit copies for as long as the byte after a match starts another one.
      for (;;) {
        let matched = 4;
        while (ip + matched < end && src[candidate + matched] === src[ip + matched]) matched++;
        op = emitCopy(out, op, ip - candidate, matched);
        ip += matched;
        nextEmit = ip;
        if (ip >= ipLimit) break outer;
        table[hash(load32(src, ip - 1))] = ip - 1 - start;
        cur = load32(src, ip);
        const h = hash(cur);
        candidate = start + (table[h] as number);
        table[h] = ip - start;
        if (cur !== load32(src, candidate)) break;
      }
      ip++;
    }
  }
  if (nextEmit < end) op = emitLiteral(src, nextEmit, end, out, op);
  return op;
}

export function snappyCompress(input: Uint8Array): Buffer {
  // a plain Uint8Array view: Buffer.subarray is much slower than Uint8Array.subarray
  const src = new Uint8Array(input.buffer, input.byteOffset, input.length);
  const n = src.length;
  const maxOut = 32 + n + Math.ceil(n / 6);
  if (scratch.length < maxOut) scratch = new Uint8Array(maxOut);
  const out = scratch;
  let op = 0;
  let len = n;
  while (len >= 0x80) {
    out[op++] = (len & 0x7f) | 0x80;
    len = Math.floor(len / 0x80);
  }
  out[op++] = len;
  for (let start = 0; start < n; start += BLOCK) {
    op = compressBlock(src, start, Math.min(n, start + BLOCK), out, op);
  }
  return Buffer.from(out.subarray(0, op));
}

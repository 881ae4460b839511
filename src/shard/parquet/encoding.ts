import { endianness } from 'node:os';
import type { ByteBuffer } from './byte-buffer.js';

/**
 * PLAIN encoding: INT32/INT64 as little-endian fixed width, BYTE_ARRAY as a 4-byte length
 * followed by the bytes. Encoders append to a reusable ByteBuffer.
 */

const LITTLE_ENDIAN = endianness() === 'LE';

/** Appends values[from, to) of a typed int array as little-endian bytes. */
export function plainInts(values: Int32Array | BigInt64Array | Float64Array, from: number, to: number, out: ByteBuffer): void {
  const width = values.BYTES_PER_ELEMENT;
  const n = (to - from) * width;
  out.reserve(n);
  if (LITTLE_ENDIAN) {
    // memory layout already is PLAIN: one copy, no per-value work
    out.buf.set(new Uint8Array(values.buffer, values.byteOffset + from * width, n), out.length);
  } else {
    const dv = new DataView(out.buf.buffer, out.buf.byteOffset + out.length, n);
    for (let i = from; i < to; i++) {
      if (values instanceof Int32Array) dv.setInt32((i - from) * 4, values[i] ?? 0, true);
      else if (values instanceof Float64Array) dv.setFloat64((i - from) * 8, values[i] ?? 0, true);
      else dv.setBigInt64((i - from) * 8, values[i] ?? 0n, true);
    }
  }
  out.length += n;
}

/** Appends the non-null values among rows [from, to), skipping rows flagged in `nulls`. */
export function plainIntsSkippingNulls(values: Int32Array | BigInt64Array | Float64Array, nulls: Uint8Array, from: number, to: number, out: ByteBuffer): void {
  let runStart = from;
  for (let i = from; i <= to; i++) {
    if (i === to || nulls[i] === 1) {
      if (i > runStart) plainInts(values, runStart, i, out);
      runStart = i + 1;
    }
  }
}

/**
 * Appends strings from rows [from, to) as PLAIN BYTE_ARRAY until at least `budget` bytes
 * are buffered; nulls are skipped (they live in the definition levels). Returns the row
 * after the last one encoded, so the caller can cut a page there.
 */
export function plainStrings(values: readonly (string | null)[], from: number, to: number, budget: number, out: ByteBuffer): number {
  const stop = out.length + budget;
  let i = from;
  while (i < to && out.length < stop) {
    const s = values[i++];
    if (s === null || s === undefined) continue;
    // UTF-16 code units encode to at most 3 UTF-8 bytes each: reserve, then write in place
    out.reserve(4 + s.length * 3);
    const pos = out.length;
    const n = out.buf.write(s, pos + 4, 'utf8');
    out.buf.writeUInt32LE(n, pos);
    out.length = pos + 4 + n;
  }
  return i;
}

/**
 * plainStrings for values already in UTF-8 (row i is bytes[offsets[i], offsets[i+1])): a length
 * and a copy per value. Returns the row after the last one encoded.
 */
export function plainByteArrays(bytes: Uint8Array, offsets: Int32Array, from: number, to: number, budget: number, out: ByteBuffer): number {
  const stop = out.length + budget;
  let i = from;
  while (i < to && out.length < stop) {
    const start = offsets[i]!;
    const n = offsets[++i]! - start;
    out.reserve(4 + n);
    const pos = out.length;
    out.buf.writeUInt32LE(n, pos);
    out.buf.set(bytes.subarray(start, start + n), pos + 4);
    out.length = pos + 4 + n;
  }
  return i;
}

/** Appends the non-null booleans among rows [from, to) bit-packed, least significant bit first. */
export function plainBools(values: Uint8Array, nulls: Uint8Array | null, from: number, to: number, out: ByteBuffer): void {
  out.reserve(((to - from) >>> 3) + 1);
  let acc = 0;
  let bits = 0;
  for (let i = from; i < to; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    acc |= (values[i] ?? 0) << bits;
    if (++bits === 8) {
      out.buf[out.length++] = acc;
      acc = 0;
      bits = 0;
    }
  }
  if (bits > 0) out.buf[out.length++] = acc;
}

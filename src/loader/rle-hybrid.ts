/**
 * Parquet's RLE/bit-packed hybrid encoding, decoded: definition levels and dictionary indices
 * of the `source` column. A run header (ULEB128) is either `count << 1` followed by one value
 * in ceil(width / 8) little-endian bytes, or `groups << 1 | 1` followed by groups of 8 values
 * packed LSB first in `width` bytes each.
 */

/** Thrown for data that ends early or overruns; callers add the file and page. */
export class HybridError extends Error {}

/**
 * Decodes `count` values of width `width` (0-32) from bytes[pos, end) into out[0, count) and
 * returns the position after the last run read. A final bit-packed group may be padded past
 * `count`; its padding is not decoded, and may be cut short by the end of the data.
 */
export function decodeHybrid(bytes: Uint8Array, pos: number, end: number, width: number, count: number, out: Uint32Array): number {
  if (width < 0 || width > 32) throw new HybridError(`bit width ${width} is outside 0-32`);
  const valueBytes = (width + 7) >>> 3;
  const mask = width === 32 ? 0xffffffff : (1 << width) - 1;
  let n = 0;
  while (n < count) {
    let header = 0;
    let shift = 0;
    for (;;) {
      if (pos >= end) throw new HybridError(`runs end after ${n} of ${count} values`);
      const b = bytes[pos++]!;
      header += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
      if (shift > 35) throw new HybridError('a run header is longer than 5 bytes');
    }
    if (header % 2 === 0) {
      if (header === 0) throw new HybridError('an RLE run of length 0');
      const run = Math.min(header / 2, count - n);
      if (pos + valueBytes > end) throw new HybridError('an RLE run ends inside its value');
      let v = 0;
      for (let k = 0; k < valueBytes; k++) v += bytes[pos + k]! * 2 ** (8 * k);
      pos += valueBytes;
      out.fill(v, n, n + run);
      n += run;
    } else {
      const values = Math.floor(header / 2) * 8;
      if (values === 0) throw new HybridError('a bit-packed run of 0 groups');
      const take = Math.min(values, count - n);
      if (pos + Math.ceil((take * width) / 8) > end) throw new HybridError('a bit-packed run ends inside its values');
      for (let i = 0; i < take; i++) {
        const bit = i * width;
        const at = pos + (bit >>> 3);
        const s = bit & 7;
        // up to 5 bytes hold a value (32 bits at a bit offset of up to 7); bytes past `end` are padding
        const lo = ((bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8) | ((bytes[at + 2] ?? 0) << 16) | ((bytes[at + 3] ?? 0) << 24)) >>> s;
        const v = s + width > 32 ? lo | ((bytes[at + 4] ?? 0) << (32 - s)) : lo;
        out[n + i] = (v & mask) >>> 0;
      }
      n += take;
      pos = Math.min(end, pos + (values / 8) * width);
    }
  }
  return pos;
}

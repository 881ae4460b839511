/**
 * Pieces of a multistream bzip2 file (Wikipedia's `*-multistream.xml.bz2`, pbzip2 output, any
 * concatenation of bzip2 streams) cut at stream starts, where a decoder can begin.
 *
 * A stream starts byte-aligned with `BZh` + level `1`-`9` + the block magic 0x314159265359 (or,
 * for an empty stream, the end-of-stream magic 0x177245385090). Those 10 bytes alone could occur
 * inside compressed data (a block's Huffman-coded bits are arbitrary). So a match counts only
 * where the previous stream visibly ends right before it: every stream ends with the
 * end-of-stream magic (48 bits), its combined CRC (32 bits) and 0-7 zero bits of padding to a byte
 * boundary, so the 80-87 bits before a true start hold that trailer. Requiring both the header
 * and the trailer is about 125 bits of fixed structure, which compressed bytes match by chance
 * about once in 2^120 positions. And a wrong cut could not pass unnoticed: each piece is decoded
 * by a CRC-checking decoder that must end at a stream end, so a false start would make the
 * piece before it fail as truncated, never yield different text.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { ByteRange } from './byte-range.js';

// a cut's scan ends at the next start, a few hundred kB on in Wikipedia's dumps: small windows read little past it
const WINDOW = 64 * 1024;
const HEADER = 10;
const TRAILER = 11;
const BLOCK_MAGIC = Buffer.from([0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
const END_MAGIC = Buffer.from([0x17, 0x72, 0x45, 0x38, 0x50, 0x90]);
const END_MAGIC_BITS = 0x177245385090n;
const BZH = Buffer.from('BZh', 'latin1');

/** Whether `b` (10 bytes) is a stream header: `BZh`, a level digit, then a block or end-of-stream magic. */
function isHeader(b: Uint8Array): boolean {
  if (b.length < HEADER || b[0] !== 0x42 || b[1] !== 0x5a || b[2] !== 0x68 || b[3]! < 0x31 || b[3]! > 0x39) return false;
  const magic = Buffer.from(b.buffer, b.byteOffset + 4, 6);
  return magic.equals(BLOCK_MAGIC) || magic.equals(END_MAGIC);
}

/** Whether `b` (the 11 bytes before a position) ends with a stream trailer: end magic, CRC, 0-7 zero bits. */
export function endsWithTrailer(b: Uint8Array): boolean {
  if (b.length !== TRAILER) return false;
  let bits = 0n;
  for (const byte of b) bits = (bits << 8n) | BigInt(byte);
  for (let pad = 0n; pad < 8n; pad++) {
    if ((bits & ((1n << pad) - 1n)) !== 0n) break; // padding bits are zero; more padding only adds bits
    if (((bits >> (pad + 32n)) & 0xffffffffffffn) === END_MAGIC_BITS) return true;
  }
  return false;
}

/** Whether a stream of `fh` starts at `pos` (0 always does, if it is bzip2 at all). */
export async function isStreamStart(fh: FileHandle, pos: number): Promise<boolean> {
  const b = Buffer.alloc(TRAILER + HEADER);
  const from = Math.max(0, pos - TRAILER);
  const { bytesRead } = await fh.read(b, 0, pos - from + HEADER, from);
  if (!isHeader(b.subarray(pos - from, bytesRead))) return false;
  return pos === 0 || (pos - from === TRAILER && endsWithTrailer(b.subarray(0, TRAILER)));
}

/** The first stream start at or after `from` and before `size` (the file's size, or where to stop looking), or `size` if there is none; reads windows, never the whole file at once. */
export async function nextStreamStart(fh: FileHandle, from: number, size: number): Promise<number> {
  const buf = Buffer.allocUnsafe(WINDOW);
  for (let pos = from; pos + HEADER <= size;) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(WINDOW, size - pos), pos);
    if (bytesRead < HEADER) break; // the file shrank since it was sized
    const view = buf.subarray(0, bytesRead);
    // a header must lie wholly in this window; one cut by its end is found again in the next (overlap)
    for (let i = view.indexOf(BZH); i !== -1 && i + HEADER <= bytesRead; i = view.indexOf(BZH, i + 1)) {
      if (isHeader(view.subarray(i, i + HEADER)) && (await isStreamStart(fh, pos + i))) return pos + i;
    }
    if (pos + bytesRead >= size) break;
    pos += bytesRead - (HEADER - 1);
  }
  return size;
}

/**
 * How far past a point to look for a stream start. Multistream files have one every few hundred
 * KB (Wikipedia: 100 pages a stream; pbzip2: one per 900 KB block of input), so a file with none
 * in this span is taken as one stream (plain `bzip2`, lbzip2) without reading it through.
 */
const MAX_SCAN = 16 * 1024 * 1024;

/**
 * Boundaries cutting a `size`-byte multistream bzip2 file into pieces of about `pieceBytes` at
 * stream starts: each even cut point moved forward to the next stream start. A file with no
 * second stream near its start stays one piece; a cut with no stream start within MAX_SCAN is
 * dropped (its piece joins the next). A cut whose scan ran past the next cut point lends that one
 * its result, so no byte is scanned twice.
 */
export async function streamAlignedRanges(path: string, size: number, pieceBytes: number): Promise<ByteRange[]> {
  const n = Math.ceil(size / pieceBytes);
  if (n <= 1) return [{ start: 0, end: size, kind: 'bz2-streams' }];
  const fh = await open(path, 'r');
  try {
    const within = (from: number): number => Math.min(size, from + MAX_SCAN);
    // one stream (plain bzip2): nothing to cut at, and no reason to read the rest of it
    if ((await nextStreamStart(fh, 1, within(1))) >= within(1)) return [{ start: 0, end: size, kind: 'bz2-streams' }];
    const bounds = [0];
    let found = 0;
    for (let i = 1; i < n; i++) {
      const target = Math.round((i * size) / n);
      // the start found for an earlier cut is also the first at or after this one when it lies past it
      if (found < target) found = await nextStreamStart(fh, target, within(target));
      if (found > bounds[bounds.length - 1]! && found < within(target)) bounds.push(found);
    }
    bounds.push(size);
    return bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end, kind: 'bz2-streams' as const }));
  } finally {
    await fh.close();
  }
}

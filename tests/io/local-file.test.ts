/**
 * A local file read to a given end (a piece of a large input, a spill): the read stops there, in
 * reads no larger than what is left, so a 16 KiB piece costs a 16 KiB read, not a 1 MiB one.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pieceOf } from '../../src/io/byte-range.js';
import { localFile, type InputFile } from '../../src/io/input.js';
import { tempDir } from '../helpers/corpus.js';

async function chunks(source: AsyncIterable<Uint8Array>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of source) out.push(Buffer.from(c));
  return out;
}

describe('localFile', () => {
  const dir = tempDir('sluice-local-file-');
  const path = join(dir, 'bytes.bin');
  const bytes = Buffer.from(Array.from({ length: 3 << 20 }, (_, i) => (i * 31 + (i >> 8)) & 0xff));
  writeFileSync(path, bytes);

  it('streams [offset, end) in chunks no larger than the range', async () => {
    const got = await chunks(localFile(path).open(1000, 1000 + 16 * 1024));
    expect(got.map((c) => c.length)).toEqual([16 * 1024]);
    expect(Buffer.concat(got).equals(bytes.subarray(1000, 1000 + 16 * 1024))).toBe(true);
    const long = await chunks(localFile(path).open(5, (2 << 20) + 7));
    expect(Math.max(...long.map((c) => c.length))).toBe(1 << 20);
    expect(Buffer.concat(long).equals(bytes.subarray(5, (2 << 20) + 7))).toBe(true);
    expect(await chunks(localFile(path).open(10, 10))).toEqual([]);
  });

  it('without an end streams to the end of the file', async () => {
    expect(Buffer.concat(await chunks(localFile(path).open((3 << 20) - 100))).equals(bytes.subarray((3 << 20) - 100))).toBe(true);
  });

  it('a piece reads its own bytes and asks its file for no more', async () => {
    const ends: (number | undefined)[] = [];
    const file = localFile(path);
    const spy: InputFile = { ...file, open: (offset, end) => (ends.push(end), file.open(offset, end)) };
    const piece = pieceOf(spy, { kind: 'lines', start: 4096, end: 4096 + 20_000, firstLine: 1 });
    expect(Buffer.concat(await chunks(piece.open())).equals(bytes.subarray(4096, 4096 + 20_000))).toBe(true);
    expect(Buffer.concat(await chunks(piece.open(19_000))).equals(bytes.subarray(4096 + 19_000, 4096 + 20_000))).toBe(true);
    expect(ends).toEqual([4096 + 20_000, 4096 + 20_000]);
  });
});

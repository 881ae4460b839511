/**
 * A utf8 column handed over already encoded ({ bytes, offsets }, what the shard writer's text
 * column uses) writes the same file, byte for byte, as the same strings: page cuts, a lone
 * surrogate's replacement, empty values; and with a dictionary or min/max asked for, it takes the
 * strings' path. Read back by hyparquet.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ParquetFileWriter, type ColumnSpec } from '../../src/shard/parquet/index.js';
import { randomString, readBack, rng } from './read-back.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-pq-bytes-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function encoded(strings: string[]): { bytes: Uint8Array; offsets: Int32Array } {
  const parts = strings.map((s) => Buffer.from(s, 'utf8'));
  const offsets = new Int32Array(strings.length + 1);
  parts.forEach((p, i) => (offsets[i + 1] = offsets[i]! + p.length));
  return { bytes: Buffer.concat(parts), offsets };
}

async function write(name: string, spec: ColumnSpec, groups: (string[] | { bytes: Uint8Array; offsets: Int32Array })[]): Promise<Buffer> {
  const path = join(dir, name);
  const w = await ParquetFileWriter.open(path, [spec], { compression: 'zstd', pageBytes: 300 });
  for (const g of groups) await w.writeRowGroup({ text: g });
  await w.close();
  return readFile(path);
}

describe('utf8 columns from bytes', () => {
  const rand = rng(2718);
  const groups = [
    Array.from({ length: 400 }, (_, i) => (i % 9 === 0 ? '' : randomString(rand, 60))),
    ['lone \ud800 surrogate', 'and \udfff', 'x'.repeat(2000), ''],
    Array.from({ length: 50 }, () => randomString(rand, 5)),
  ];

  test.each<[string, ColumnSpec]>([
    ['plain, no statistics (the shard text column)', { name: 'text', type: 'utf8', dictionary: false, minMax: false }],
    ['with a dictionary and min/max (decoded, the strings path)', { name: 'text', type: 'utf8' }],
  ])('%s: the same bytes as the strings', async (label, spec) => {
    const fromStrings = await write(`${label.length}-s.parquet`, spec, groups);
    const fromBytes = await write(`${label.length}-b.parquet`, spec, groups.map(encoded));
    expect(fromBytes.equals(fromStrings)).toBe(true);
    const { rows } = await readBack(join(dir, `${label.length}-b.parquet`));
    expect(rows.map((r) => r['text'])).toEqual(groups.flat().map((s) => Buffer.from(s, 'utf8').toString('utf8')));
  });

  test('offsets that do not describe the bytes are refused', async () => {
    const path = join(dir, 'bad.parquet');
    const w = await ParquetFileWriter.open(path, [{ name: 'text', type: 'utf8', dictionary: false, minMax: false }], { compression: 'none' });
    await expect(w.writeRowGroup({ text: { bytes: new Uint8Array(4), offsets: Int32Array.from([0, 3, 2]) } })).rejects.toThrow(/offsets decrease at row 1/);
    await expect(w.writeRowGroup({ text: { bytes: new Uint8Array(4), offsets: Int32Array.from([0, 9]) } })).rejects.toThrow(/at most bytes.length/);
    await w.abort();
  });
});

/**
 * The `source` column reader on its own: data pages v2 (hyparquet-writer's layout: levels
 * uncompressed before the values, dictionary or PLAIN, optional columns), nulls refused, and
 * the RLE/bit-packed hybrid decoder's edge cases.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetMetadata, type CompressionCodec } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { PageInflater } from '../../src/loader/page-codec.js';
import { decodeHybrid, HybridError } from '../../src/loader/rle-hybrid.js';
import { readSourceColumn, sourcePagesOf, type SourceColumn } from '../../src/loader/source-column.js';
import { tempDir } from '../helpers/corpus.js';

const dir = tempDir('sluice-source-column-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NAMES = ['web', 'code', 'books', 'wiki', 'é-source'];
const VALUES = Array.from({ length: 700 }, (_, i) => NAMES[i % 11 < 6 ? 0 : (i * 5) % NAMES.length]!);

/** Writes `data` as one string column with hyparquet-writer (data pages v2) and reads it back through the loader. */
function roundTrip(name: string, data: (string | null)[], opts: { nullable: boolean; encoding?: 'PLAIN' | 'RLE_DICTIONARY'; codec: CompressionCodec }): { pages: SourceColumn; read: () => string[] } {
  const file = join(dir, `${name}.parquet`);
  const column = { name: 'source', data, type: 'STRING' as const, nullable: opts.nullable, ...(opts.encoding ? { encoding: opts.encoding } : {}) };
  writeFileSync(file, new Uint8Array(parquetWriteBuffer({ columnData: [column], rowGroupSize: 300, pageSize: 100, codec: opts.codec })));
  const fd = openSync(file, 'r');
  try {
    const bytes = readFileSync(file);
    const size = bytes.length;
    const md = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + size));
    const source: SourceColumn = { pages: [], optional: opts.nullable };
    for (const rg of md.row_groups) source.pages.push(...sourcePagesOf(fd, file, size, rg.columns[0]!.meta_data!, opts.nullable));
    const read = (): string[] => {
      const out: string[] = [];
      readSourceColumn({ file, rows: data.length, source }, new PageInflater(), (s) => out.push(s));
      return out;
    };
    return { pages: source, read };
  } finally {
    closeSync(fd);
  }
}

describe('source pages v2', () => {
  it.each<[string, boolean, 'PLAIN' | 'RLE_DICTIONARY', CompressionCodec]>([
    ['dictionary, optional, snappy', true, 'RLE_DICTIONARY', 'SNAPPY'],
    ['dictionary, required, uncompressed', false, 'RLE_DICTIONARY', 'UNCOMPRESSED'],
    ['PLAIN, optional, snappy', true, 'PLAIN', 'SNAPPY'],
    ['PLAIN, required, uncompressed', false, 'PLAIN', 'UNCOMPRESSED'],
  ])('%s: every value back in order', (name, nullable, encoding, codec) => {
    const { pages, read } = roundTrip(name.replace(/\W+/g, '-'), VALUES, { nullable, encoding, codec });
    const kinds = pages.pages.map((p) => p.kind);
    expect(pages.pages.every((p) => p.kind === 'dictionary' || p.v2 !== undefined)).toBe(true);
    if (encoding === 'PLAIN') expect(kinds.every((k) => k === 'plain')).toBe(true);
    else expect(kinds.filter((k) => k === 'dictionary').length).toBe(3);
    expect(kinds.filter((k) => k !== 'dictionary').length).toBeGreaterThan(3);
    expect(read()).toEqual(VALUES);
  });

  it('a null source is refused, naming the file', () => {
    const data = VALUES.map((v, i) => (i === 333 ? null : v));
    expect(() => roundTrip('nulls', data, { nullable: true, encoding: 'RLE_DICTIONARY', codec: 'SNAPPY' })).toThrow(/holds 1 null sources/);
  });
});

describe('RLE/bit-packed hybrid', () => {
  const decode = (bytes: number[], width: number, count: number): number[] => {
    const out = new Uint32Array(count);
    decodeHybrid(Uint8Array.from(bytes), 0, bytes.length, width, count, out);
    return Array.from(out);
  };

  it('RLE runs, bit-packed groups and a padded last group cut short', () => {
    // 3 x 5 (width 3: one value byte), then one group of 8 values 0..7 at width 3 (3 bytes), of which 4 are wanted
    expect(decode([3 << 1, 5, (1 << 1) | 1, 0b10001000, 0b11000110, 0b11111010], 3, 7)).toEqual([5, 5, 5, 0, 1, 2, 3]);
    // only the bytes of the wanted values need be there
    expect(decode([(1 << 1) | 1, 0b10001000, 0b00000110], 3, 4)).toEqual([0, 1, 2, 3]);
  });

  it('width 0 (a one-entry dictionary) and width 32', () => {
    expect(decode([10 << 1], 0, 10)).toEqual(Array(10).fill(0));
    expect(decode([(1 << 1) | 1], 0, 8)).toEqual(Array(8).fill(0));
    const packed = [(1 << 1) | 1, ...[0xffffffff, 1, 0x80000000, 7, 0, 0, 0, 0x12345678].flatMap((v) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24])];
    expect(decode(packed, 32, 8)).toEqual([0xffffffff, 1, 0x80000000, 7, 0, 0, 0, 0x12345678]);
    // width 17 straddles 3 bytes at odd bit offsets
    const values = [0x1ffff, 0, 0x10001, 0x0abcd, 1, 0x1fffe, 0x12345, 0x0ffff];
    let bits = 0n;
    values.forEach((v, i) => (bits |= BigInt(v) << BigInt(17 * i)));
    const bytes = Array.from({ length: 17 }, (_, k) => Number((bits >> BigInt(8 * k)) & 0xffn));
    expect(decode([(1 << 1) | 1, ...bytes], 17, 8)).toEqual(values);
  });

  it('data that ends early is refused', () => {
    expect(() => decode([3 << 1, 5], 3, 4)).toThrow(HybridError);
    expect(() => decode([(1 << 1) | 1, 0b10001000], 3, 4)).toThrow(/ends inside/);
    expect(() => decode([], 1, 1)).toThrow(/runs end after 0 of 1/);
  });
});

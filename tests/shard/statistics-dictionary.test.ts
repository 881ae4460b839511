import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, test } from 'vitest';
import { shardColumns } from '../../src/shard/doc-columns.js';
import { ParquetFileWriter, type ColumnSpec } from '../../src/shard/parquet/index.js';
import { MAX_STAT_BYTES, stringStats, utf8Less } from '../../src/shard/parquet/string-stats.js';
import { readBack, rng } from './read-back.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-stats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Four row groups, each of one source, ids ascending: what `WHERE source = ...` can skip. */
const GROUPS = ['web', 'books', 'web', 'code'] as const;
const ROWS = 300;

async function writeFile(name: string, columns: ColumnSpec[]): Promise<string> {
  const path = join(dir, name);
  const w = await ParquetFileWriter.open(path, columns, { compression: 'zstd' });
  for (const [g, source] of GROUPS.entries()) {
    const id = Array.from({ length: ROWS }, (_, i) => `${g}-${String(i).padStart(4, '0')}`);
    await w.writeRowGroup({
      id,
      source: id.map(() => source),
      text: id.map((x) => `text of ${x} `.repeat(20)),
      meta: id.map((x) => JSON.stringify({ x })),
    });
  }
  await w.close();
  return path;
}

/** Overwrites every column chunk of the given row groups with 0xff: a reader that touches them fails. */
async function damageRowGroups(path: string, groups: number[]): Promise<void> {
  const { metadata } = await readBack(path);
  const fd = openSync(path, 'r+');
  try {
    for (const g of groups) {
      for (const c of metadata.row_groups[g]!.columns) {
        const md = c.meta_data!;
        const start = Number(md.dictionary_page_offset ?? md.data_page_offset);
        writeSync(fd, Buffer.alloc(Number(md.total_compressed_size), 0xff), 0, Number(md.total_compressed_size), start);
      }
    }
  } finally {
    closeSync(fd);
  }
}

async function query(sql: string): Promise<unknown[][]> {
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRows();
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

describe('string statistics', () => {
  test('utf8Less is UTF-8 byte order, also where surrogate pairs meet U+E000..U+FFFF', () => {
    const rand = rng(7);
    const alphabet = ['a', 'z', '\u00e9', '\u07ff', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}'];
    for (let n = 0; n < 3000; n++) {
      const pick = (): string => Array.from({ length: Math.floor(rand() * 4) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const a = pick();
      const b = pick();
      expect(utf8Less(a, b)).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)) < 0);
    }
  });

  test('long values are truncated: the min to a prefix, the max to a prefix whose last character is incremented', () => {
    const long = (c: string): string => c.repeat(MAX_STAT_BYTES + 10);
    const s = stringStats(['b', long('a'), `${long('y')}`, null], 1, true);
    expect(Buffer.from(s.min!).toString()).toBe('a'.repeat(MAX_STAT_BYTES));
    expect(Buffer.from(s.max!).toString()).toBe(`${'y'.repeat(MAX_STAT_BYTES - 1)}z`);
    expect(s.exact).toEqual({ min: false, max: false });
    expect(s.nullCount).toBe(1);
    // a multi-byte character is never cut, and U+10FFFF cannot be incremented: the one before it is
    const e = stringStats(['é'.repeat(40)], 0, true);
    expect(Buffer.from(e.min!).toString()).toBe('é'.repeat(32));
    expect(Buffer.from(e.max!).toString()).toBe(`${'é'.repeat(31)}ê`);
    expect(Buffer.from(stringStats([`x${'\u{10ffff}'.repeat(20)}`], 0, true).max!).toString()).toBe('y');
    expect(stringStats(['short', 'values'], 0, true).exact).toEqual({ min: true, max: true });
    expect(stringStats(['x'], 0, false)).toEqual({ nullCount: 0 });
  });
});

describe('statistics and dictionary encoding in shards', () => {
  test('source is dictionary-encoded, id is not; id/source carry min/max, text and meta do not; hyparquet reads every row', async () => {
    const path = await writeFile('shard.parquet', shardColumns(true, false));
    const { metadata, rows } = await readBack(path);
    expect(rows).toHaveLength(GROUPS.length * ROWS);
    expect(rows[ROWS]).toEqual({ id: '1-0000', source: 'books', text: 'text of 1-0000 '.repeat(20), meta: '{"x":"1-0000"}' });
    expect(rows.filter((r) => r['source'] === 'web')).toHaveLength(2 * ROWS);
    const byName = (g: number, name: string) => metadata.row_groups[g]!.columns.find((c) => c.meta_data?.path_in_schema[0] === name)!.meta_data!;
    expect(byName(1, 'source').encodings).toContain('RLE_DICTIONARY');
    expect(byName(1, 'source').dictionary_page_offset).toBeDefined();
    expect(byName(1, 'id').encodings).toEqual(['PLAIN']);
    expect(byName(1, 'source').statistics).toMatchObject({ min_value: 'books', max_value: 'books', is_min_value_exact: true, is_max_value_exact: true });
    expect(byName(3, 'id').statistics).toMatchObject({ min_value: '3-0000', max_value: '3-0299' });
    expect(byName(1, 'text').statistics?.min_value).toBeUndefined();
    expect(byName(1, 'meta').statistics?.min_value).toBeUndefined();
  });

  test('nullable dictionary columns keep their nulls', async () => {
    const path = join(dir, 'nulls.parquet');
    const w = await ParquetFileWriter.open(path, [{ name: 's', type: 'utf8', nullable: true }], { compression: 'snappy', pageBytes: 64 });
    const s = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? null : `v${i % 3}`));
    await w.writeRowGroup({ s });
    await w.close();
    const { metadata, rows } = await readBack(path);
    expect(rows.map((r) => r['s'])).toEqual(s);
    expect(metadata.row_groups[0]!.columns[0]!.meta_data!.statistics).toMatchObject({ null_count: 1000n, min_value: 'v0', max_value: 'v2' });
  });

  test('DuckDB skips the row groups whose statistics exclude the filter (and reads damaged ones without them)', async () => {
    const path = await writeFile('damaged.parquet', shardColumns(true, false));
    await damageRowGroups(path, [1, 3]);
    const file = `read_parquet('${path}')`;
    // without a filter DuckDB has to read the damaged row groups, and fails
    await expect(query(`SELECT sum(length(text)) FROM ${file}`)).rejects.toThrow();
    // source = 'web' only in row groups 0 and 2: books and code are never read
    expect(await query(`SELECT count(*), min(id), max(id) FROM ${file} WHERE source = 'web'`)).toEqual([[BigInt(2 * ROWS), '0-0000', '2-0299']]);
    // an id range inside row group 2
    expect(await query(`SELECT count(*) FROM ${file} WHERE id BETWEEN '2-0100' AND '2-0199'`)).toEqual([[100n]]);

    // the same data without min/max: the filtered query has to read the damaged row groups too
    const plain = await writeFile(
      'no-stats.parquet',
      shardColumns(true, false).map((c) => ({ ...c, minMax: false, dictionary: false })),
    );
    await damageRowGroups(plain, [1, 3]);
    await expect(query(`SELECT count(*) FROM read_parquet('${plain}') WHERE source = 'web'`)).rejects.toThrow();

    const stats = await query(`SELECT row_group_id, stats_min_value, stats_max_value FROM parquet_metadata('${path}') WHERE path_in_schema = 'source' ORDER BY 1`);
    expect(stats).toEqual(GROUPS.map((s, g) => [BigInt(g), s, s]));
    // num_values counts the rows of the data pages, not the dictionary's entries as well (as Arrow writes it)
    const counts = await query(`SELECT row_group_id, num_values, encodings FROM parquet_metadata('${path}') WHERE path_in_schema = 'source' ORDER BY 1`);
    expect(counts.map((r) => r[1])).toEqual(GROUPS.map(() => BigInt(ROWS)));
    expect(String(counts[0]![2])).toContain('RLE_DICTIONARY');
  }, 60_000);

  test('a repetitive source column becomes a dictionary page and bit-packed indices', async () => {
    const sourceBytes = async (path: string) => (await readBack(path)).metadata.row_groups.map((g) => Number(g.columns[1]!.meta_data!.total_uncompressed_size));
    const withDict = await sourceBytes(await writeFile('a.parquet', shardColumns(true, false)));
    const plain = await sourceBytes(
      await writeFile(
        'b.parquet',
        shardColumns(true, false).map((c) => ({ ...c, dictionary: false })),
      ),
    );
    // 300 values of 'books': 2700 bytes PLAIN; a 9-byte dictionary and one RLE run with page headers
    for (const [g, n] of withDict.entries()) expect(n * 10).toBeLessThan(plain[g]!);
  });
});

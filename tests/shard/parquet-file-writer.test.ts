import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { ParquetFileWriter, type ColumnSpec, type Compression } from '../../src/shard/parquet/index.js';
import { countPages, randomString, readBack, readSchema, rng } from './read-back.js';

let dir: string;
let n = 0;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-pq-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
const file = (): string => join(dir, `f${n++}.parquet`);

const ALL: ColumnSpec[] = [
  { name: 'id', type: 'utf8' },
  { name: 'n32', type: 'int32' },
  { name: 'n64', type: 'int64' },
  { name: 'ids', type: 'list<int32>' },
];

interface Expected {
  id: string;
  n32: number;
  n64: bigint;
  ids: number[];
}

/** A random batch with the edge cases mixed in: extremes, empty strings and empty lists. */
function makeBatch(rand: () => number, rows: number): { batch: Parameters<ParquetFileWriter['writeRowGroup']>[0]; expected: Expected[] } {
  const ids: string[] = [];
  const n32 = new Int32Array(rows);
  const n64 = new BigInt64Array(rows);
  const offsets = new Int32Array(rows + 1);
  const values: number[] = [];
  const expected: Expected[] = [];
  const i32Edges = [-2147483648, 2147483647, 0, -1, 1];
  const i64Edges = [-(2n ** 63n), 2n ** 63n - 1n, 0n, -1n, 2n ** 53n + 1n];
  for (let r = 0; r < rows; r++) {
    const s = r % 7 === 0 ? '' : randomString(rand, 40);
    const a = r < i32Edges.length ? (i32Edges[r] ?? 0) : Math.floor(rand() * 2 ** 32) - 2 ** 31;
    const b = r < i64Edges.length ? (i64Edges[r] ?? 0n) : BigInt(Math.floor(rand() * 2 ** 52)) * (rand() < 0.5 ? -1n : 1n);
    // every third list is empty, some are long enough to span several small pages
    const len = r % 3 === 0 ? 0 : rand() < 0.1 ? 300 : Math.floor(rand() * 12);
    const list: number[] = [];
    for (let k = 0; k < len; k++) list.push(k === 0 && r === 1 ? -2147483648 : Math.floor(rand() * 2 ** 32) - 2 ** 31);
    ids.push(s);
    n32[r] = a;
    n64[r] = b;
    values.push(...list);
    offsets[r + 1] = values.length;
    expected.push({ id: s, n32: a, n64: b, ids: list });
  }
  return { batch: { id: ids, n32, n64, ids: { values: Int32Array.from(values), offsets } }, expected };
}

describe('ParquetFileWriter', () => {
  test.each<Compression>(['zstd', 'snappy', 'gzip', 'none'])('round trips every column type with %s, many pages and row groups', async (compression) => {
    const rand = rng(compression.length * 7919);
    const path = file();
    const w = await ParquetFileWriter.open(path, ALL, {
      compression,
      pageBytes: 512,
      keyValueMetadata: { 'sluice.test': 'yes' },
    });
    const expected: Expected[] = [];
    const groupSizes = [257, 1, 600];
    for (const rows of groupSizes) {
      const { batch, expected: e } = makeBatch(rand, rows);
      await w.writeRowGroup(batch);
      expected.push(...e);
    }
    const summary = await w.close();
    expect(summary).toMatchObject({ rows: 858, rowGroups: 3 });

    const { metadata, rows } = await readBack(path);
    expect(rows).toEqual(expected);
    expect(Number(metadata.num_rows)).toBe(858);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual(groupSizes);
    expect(metadata.created_by).toMatch(/^sluice version \d+\.\d+\.\d+/);
    expect(metadata.key_value_metadata?.map((kv) => kv.key)).toEqual(['ARROW:schema', 'sluice.test']);
    expect(metadata.key_value_metadata?.[1]?.value).toBe('yes');
    const codec = { zstd: 'ZSTD', snappy: 'SNAPPY', gzip: 'GZIP', none: 'UNCOMPRESSED' }[compression];
    for (const g of metadata.row_groups) {
      for (const c of g.columns) expect(c.meta_data?.codec).toBe(codec);
    }
    expect(summary.bytes).toBe((await import('node:fs')).statSync(path).size);

    // 512-byte pages: the big row group's columns must each be split into many pages
    const pages = await countPages(path);
    for (const key of ['id', 'n32', 'n64', 'ids.list.element']) expect(pages.get(key) ?? 0).toBeGreaterThan(5);
  });

  test('splits a large column chunk into ~1 MiB pages by default', async () => {
    const path = file();
    const w = await ParquetFileWriter.open(path, [{ name: 'text', type: 'utf8' }], { compression: 'zstd' });
    const text = Array.from({ length: 5000 }, (_, i) => `${i} ${'x'.repeat(1000)}`);
    await w.writeRowGroup({ text });
    await w.close();
    const pages = (await countPages(path)).get('text') ?? 0;
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(pages).toBeLessThanOrEqual(6);
    expect((await readBack(path)).rows.map((r) => r['text'] as string)).toEqual(text);
  });

  test('nullable columns carry nulls through definition levels and null_count', async () => {
    const path = file();
    const w = await ParquetFileWriter.open(
      path,
      [
        { name: 's', type: 'utf8', nullable: true },
        { name: 'a', type: 'int32', nullable: true },
        { name: 'b', type: 'int64', nullable: true },
      ],
      { compression: 'zstd', pageBytes: 64 },
    );
    const s = ['x', null, '', null, null, 'ü', 'end'];
    const a = [null, 5, -7, null, 2147483647, null, 0];
    const b = [1n, null, -(2n ** 63n), null, null, 3n, null];
    await w.writeRowGroup({ s, a, b });
    await w.writeRowGroup({ s: [null], a: [null], b: [null] });
    await w.close();
    const { metadata, rows } = await readBack(path);
    expect(rows.map((r) => r['s'] as unknown)).toEqual([...s, null]);
    expect(rows.map((r) => r['a'] as unknown)).toEqual([...a, null]);
    expect(rows.map((r) => r['b'] as unknown)).toEqual([...b, null]);
    const [sMeta, aMeta, bMeta] = metadata.row_groups[0]?.columns ?? [];
    expect(Number(sMeta?.meta_data?.statistics?.null_count)).toBe(3);
    expect(Number(aMeta?.meta_data?.statistics?.null_count)).toBe(3);
    expect(aMeta?.meta_data?.statistics?.min_value).toBe(-7);
    expect(aMeta?.meta_data?.statistics?.max_value).toBe(2147483647);
    expect(bMeta?.meta_data?.statistics?.min_value).toBe(-(2n ** 63n));
    expect(bMeta?.meta_data?.statistics?.max_value).toBe(3n);
    // an all-null chunk has a null count but no min/max
    const allNull = metadata.row_groups[1]?.columns[1]?.meta_data?.statistics;
    expect(Number(allNull?.null_count)).toBe(1);
    expect(allNull?.min_value).toBeUndefined();
  });

  test('writes min/max statistics and value counts for int and list columns', async () => {
    const path = file();
    const w = await ParquetFileWriter.open(path, ALL, { compression: 'snappy' });
    await w.writeRowGroup({
      id: ['a', 'b', 'c'],
      n32: new Int32Array([4, -9, 12]),
      n64: [10, -20, 30],
      ids: { values: new Int32Array([7, -3, 99]), offsets: new Int32Array([0, 2, 2, 3]) },
    });
    await w.close();
    const { metadata, rows } = await readBack(path);
    const cols = metadata.row_groups[0]?.columns.map((c) => c.meta_data) ?? [];
    expect(cols.map((c) => c?.path_in_schema.join('.'))).toEqual(['id', 'n32', 'n64', 'ids.list.element']);
    expect(cols[1]?.statistics).toMatchObject({ min_value: -9, max_value: 12, null_count: 0n });
    expect(cols[2]?.statistics).toMatchObject({ min_value: -20n, max_value: 30n, null_count: 0n });
    // list leaf: 3 values + 1 empty list = 4 level entries, the empty one counted as null
    expect(cols[3]?.statistics).toMatchObject({ min_value: -3, max_value: 99, null_count: 1n });
    expect(Number(cols[3]?.num_values)).toBe(4);
    expect(rows.map((r) => r['ids'] as unknown)).toEqual([[7, -3], [], [99]]);
  });

  test('describes the schema readers expect: STRING, INT32/INT64 and a 3-level LIST', async () => {
    const path = file();
    const w = await ParquetFileWriter.open(path, [...ALL, { name: 'opt', type: 'list<int32>', nullable: true }], { compression: 'zstd' });
    await w.writeRowGroup({
      id: ['x'],
      n32: [1],
      n64: [2],
      ids: { values: new Int32Array([1, 2]), offsets: new Int32Array([0, 2]) },
      opt: { values: new Int32Array(0), offsets: new Int32Array([0, 0]) },
    });
    await w.close();
    const tree = await readSchema(path);
    const byName = new Map(tree.children.map((c) => [c.element.name, c]));
    expect(byName.get('id')?.element).toMatchObject({ type: 'BYTE_ARRAY', repetition_type: 'REQUIRED', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
    expect(byName.get('n32')?.element).toMatchObject({ type: 'INT32', repetition_type: 'REQUIRED' });
    expect(byName.get('n64')?.element).toMatchObject({ type: 'INT64' });
    const list = byName.get('ids');
    expect(list?.element).toMatchObject({ repetition_type: 'REQUIRED', converted_type: 'LIST', logical_type: { type: 'LIST' } });
    expect(list?.children.map((c) => c.element)).toMatchObject([{ name: 'list', repetition_type: 'REPEATED' }]);
    expect(list?.children[0]?.children.map((c) => c.element)).toMatchObject([{ name: 'element', type: 'INT32', repetition_type: 'REQUIRED' }]);
    expect(byName.get('opt')?.element).toMatchObject({ repetition_type: 'OPTIONAL', converted_type: 'LIST' });
    const { rows } = await readBack(path);
    expect(rows).toEqual([{ id: 'x', n32: 1, n64: 2n, ids: [1, 2], opt: [] }]);
  });

  test('a file without row groups is valid and empty', async () => {
    const path = file();
    const w = await ParquetFileWriter.open(path, ALL, { compression: 'zstd' });
    await w.writeRowGroup({ id: [], n32: [], n64: [], ids: { values: new Int32Array(0), offsets: new Int32Array([0]) } });
    expect(await w.close()).toMatchObject({ rows: 0, rowGroups: 0 });
    const { metadata, rows } = await readBack(path);
    expect(rows).toEqual([]);
    expect(metadata.row_groups).toEqual([]);
  });

  test('random lists and nullable strings survive the round trip (levels encoding)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 40 }), { minLength: 1, maxLength: 120 }),
        fc.array(fc.option(fc.string({ unit: 'grapheme', maxLength: 8 }), { nil: null }), { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 4, max: 200 }),
        async (lists, strings, pageBytes) => {
          const rows = Math.min(lists.length, strings.length);
          const l = lists.slice(0, rows);
          const s = strings.slice(0, rows);
          const offsets = new Int32Array(rows + 1);
          l.forEach((x, i) => (offsets[i + 1] = (offsets[i] ?? 0) + x.length));
          const path = file();
          const w = await ParquetFileWriter.open(
            path,
            [
              { name: 'l', type: 'list<int32>', nullable: true },
              { name: 's', type: 'utf8', nullable: true },
            ],
            { compression: 'snappy', pageBytes },
          );
          await w.writeRowGroup({ l: { values: Int32Array.from(l.flat()), offsets }, s });
          await w.close();
          const { rows: got } = await readBack(path);
          expect(got).toEqual(l.map((x, i) => ({ l: x, s: s[i] })));
        },
      ),
      { numRuns: 40, seed: 1234 },
    );
  });

  test('rejects malformed batches with SLUICE_SHARD_INVALID', async () => {
    const w = await ParquetFileWriter.open(file(), ALL, { compression: 'none' });
    const good = { id: ['a'], n32: [1], n64: [1], ids: { values: new Int32Array(0), offsets: new Int32Array([0, 0]) } };
    const bad: Record<string, unknown>[] = [
      { ...good, n32: [1, 2] },
      { ...good, id: [null] },
      { ...good, n32: [2 ** 31] },
      { ...good, n32: [1.5] },
      { ...good, n64: [2 ** 60] },
      { ...good, extra: ['x'] },
      { id: ['a'], n32: [1], n64: [1] },
      { ...good, ids: { values: new Int32Array(1), offsets: new Int32Array([0, 2]) } },
      { ...good, ids: { values: new Int32Array(2), offsets: new Int32Array([0, 2, 1]) } },
    ];
    for (const b of bad) {
      await expect(w.writeRowGroup(b as Parameters<ParquetFileWriter['writeRowGroup']>[0])).rejects.toMatchObject({
        name: 'SluiceError',
        code: 'SLUICE_SHARD_INVALID',
      });
    }
    // the writer is still usable after rejected batches
    await w.writeRowGroup(good);
    expect(await w.close()).toMatchObject({ rows: 1, rowGroups: 1 });
  });

  test('reports I/O failures as SLUICE_OUTPUT and abort() removes the partial file', async () => {
    await expect(ParquetFileWriter.open(join(dir, 'missing', 'x.parquet'), ALL, { compression: 'zstd' })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_OUTPUT' && e.file === join(dir, 'missing', 'x.parquet'),
    );
    const sub = await mkdtemp(join(dir, 'abort-'));
    const w = await ParquetFileWriter.open(join(sub, 'p.parquet'), [{ name: 'a', type: 'int32' }], { compression: 'gzip' });
    await w.writeRowGroup({ a: [1, 2, 3] });
    await w.abort();
    expect(await readdir(sub)).toEqual([]);
    await expect(w.writeRowGroup({ a: [1] })).rejects.toMatchObject({ code: 'SLUICE_OUTPUT' });
  });
});

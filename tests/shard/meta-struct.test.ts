import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, test } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { localFile } from '../../src/io/input.js';
import { parquetReader } from '../../src/readers/parquet.js';
import { inferMetaSchema } from '../../src/shard/meta-struct.js';
import { ShardWriter } from '../../src/shard/shard-writer.js';
import { runReader } from '../helpers/harness.js';
import { readBack } from './read-back.js';
import { sluice } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-meta-struct-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doc(i: number, meta: Doc['meta']): Doc {
  return { id: `d-${String(i).padStart(3, '0')}`, text: `text ${i}`, source: 'web', meta };
}

describe('output.meta: struct', () => {
  test('infers field types: ints, floats, mixed numbers, strings, booleans, nested values and mixed types as JSON', () => {
    const schema = inferMetaSchema([
      { n: 1, x: 1, s: 'a', b: true, o: { k: 1 }, m: 'a', z: null },
      { n: 2, x: 1.5, s: null, b: false, o: [1], m: 2 },
    ]);
    expect([...schema]).toEqual([
      ['n', 'int64'],
      ['x', 'float64'],
      ['s', 'utf8'],
      ['b', 'bool'],
      ['o', 'json'],
      ['m', 'json'],
      ['z', 'null'],
    ]);
  });

  test('typed columns DuckDB can query; a new key starts a new shard instead of being dropped; the parquet reader round-trips meta', async () => {
    const out = join(dir, 'shards');
    // tiny row groups: the first rows fill a row group each, so the key added later meets an open shard
    const w = new ShardWriter({ dir: out, prefix: 'part', shardBytes: 1 << 30, rowGroupBytes: 300, compression: 'zstd', fsync: false, meta: 'struct' });
    const docs: Doc[] = [];
    for (let i = 0; i < 40; i++) {
      const meta: Doc['meta'] = { url: `https://e.org/${i}`, language_score: i / 7, year: 2000 + i, ok: i % 3 === 0 };
      if (i >= 30) meta['redactions'] = [{ kind: 'email', start: i, end: i + 5 }];
      docs.push(doc(i, meta));
      await w.write(docs[i]!);
    }
    const shards = await w.close();
    expect(shards.length).toBe(2);

    const first = await readBack(join(out, shards[0]!.path));
    expect(first.rows[0]!['meta']).toEqual({ url: 'https://e.org/0', language_score: 0, year: 2000n, ok: true });
    const second = await readBack(join(out, shards[1]!.path));
    expect(second.rows.at(-1)!['meta']).toMatchObject({ redactions: '[{"kind":"email","start":39,"end":44}]' });

    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const types = (await conn.runAndReadAll(`SELECT typeof(meta.year), typeof(meta.language_score), typeof(meta.ok) FROM read_parquet('${join(out, shards[0]!.path)}') LIMIT 1`)).getRows();
    expect(types).toEqual([['BIGINT', 'DOUBLE', 'BOOLEAN']]);
    const n = (await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${out}/*.parquet', union_by_name = true) WHERE meta.year >= 2035`)).getRows();
    expect(n).toEqual([[5n]]);
    conn.closeSync();
    db.closeSync();

    // sluice's own parquet reader: the struct comes back as meta; JSON-typed fields as their JSON text
    const back = [
      ...(await runReader(parquetReader, localFile(join(out, shards[0]!.path)), { source_column: 'source' })).docs,
      ...(await runReader(parquetReader, localFile(join(out, shards[1]!.path)), { source_column: 'source' })).docs,
    ];
    expect(back.map((d) => d.id)).toEqual(docs.map((d) => d.id));
    for (const [i, d] of back.entries()) {
      const want = { ...docs[i]!.meta };
      if (want['redactions'] !== undefined) want['redactions'] = JSON.stringify(want['redactions']);
      expect(d.meta).toEqual(want);
      expect(d.source).toBe('web');
    }
  }, 60_000);
});

describe('output.meta: struct through sluice run', () => {
  test('a pipeline with output.meta: struct writes typed meta columns that DuckDB reads', { timeout: 240_000 }, async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'sluice-meta-run-'));
    const corpus = join(runDir, 'docs.jsonl');
    writeFileSync(
      corpus,
      Array.from({ length: 20 }, (_, i) => JSON.stringify({ id: `r${i}`, text: `document number ${i} with some words`, url: `https://example.org/${i}`, score: i / 4, n: i })).join('\n') + '\n',
    );
    const out = join(runDir, 'out');
    const file = join(runDir, 'p.yaml');
    writeFileSync(file, `name: meta-struct\ninputs:\n  - reader: jsonl\n    paths: ["${corpus}"]\noutput:\n  dir: ${out}\n  meta: struct\n`);
    const r = sluice(['run', file, '--workers', '1']);
    expect(r.status, r.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const types = (await conn.runAndReadAll(`select column_name, column_type from (describe select * from read_parquet('${out}/shards/*.parquet'))`)).getRows();
    expect(types.find((t) => t[0] === 'meta')?.[1]).toBe('STRUCT(url VARCHAR, score DOUBLE, n BIGINT)');
    const rows = (await conn.runAndReadAll(`select id, meta.url, meta.n from read_parquet('${out}/shards/*.parquet') where meta.n >= 18 order by id`)).getRows();
    expect(rows).toEqual([
      ['r18', 'https://example.org/18', 18n],
      ['r19', 'https://example.org/19', 19n],
    ]);
    rmSync(runDir, { recursive: true, force: true });
  });
});

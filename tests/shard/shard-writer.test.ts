import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { ShardWriter, type ShardWriterOptions } from '../../src/shard/shard-writer.js';
import { randomString, readBack, readSchema, rng } from './read-back.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'sluice-shards-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let n = 0;
const freshDir = (): string => join(root, `out${n++}`, 'shards');

function makeDocs(count: number, withTokens: boolean, seed = 1): Doc[] {
  const rand = rng(seed);
  const docs: Doc[] = [];
  for (let i = 0; i < count; i++) {
    const len = i % 10 === 0 ? 0 : Math.floor(rand() * 400);
    const doc: Doc = {
      id: `d${i}`,
      text: randomString(rand, 600),
      source: ['web', 'books', 'code'][i % 3] ?? 'web',
      meta: { i, tags: ['a', i % 2 === 0 ? 'even' : 'odd'], nested: { ok: true, score: rand() } },
    };
    if (withTokens) doc.tokens = Int32Array.from({ length: len }, () => Math.floor(rand() * 100_000));
    docs.push(doc);
  }
  return docs;
}

async function writeAll(opts: ShardWriterOptions, docs: Doc[]): Promise<Awaited<ReturnType<ShardWriter['close']>>> {
  const w = new ShardWriter(opts);
  for (const d of docs) await w.write(d);
  return w.close();
}

describe('ShardWriter', () => {
  test('rolls shards by size, hashes them while streaming and renames them into place', async () => {
    const dir = freshDir();
    const docs = makeDocs(3000, true);
    const shardBytes = 256 * 1024;
    const shards = await writeAll({ dir, prefix: 'part', shardBytes, rowGroupBytes: 200 * 1024, compression: 'zstd' }, docs);

    expect(shards.length).toBeGreaterThanOrEqual(3);
    expect(shards.map((s) => s.path)).toEqual(shards.map((_, i) => `part-${String(i).padStart(5, '0')}.parquet`));
    // exactly the shard files: no temp files or partial shards left behind
    expect((await readdir(dir)).sort()).toEqual(shards.map((s) => s.path).sort());

    const rows: Record<string, unknown>[] = [];
    for (const [i, s] of shards.entries()) {
      const path = join(dir, s.path);
      const bytes = await readFile(path);
      expect(s.bytes).toBe((await stat(path)).size);
      expect(s.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      // every shard but the last is full; none overshoots by more than a row group's worth
      if (i < shards.length - 1) expect(s.bytes).toBeGreaterThanOrEqual(shardBytes * 0.75);
      expect(s.bytes).toBeLessThan(shardBytes * 1.5);
      const { rows: got, metadata } = await readBack(path);
      expect(got.length).toBe(s.rows);
      expect(Number(metadata.num_rows)).toBe(s.rows);
      expect(s.tokens).toBe(got.reduce((t, r) => t + (r['num_tokens'] as number), 0));
      rows.push(...got);
    }
    expect(shards.reduce((t, s) => t + s.rows, 0)).toBe(docs.length);
    expect(shards.reduce((t, s) => t + s.tokens, 0)).toBe(docs.reduce((t, d) => t + (d.tokens?.length ?? 0), 0));

    // all docs, in order, with every field intact
    expect(rows.length).toBe(docs.length);
    for (const [i, d] of docs.entries()) {
      const r = rows[i] ?? {};
      expect(r['id']).toBe(d.id);
      expect(r['source']).toBe(d.source);
      expect(r['text']).toBe(d.text);
      expect(JSON.parse(r['meta'] as string)).toEqual(d.meta);
      expect(r['input_ids']).toEqual(Array.from(d.tokens ?? []));
      expect(r['num_tokens']).toBe(d.tokens?.length);
    }
  });

  test('writes several row groups per shard when rowGroupBytes is small', async () => {
    const dir = freshDir();
    const shards = await writeAll({ dir, prefix: 'p', shardBytes: 1 << 30, rowGroupBytes: 64 * 1024, compression: 'snappy' }, makeDocs(1000, true));
    expect(shards).toHaveLength(1);
    const { metadata, rows } = await readBack(join(dir, shards[0]?.path ?? ''));
    expect(metadata.row_groups.length).toBeGreaterThan(4);
    expect(rows).toHaveLength(1000);
  });

  test('schema: id/source/text/meta strings, input_ids as list<int32>, num_tokens int32', async () => {
    const dir = freshDir();
    const shards = await writeAll({ dir, prefix: 'part', shardBytes: 1 << 20, compression: 'gzip' }, makeDocs(20, true));
    const path = join(dir, shards[0]?.path ?? '');
    const tree = await readSchema(path);
    expect(tree.children.map((c) => c.element.name)).toEqual(['id', 'source', 'text', 'meta', 'input_ids', 'num_tokens']);
    for (const c of tree.children.slice(0, 4)) expect(c.element).toMatchObject({ type: 'BYTE_ARRAY', logical_type: { type: 'STRING' } });
    expect(tree.children[4]?.element).toMatchObject({ converted_type: 'LIST' });
    expect(tree.children[4]?.children[0]?.children[0]?.element).toMatchObject({ name: 'element', type: 'INT32' });
    expect(tree.children[5]?.element).toMatchObject({ type: 'INT32' });
    const { rows } = await readBack(path);
    expect(rows[0]?.['input_ids']).toEqual([]);
    const ids = rows[1]?.['input_ids'];
    expect(Array.isArray(ids) && ids.length > 0 && ids.every((x) => typeof x === 'number')).toBe(true);
  });

  test('keepText: false drops the text column; docs without tokens get no token columns', async () => {
    const dir = freshDir();
    const shards = await writeAll({ dir, prefix: 'part', shardBytes: 1 << 20, compression: 'none', keepText: false }, makeDocs(50, false));
    expect(shards[0]?.tokens).toBe(0);
    const tree = await readSchema(join(dir, shards[0]?.path ?? ''));
    expect(tree.children.map((c) => c.element.name)).toEqual(['id', 'source', 'meta']);
  });

  test('rejects a doc whose token presence differs from the first doc', async () => {
    const dir = freshDir();
    const w = new ShardWriter({ dir, prefix: 'part', shardBytes: 1 << 20, compression: 'zstd' });
    const [a, b] = makeDocs(2, true);
    if (a === undefined || b === undefined) throw new Error('no docs');
    await w.write(a);
    delete b.tokens;
    await expect(w.write(b)).rejects.toMatchObject({ name: 'SluiceError', code: 'SLUICE_SHARD_INVALID', record: 'd1' });
    await w.abort();
  });

  test('close() with no docs writes nothing', async () => {
    const dir = freshDir();
    expect(await writeAll({ dir, prefix: 'part', shardBytes: 1 << 20, compression: 'zstd' }, [])).toEqual([]);
    await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  test('abort() deletes the shard in progress and keeps completed ones', async () => {
    const dir = freshDir();
    const w = new ShardWriter({ dir, prefix: 'part', shardBytes: 64 * 1024, rowGroupBytes: 32 * 1024, compression: 'zstd' });
    for (const d of makeDocs(400, true)) await w.write(d);
    const done = w.shards.map((s) => s.path);
    expect(done.length).toBeGreaterThan(0);
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(true);
    await w.abort();
    expect((await readdir(dir)).sort()).toEqual([...done].sort());
    await expect(w.write(makeDocs(1, true)[0] as Doc)).rejects.toMatchObject({ code: 'SLUICE_OUTPUT' });

    // aborting before any shard completed leaves the directory empty
    const dir2 = freshDir();
    const w2 = new ShardWriter({ dir: dir2, prefix: 'part', shardBytes: 1 << 30, rowGroupBytes: 16 * 1024, compression: 'zstd' });
    for (const d of makeDocs(100, true)) await w2.write(d);
    expect(await readdir(dir2)).toEqual(['.part-00000.parquet.tmp']);
    await w2.abort();
    expect(await readdir(dir2)).toEqual([]);
  });
});

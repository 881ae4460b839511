/**
 * The `source` column read in the layouts writers give it: dictionary-encoded by sluice's
 * writer (its default since token shards dictionary-encode `source`; also in small pages), PLAIN by
 * sluice's writer with the dictionary turned off, and as pyarrow writes it by default (arrow-rs through
 * parquet-wasm: an optional column, dictionary-encoded, several row groups and data pages).
 * The same documents give the same batches, with and without a mixture.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Field, Int32, List, makeData, RecordBatch, Schema, Struct, Table, tableToIPC, Utf8, vectorFromArray } from 'apache-arrow';
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { Compression, Table as WasmTable, WriterPropertiesBuilder, writeParquet } from 'parquet-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader, type LoaderOptions } from '../../src/loader/loader.js';
import { PageInflater } from '../../src/loader/page-codec.js';
import { readSourceColumn } from '../../src/loader/source-column.js';
import { indexTokenShard } from '../../src/loader/token-shard.js';
import { DocColumns, shardColumns } from '../../src/shard/doc-columns.js';
import { ParquetFileWriter } from '../../src/shard/parquet/index.js';
import { tempDir } from '../helpers/corpus.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset, type TokenDoc } from '../helpers/token-dataset.js';

const SHARD_DOCS = 150;
const LENGTHS = lengths(600, 0, 120, 23);
const TOTAL = LENGTHS.reduce((a, b) => a + b, 0);
/** Skewed and irregular, so index pages mix RLE and bit-packed runs; the first shard is all `web` (a one-entry dictionary). */
const SOURCES = LENGTHS.map((n, i) => (i < SHARD_DOCS ? 'web' : ['web', 'web', 'web', 'code', 'books', 'web', 'wiki'][(n * 7 + i) % 7]!));
const DOCS: TokenDoc[] = identityDocs(LENGTHS).map((d, i) => ({ ...d, source: SOURCES[i]!, id: `doc-${i}` }));

interface ManifestShard {
  path: string;
  bytes: number;
  sha256: string;
}

let root: string;
const dirs: Record<'dictionary' | 'plain' | 'pages' | 'arrow', string> = { dictionary: '', plain: '', pages: '', arrow: '' };

beforeAll(async () => {
  root = tempDir('sluice-source-dictionary-');
  dirs.dictionary = join(root, 'dictionary');
  await writeTokenDataset(dirs.dictionary, DOCS, { shardDocs: SHARD_DOCS, rowGroupBytes: 8_000, tokenizer: tokenizerFacts(TOTAL + 1, TOTAL) });
  dirs.plain = await rewrite('plain', (path, docs) => writeSluice(path, docs, false, 256));
  dirs.pages = await rewrite('pages', (path, docs) => writeSluice(path, docs, true, 40));
  dirs.arrow = await rewrite('arrow', writeArrow);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the sluice-written dataset whose shards hold the same documents, written by `write`; the manifest follows. */
async function rewrite(name: string, write: (path: string, docs: TokenDoc[]) => Promise<void>): Promise<string> {
  const dir = join(root, name);
  cpSync(dirs.dictionary, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { shards: ManifestShard[]; bytes: number };
  for (const [s, shard] of manifest.shards.entries()) {
    const path = join(dir, shard.path);
    await write(path, DOCS.slice(s * SHARD_DOCS, (s + 1) * SHARD_DOCS));
    const bytes = readFileSync(path);
    shard.bytes = bytes.length;
    shard.sha256 = createHash('sha256').update(bytes).digest('hex');
  }
  manifest.bytes = manifest.shards.reduce((a, s) => a + s.bytes, 0);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return dir;
}

/**
 * sluice's own writer with small pages: `source` with the dictionary off (the token shard
 * layout before this change), or on with 10 rows per index page.
 */
async function writeSluice(path: string, docs: TokenDoc[], dictionary: boolean, pageBytes: number): Promise<void> {
  const columns = shardColumns(false, true).map((c) => (c.name === 'source' ? { ...c, dictionary } : c));
  const writer = await ParquetFileWriter.open(path, columns, { compression: 'zstd', pageBytes });
  for (let at = 0; at < docs.length; at += 40) {
    const batch = new DocColumns(false, true);
    for (const d of docs.slice(at, at + 40)) batch.append({ id: d.id!, text: '', source: d.source!, meta: {}, tokens: Int32Array.from(d.tokens) });
    await writer.writeRowGroup(batch.toBatch());
  }
  await writer.close();
}

/**
 * arrow-rs, as pyarrow writes by default: `source` a nullable (OPTIONAL) dictionary-encoded
 * column, data pages v1; the token columns required and PLAIN, as the loader needs them.
 */
async function writeArrow(path: string, docs: TokenDoc[], sources: (string | null)[] = docs.map((d) => d.source!)): Promise<void> {
  const element = new Field('element', new Int32(), false);
  const schema = new Schema([new Field('id', new Utf8(), false), new Field('source', new Utf8(), true), new Field('input_ids', new List(element), false), new Field('num_tokens', new Int32(), false)]);
  const offsets = new Int32Array(docs.length + 1);
  docs.forEach((d, i) => (offsets[i + 1] = offsets[i]! + d.tokens.length));
  const values = new Int32Array(offsets[docs.length]!);
  docs.forEach((d, i) => values.set(d.tokens, offsets[i]!));
  const children = [
    vectorFromArray(
      docs.map((d) => d.id!),
      new Utf8(),
    ).data[0]!,
    vectorFromArray(sources, new Utf8()).data[0]!,
    makeData({ type: new List(element), length: docs.length, nullCount: 0, valueOffsets: offsets, child: makeData({ type: new Int32(), length: values.length, data: values }) }),
    makeData({ type: new Int32(), length: docs.length, data: Int32Array.from(docs, (d) => d.tokens.length) }),
  ];
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: docs.length, nullCount: 0, children }));
  const props = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setDictionaryEnabled(false)
    .setColumnDictionaryEnabled('source', true)
    .setMaxRowGroupSize(64)
    .setDataPageSizeLimit(1024)
    .build();
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(new Table([batch]), 'stream')), props));
}

function footer(path: string): FileMetaData {
  const b = readFileSync(path);
  return parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

function batches(ds: TokenDataset, opts: LoaderOptions, steps: number): Int32Array[] {
  const loader = new TokenLoader(ds, opts);
  return Array.from({ length: steps }, () => loader.next().tokens.slice());
}

describe('source column layouts', () => {
  it('sluice writes source dictionary-encoded in token shards; the copies hold it PLAIN, in many index pages, and as arrow-rs writes it', async () => {
    const kinds = async (dir: string): Promise<string[][]> => (await TokenDataset.open(dir)).shards.map((s) => s.source.pages.map((p) => p.kind));
    const count = (k: string[], kind: string): number => k.filter((x) => x === kind).length;
    // the last, small row group of a shard may hold too few rows to repeat, and be PLAIN
    for (const k of await kinds(dirs.dictionary)) expect(count(k, 'dictionary') > 0 && count(k, 'indices') > 0).toBe(true);
    for (const k of await kinds(dirs.plain)) expect(k.length > 1 && count(k, 'plain') === k.length).toBe(true);
    for (const k of await kinds(dirs.pages)) expect(count(k, 'indices')).toBeGreaterThan(3 * count(k, 'dictionary'));
    // arrow-rs cuts one index page per row group, and each token page at a row boundary
    for (const k of await kinds(dirs.arrow)) expect(count(k, 'dictionary') > 1 && count(k, 'indices') === count(k, 'dictionary')).toBe(true);
    const md = footer(join(dirs.arrow, 'shards', 'part-00001-00000.parquet'));
    expect(md.created_by).toMatch(/parquet-rs/);
    expect(md.schema.find((e) => e.name === 'source')?.repetition_type).toBe('OPTIONAL');
    expect(md.row_groups.map((rg) => rg.columns[1]!.meta_data!.encoding_stats?.find((e) => e.page_type === 'DICTIONARY_PAGE')?.count)).toEqual([1, 1, 1]);
    for (const dir of Object.values(dirs)) {
      const sources = (await TokenDataset.open(dir)).sources();
      expect(Array.from(sources.ofDoc, (i) => sources.names[i])).toEqual(SOURCES);
    }
  });

  it.each<[string, LoaderOptions]>([
    ['one stream', { seqLen: 31, batch: 4, seed: 7 }],
    ['a mixture, rank 1 of 2, document mask', { seqLen: 17, batch: 3, seed: 11, rank: 1, world: 2, docMask: true, mixture: { web: 0.5, code: 0.2, books: 0.2, wiki: 0.1 } }],
  ])('%s: the same batches from every layout', async (_, opts) => {
    const want = batches(await TokenDataset.open(dirs.dictionary), opts, 60);
    expect(want[59]!.some((t) => t !== 0)).toBe(true);
    for (const dir of [dirs.plain, dirs.pages, dirs.arrow]) expect(batches(await TokenDataset.open(dir), opts, 60)).toEqual(want);
  });

  it('a null source (definition levels of a data page v1) is refused when the sources are read', async () => {
    const path = join(root, 'nulls.parquet');
    await writeArrow(
      path,
      DOCS.slice(0, 100),
      SOURCES.slice(0, 100).map((s, i) => (i === 70 ? null : s)),
    );
    const shard = indexTokenShard(path, new PageInflater());
    let err: unknown;
    try {
      readSourceColumn(shard, new PageInflater(), () => undefined);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).message).toMatch(/nulls\.parquet: source is null in row 70/);
  });
});

/**
 * One Parquet writer variant of the benchmark: `writeVariant`, run through isolate.ts in its
 * own process so its peak RSS is its own.
 *
 * Every variant writes the same generated docs (same seed) as one file. Time spent
 * generating docs is measured and subtracted; time spent converting docs into what a writer
 * accepts (row objects, Arrow tables) is counted, since a pipeline using it would pay it.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { open } from 'node:fs/promises';
import type { ParquetCompression } from '@dsnp/parquetjs/dist/lib/declare.js';
import type { Doc } from '../../src/core/doc.js';
import { ShardWriter } from '../../src/shard/shard-writer.js';
import type { Compression } from '../../src/shard/parquet/index.js';
import { benchDocs, rawRowBytes, type BenchDataOptions } from './parquet-data.js';

export type Variant = 'sluice' | 'sluice-snappy' | 'parquetjs' | 'parquet-wasm';

export interface ChildRequest extends BenchDataOptions {
  variant: Variant;
  outDir: string;
  /** Rows per row group, the same for every writer. */
  rowGroupRows: number;
}

export interface ChildResult {
  variant: Variant;
  rows: number;
  rawBytes: number;
  /** Writing time, generating the docs excluded. */
  seconds: number;
  fileBytes: number;
  note?: string;
}

/** Iterates the docs, tracking raw bytes and the time spent generating them. */
async function feed(req: ChildRequest, sink: (docs: Doc[]) => Promise<void>): Promise<{ rawBytes: number; genSeconds: number }> {
  let rawBytes = 0;
  let gen = 0;
  const it = benchDocs(req);
  for (;;) {
    const t0 = performance.now();
    const next = it.next();
    if (next.done === true) {
      gen += performance.now() - t0;
      break;
    }
    for (const d of next.value) rawBytes += rawRowBytes(d);
    gen += performance.now() - t0;
    await sink(next.value);
  }
  return { rawBytes, genSeconds: gen / 1000 };
}

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir)) total += (await stat(join(dir, f))).size;
  return total;
}

async function runSluice(req: ChildRequest, compression: Compression): Promise<ChildResult> {
  const dir = join(req.outDir, req.variant);
  await mkdir(dir, { recursive: true });
  const rowBytes = req.textBytes + req.idsPerRow * 4 + 80;
  const t0 = performance.now();
  const writer = new ShardWriter({
    dir,
    prefix: 'part',
    shardBytes: Number.MAX_SAFE_INTEGER,
    rowGroupBytes: req.rowGroupRows * rowBytes,
    compression,
    fsync: false,
  });
  const { rawBytes, genSeconds } = await feed(req, async (docs) => {
    for (const d of docs) await writer.write(d);
  });
  const shards = await writer.close();
  const seconds = (performance.now() - t0) / 1000 - genSeconds;
  const fileBytes = shards.reduce((n, s) => n + s.bytes, 0);
  return { variant: req.variant, rows: req.rows, rawBytes, seconds, fileBytes };
}

async function runParquetjs(req: ChildRequest): Promise<ChildResult> {
  const pq = await import('@dsnp/parquetjs');
  const codecs = await import('@dsnp/parquetjs/dist/lib/compression.js');
  const zstd = await import('zstd-napi');
  // parquetjs's type omits ZSTD although its thrift enum and writer handle it once registered
  let compression = 'ZSTD' as ParquetCompression;
  let note: string | undefined = 'ZSTD via codec-table patch';
  try {
    // parquetjs 1.8.8 has no ZSTD codec; register one (zstd-napi, default level 3)
    const table = codecs.PARQUET_COMPRESSION_METHODS as Record<string, { deflate: (b: Buffer) => Buffer; inflate: (b: Buffer) => Buffer }>;
    table['ZSTD'] = { deflate: (b) => zstd.compress(b), inflate: (b) => zstd.decompress(b) };
  } catch (err) {
    compression = 'SNAPPY';
    note = `ZSTD patch failed (${String(err)}), used SNAPPY`;
  }
  const dir = join(req.outDir, req.variant);
  await mkdir(dir, { recursive: true });
  const schema = new pq.ParquetSchema({
    id: { type: 'UTF8', compression },
    source: { type: 'UTF8', compression },
    text: { type: 'UTF8', compression },
    meta: { type: 'UTF8', compression },
    input_ids: {
      type: 'LIST',
      fields: { list: { repeated: true, fields: { element: { type: 'INT32', compression } } } },
    },
    num_tokens: { type: 'INT32', compression },
  });
  const path = join(dir, 'part-00000.parquet');
  const t0 = performance.now();
  const writer = await pq.ParquetWriter.openFile(schema, path);
  writer.setRowGroupSize(req.rowGroupRows);
  const { rawBytes, genSeconds } = await feed(req, async (docs) => {
    for (const d of docs) {
      const ids = d.tokens ?? new Int32Array(0);
      const list = new Array<{ element: number }>(ids.length);
      for (let i = 0; i < ids.length; i++) list[i] = { element: ids[i] ?? 0 };
      await writer.appendRow({
        id: d.id,
        source: d.source,
        text: d.text,
        meta: JSON.stringify(d.meta),
        input_ids: { list },
        num_tokens: ids.length,
      });
    }
  });
  await writer.close();
  const seconds = (performance.now() - t0) / 1000 - genSeconds;
  return { variant: req.variant, rows: req.rows, rawBytes, seconds, fileBytes: await dirBytes(dir), note };
}

async function runParquetWasm(req: ChildRequest): Promise<ChildResult> {
  const pw = await import('parquet-wasm');
  const arrow = await import('apache-arrow');
  const dir = join(req.outDir, req.variant);
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'part-00000.parquet');
  const props = new pw.WriterPropertiesBuilder().setCompression(pw.Compression.ZSTD).setMaxRowGroupSize(req.rowGroupRows).build();
  const listType = new arrow.List(new arrow.Field('element', new arrow.Int32(), false));
  let rawBytes = 0;
  let gen = 0;
  const it = benchDocs(req);
  const t0 = performance.now();
  // Arrow JS table per generated batch -> IPC -> wasm record batches, pulled by the
  // streaming writer; every wasm object is freed or consumed to keep wasm memory bounded.
  const batches = new ReadableStream({
    pull(controller) {
      const g0 = performance.now();
      const next = it.next();
      if (next.done === true) {
        gen += performance.now() - g0;
        controller.close();
        return;
      }
      const docs = next.value;
      for (const d of docs) rawBytes += rawRowBytes(d);
      gen += performance.now() - g0;
      const offsets = new Int32Array(docs.length + 1);
      let total = 0;
      docs.forEach((d, i) => {
        total += d.tokens?.length ?? 0;
        offsets[i + 1] = total;
      });
      const values = new Int32Array(total);
      docs.forEach((d, i) => values.set(d.tokens ?? new Int32Array(0), offsets[i] ?? 0));
      const table = new arrow.Table({
        id: arrow.vectorFromArray(
          docs.map((d) => d.id),
          new arrow.Utf8(),
        ),
        source: arrow.vectorFromArray(
          docs.map((d) => d.source),
          new arrow.Utf8(),
        ),
        text: arrow.vectorFromArray(
          docs.map((d) => d.text),
          new arrow.Utf8(),
        ),
        meta: arrow.vectorFromArray(
          docs.map((d) => JSON.stringify(d.meta)),
          new arrow.Utf8(),
        ),
        input_ids: arrow.makeVector(
          arrow.makeData({
            type: listType,
            length: docs.length,
            nullCount: 0,
            valueOffsets: offsets,
            child: arrow.makeData({ type: new arrow.Int32(), data: values }),
          }),
        ),
        num_tokens: arrow.makeVector(Int32Array.from(docs, (d) => d.tokens?.length ?? 0)),
      });
      const wasmTable = pw.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
      for (const b of wasmTable.recordBatches()) controller.enqueue(b);
      wasmTable.free();
    },
  });
  const bytes = await pw.transformParquetStream(batches, props);
  const fh = await open(path, 'w');
  await bytes.pipeTo(Writable.toWeb(fh.createWriteStream()));
  const seconds = (performance.now() - t0) / 1000 - gen / 1000;
  return { variant: req.variant, rows: req.rows, rawBytes, seconds, fileBytes: await dirBytes(dir) };
}

/** Writes the request's docs with its writer (the export isolate.ts runs in a child process). */
export async function writeVariant(req: ChildRequest): Promise<ChildResult> {
  switch (req.variant) {
    case 'sluice':
      return runSluice(req, 'zstd');
    case 'sluice-snappy':
      return runSluice(req, 'snappy');
    case 'parquetjs':
      return runParquetjs(req);
    case 'parquet-wasm':
      return runParquetWasm(req);
  }
}

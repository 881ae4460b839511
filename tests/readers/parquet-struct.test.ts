import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Field, Float64, Int64, Struct, Table, Utf8, tableToIPC, vectorFromArray } from 'apache-arrow';
import { Table as WasmTable, writeParquet } from 'parquet-wasm';
import { afterAll, describe, expect, it } from 'vitest';
import { localFile } from '../../src/io/input.js';
import { parquetReader } from '../../src/readers/parquet.js';
import { runReader } from '../helpers/harness.js';

/** A datatrove-style file (text, id, a `metadata` struct) written by apache-arrow + parquet-wasm (arrow-rs). */
function datatroveFile(path: string): void {
  const n = 5;
  const metadataType = new Struct([
    new Field('url', new Utf8(), true),
    new Field('language_score', new Float64(), true),
    new Field('token_count', new Int64(), true),
    new Field('extra', new Struct([new Field('dump', new Utf8(), true)]), true),
  ]);
  const table = new Table({
    text: vectorFromArray(
      Array.from({ length: n }, (_, i) => `document ${i}`),
      new Utf8(),
    ),
    id: vectorFromArray(
      Array.from({ length: n }, (_, i) => `<urn:uuid:${i}>`),
      new Utf8(),
    ),
    metadata: vectorFromArray(
      Array.from({ length: n }, (_, i) => ({ url: `https://e.org/${i}`, language_score: i / 4, token_count: BigInt(i * 10), extra: { dump: i === 2 ? null : 'CC-MAIN-2024-10' } })),
      metadataType,
    ),
  });
  writeFileSync(path, writeParquet(WasmTable.fromIPCStream(tableToIPC(table, 'stream'))));
}

describe('parquet reader: struct metadata', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-parquet-struct-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('merges a datatrove `metadata` struct into meta (nested structs as objects) instead of dropping it', async () => {
    const path = join(dir, 'datatrove.parquet');
    datatroveFile(path);
    const r = await runReader(parquetReader, localFile(path));
    expect(r.invalid).toEqual([]);
    expect(r.docs).toHaveLength(5);
    expect(r.docs[1]).toEqual({
      id: '<urn:uuid:1>',
      text: 'document 1',
      source: 'parquet',
      meta: { url: 'https://e.org/1', language_score: 0.25, token_count: 10, extra: { dump: 'CC-MAIN-2024-10' } },
    });
    expect(r.docs[2]!.meta['extra']).toEqual({ dump: null });
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordBatchReader, tableFromIPC, type Field } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import { afterAll, describe, expect, test } from 'vitest';
import { ShardWriter } from '../../src/shard/shard-writer.js';
import { readBack } from './read-back.js';

/*
 * The footer's ARROW:schema and created_by, read back by parquet-wasm (arrow-rs) into
 * apache-arrow, as pyarrow/Polars/HF datasets would: types and nullability as intended.
 */

const dir = mkdtempSync(join(tmpdir(), 'sluice-arrow-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

function describeFields(fields: Field[]): unknown[] {
  return fields.map((f) => [f.name, String(f.type), f.nullable, ...(f.type.children?.length ? [describeFields(f.type.children)] : [])]);
}

async function writeShard(name: string, meta: 'json' | 'struct'): Promise<string> {
  const w = new ShardWriter({ dir: join(dir, name), prefix: 'part', shardBytes: 1 << 30, compression: 'zstd', fsync: false, meta });
  for (let i = 0; i < 20; i++) {
    await w.write({
      id: `d-${i}`,
      text: `text ${i}`,
      source: i % 2 ? 'web' : 'books',
      meta: { url: `https://e.org/${i}`, score: i / 3, n: i, ok: i % 2 === 0, tags: ['a', i] },
      tokens: Int32Array.from([i, i + 1]),
    });
  }
  const [info] = await w.close();
  return join(dir, name, info!.path);
}

describe('key-value metadata', () => {
  test('ARROW:schema gives parquet-wasm + apache-arrow the intended types and nullability (meta as JSON)', async () => {
    const path = await writeShard('json', 'json');
    const table = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
    expect(describeFields(table.schema.fields)).toEqual([
      ['id', 'Utf8', false],
      ['source', 'Utf8', false],
      ['text', 'Utf8', false],
      ['meta', 'Utf8', false],
      ['input_ids', 'List<Int32>', false, [['element', 'Int32', false]]],
      ['num_tokens', 'Int32', false],
    ]);
    expect(table.numRows).toBe(20);
    expect(table.getChild('source')?.get(1)).toBe('web');
  });

  test('... and for a meta struct', async () => {
    const path = await writeShard('struct', 'struct');
    const table = tableFromIPC(readParquet(readFileSync(path)).intoIPCStream());
    const meta = table.schema.fields.find((f) => f.name === 'meta');
    expect(describeFields([meta!])).toEqual([
      [
        'meta',
        'Struct<{url:Utf8, score:Float64, n:Int64, ok:Bool, tags:Utf8}>',
        false,
        [
          ['url', 'Utf8', true],
          ['score', 'Float64', true],
          ['n', 'Int64', true],
          ['ok', 'Bool', true],
          ['tags', 'Utf8', true],
        ],
      ],
    ]);
    expect(table.getChild('meta')?.get(3)?.toJSON()).toEqual({ url: 'https://e.org/3', score: 1, n: 3n, ok: false, tags: '["a",3]' });
  });

  test('ARROW:schema is an IPC schema message apache-arrow decodes on its own; created_by names the version', async () => {
    const path = await writeShard('kv', 'json');
    const { metadata } = await readBack(path);
    expect(metadata.created_by).toBe(`sluice version ${version}`);
    const encoded = metadata.key_value_metadata?.find((kv) => kv.key === 'ARROW:schema')?.value;
    const bytes = Buffer.from(encoded ?? '', 'base64');
    // continuation marker, then the flatbuffer's length; the message is 8-byte aligned
    expect(bytes.readUInt32LE(0)).toBe(0xffffffff);
    expect(bytes.readInt32LE(4)).toBe(bytes.length - 8);
    expect(bytes.length % 8).toBe(0);
    const reader = RecordBatchReader.from(bytes);
    reader.open();
    expect(reader.schema.fields.map((f) => f.name)).toEqual(['id', 'source', 'text', 'meta', 'input_ids', 'num_tokens']);
  });
});

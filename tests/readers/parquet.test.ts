import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { localFile, memoryFile } from '../../src/io/input.js';
import { parquetReader } from '../../src/readers/parquet.js';
import { runReader } from '../helpers/harness.js';

const N = 250;
/** Written by hyparquet-writer, read by hyparquet: two independent implementations. */
function shard(): Buffer {
  const texts: (string | null)[] = Array.from({ length: N }, (_, i) => `document ${i} ${'text '.repeat(i % 9)}`);
  texts[7] = null;
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Array.from({ length: N }, (_, i) => `doc-${i}`), type: 'STRING' },
      { name: 'source', data: Array.from({ length: N }, (_, i) => (i % 2 ? 'web' : 'books')), type: 'STRING' },
      { name: 'text', data: texts, type: 'STRING' },
      { name: 'meta', data: Array.from({ length: N }, (_, i) => JSON.stringify({ url: `https://e.org/${i}` })), type: 'STRING' },
      { name: 'score', data: Array.from({ length: N }, (_, i) => i / 4), type: 'DOUBLE' },
      { name: 'keep', data: Array.from({ length: N }, (_, i) => i % 3 === 0), type: 'BOOLEAN' },
    ],
    rowGroupSize: 100,
  });
  return Buffer.from(buf);
}

describe('parquet reader', () => {
  const bytes = shard();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-parquet-'));
  const path = join(dir, 'shard-00000.parquet');
  writeFileSync(path, bytes);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every row of every row group; scalar columns go to meta, the meta JSON is merged', async () => {
    const r = await runReader(parquetReader, localFile(path), { source_column: 'source' });
    expect(r.docs).toHaveLength(N - 1);
    expect(r.docs[0]).toEqual({ id: 'doc-0', text: 'document 0 ', source: 'books', meta: { url: 'https://e.org/0', score: 0, keep: true } });
    expect(r.docs.at(-1)!.id).toBe(`doc-${N - 1}`);
    expect(r.docs[150]!.meta).toEqual({ url: 'https://e.org/151', score: 151 / 4, keep: false });
    expect(r.invalid).toMatchObject([{ id: 'doc-7', reason: 'bad_record', record: 7 }]);
  });

  it('says what a non-string text column holds, with the right article', async () => {
    const errorOf = async (params: Record<string, unknown>, row: number) => (await runReader(parquetReader, localFile(path), params)).invalid.find((i) => i.record === row)?.error;
    expect(await errorOf({}, 7)).toBe('column "text" is null in row 7');
    expect(await errorOf({ text_column: 'score' }, 0)).toBe('column "score" is a number in row 0');
    expect(await errorOf({ text_column: 'keep' }, 0)).toBe('column "keep" is a boolean in row 0');
  });

  it('reads the same from a non-local input (random access through open(offset))', async () => {
    const local = await runReader(parquetReader, localFile(path));
    const remote = await runReader(parquetReader, memoryFile('shard.parquet', bytes, 333));
    expect(remote.docs).toEqual(local.docs);
  });

  it('uses configured column names, and row positions when there is no id column', async () => {
    const r = await runReader(parquetReader, localFile(path), { text_column: 'source', id_column: 'nope' });
    expect(r.docs[1]).toMatchObject({ id: `${path}:1`, text: 'web' });
  });

  it('rejects a truncated file as bad_parquet', async () => {
    const r = await runReader(parquetReader, memoryFile('cut.parquet', bytes.subarray(0, bytes.length - 100)));
    expect(r.docs).toEqual([]);
    expect(r.invalid.map((x) => x.reason)).toEqual(['bad_parquet']);
  });

  it('rejects a file without the text column', async () => {
    const r = await runReader(parquetReader, localFile(path), { text_column: 'body' });
    expect(r.invalid).toMatchObject([{ reason: 'bad_parquet', record: 'schema' }]);
  });
});

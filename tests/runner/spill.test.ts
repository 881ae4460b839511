/** The binary spill between phases gives back exactly the documents it was given, in order. */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, decompress } from 'zstd-napi';
import type { Doc } from '../../src/core/doc.js';
import { SluiceError } from '../../src/core/errors.js';
import { JsonlZstWriter } from '../../src/io/jsonl-zst.js';
import { readSpill, SpillWriter } from '../../src/runner/spill.js';
import { prose, tempDir } from '../helpers/corpus.js';

async function roundTrip(docs: Doc[], path: string): Promise<Doc[]> {
  const w = new SpillWriter(path);
  for (const d of docs) await w.write(d);
  const digest = await w.commit();
  expect(w.rows).toBe(docs.length);
  const bytes = readFileSync(path);
  expect(digest).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  const back: Doc[] = [];
  for await (const d of readSpill(path)) back.push(d);
  return back;
}

function docsForTest(): Doc[] {
  const docs: Doc[] = [
    { id: 'plain', text: 'hello', source: 'web', meta: {} },
    { id: '', text: '', source: '', meta: {} },
    { id: 'unicode-é-漢-😀', text: 'naïve café 漢字 😀 \u0000 \r\n tab\t', source: 'wikipedia', meta: { url: 'https://example.org/ü', n: 3, nested: { a: [1, null, true, 'x'] } } },
    // lone surrogates have no UTF-8 form; JSON input can carry them and they must come back as they were
    { id: 'lone-\ud800', text: 'a\udc00b\ud83d', source: 'src\udfff', meta: { k: 'v\ud800' } },
    { id: 'tokens', text: 'tokenized', source: 'code', meta: {}, tokens: Int32Array.from([0, 1, 100276, -1, 2 ** 31 - 1]) },
    { id: 'no-tokens-yet', text: 'x', source: 'code', meta: {}, tokens: new Int32Array(0) },
    // larger than the writer's 1 MiB block
    { id: 'big', text: prose(1, 3_000_000) + '漢'.repeat(500_000), source: 'books', meta: { big: true }, tokens: Int32Array.from({ length: 300_000 }, (_, i) => i) },
  ];
  for (let i = 0; i < 5000; i++) docs.push({ id: `doc-${i}`, text: prose(i, 50 + (i % 900)), source: i % 2 ? 'web' : 'reddit', meta: { i } });
  return docs;
}

describe('spill files', () => {
  it('round-trip every field of every document, in order, across block boundaries', async () => {
    const docs = docsForTest();
    const back = await roundTrip(docs, join(tempDir(), 'docs-0', '00000.spill.zst'));
    expect(back).toHaveLength(docs.length);
    back.forEach((d, i) => {
      const want = docs[i]!;
      expect(d.id).toBe(want.id);
      expect(d.text).toBe(want.text);
      expect(d.source).toBe(want.source);
      expect(d.meta).toEqual(want.meta);
      if (want.tokens) expect(Array.from(d.tokens!)).toEqual(Array.from(want.tokens));
      else expect(d.tokens).toBeUndefined();
    });
  });

  it('writes an empty spill a reader accepts, and is a real zstd file', async () => {
    const path = join(tempDir(), '00000.spill.zst');
    expect(await roundTrip([], path)).toEqual([]);
    expect(decompress(readFileSync(path)).toString('latin1')).toBe('SLSPILL1');
  });

  it('refuses a damaged spill, naming the file', async () => {
    const dir = tempDir();
    const path = join(dir, '00000.spill.zst');
    await roundTrip(docsForTest().slice(0, 50), path);
    const raw = decompress(readFileSync(path));
    // cut inside a record
    writeFileSync(path, compress(raw.subarray(0, raw.length - 7)));
    const drain = async (p: string): Promise<number> => {
      let n = 0;
      for await (const _ of readSpill(p)) n++;
      return n;
    };
    await expect(drain(path)).rejects.toThrow(SluiceError);
    await expect(drain(path)).rejects.toThrow(/00000\.spill\.zst is damaged: it ends inside a record/);
    writeFileSync(path, compress(Buffer.from('{"id":"x"}\n')));
    await expect(drain(path)).rejects.toThrow(/not a sluice spill file/);
  });

  it('reads the JSON-lines spill of an earlier version when no binary one exists (a resumed run)', async () => {
    const dir = tempDir();
    const legacy = new JsonlZstWriter(join(dir, '00003.jsonl.zst'), { keepEmpty: true });
    await legacy.write({ id: 'a', text: 'old', source: 'web', meta: { x: 1 }, tokens: [5, 6] });
    await legacy.write({ id: 'b', text: 'format', source: 'web', meta: {} });
    await legacy.commit();
    const back: Doc[] = [];
    for await (const d of readSpill(join(dir, '00003.spill.zst'))) back.push(d);
    expect(back.map((d) => [d.id, d.text, d.meta, d.tokens && Array.from(d.tokens)])).toEqual([
      ['a', 'old', { x: 1 }, [5, 6]],
      ['b', 'format', {}, undefined],
    ]);
  });
});

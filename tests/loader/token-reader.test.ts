/**
 * The loader's own reader of token columns against hyparquet, an independent Parquet
 * implementation, over every codec the shard writer emits, with and without the text column,
 * empty documents, and documents larger than a page.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import { DocReader, TokenDataset } from '../../src/loader/dataset.js';
import type { Compression } from '../../src/shard/parquet/index.js';
import { tempDir } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';
import { tokenizerFacts, writeTokenDataset, type TokenDoc } from '../helpers/token-dataset.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function randomDocs(count: number, seed: number): TokenDoc[] {
  const rand = mulberry32(seed);
  const below = (n: number): number => Math.floor(rand() * n);
  const docs: TokenDoc[] = [];
  for (let i = 0; i < count; i++) {
    // mostly short, some empty, two over a 1 MiB page (262144 tokens)
    const n = i === 7 || i === 30 ? 300_000 + below(1000) : below(9) === 0 ? 0 : below(3000);
    const tokens = new Int32Array(n);
    for (let k = 0; k < n; k++) tokens[k] = below(100_000);
    docs.push({ tokens, source: ['web', 'code', 'wiki'][i % 3]!, text: `text of ${i} ` + 'é'.repeat(i % 5) });
  }
  return docs;
}

describe('token column reader', () => {
  it.each<[Compression, boolean]>([
    ['zstd', false],
    ['zstd', true],
    ['snappy', false],
    ['gzip', true],
    ['none', false],
  ])("%s, keep_text %s: every document equals hyparquet's reading", async (compression, keepText) => {
    const dir = tempDir('sluice-token-reader-');
    dirs.push(dir);
    const docs = randomDocs(60, compression.length + (keepText ? 1 : 0));
    await writeTokenDataset(dir, docs, { shardDocs: 25, compression, keepText, rowGroupBytes: 20_000, tokenizer: tokenizerFacts(100_001, 100_000) });
    const ds = await TokenDataset.open(dir);
    expect(ds.shards.some((s) => s.pages.length > 3)).toBe(true);
    const rows = await readDataset(dir, ['input_ids', 'num_tokens', 'source']);
    expect(rows.length).toBe(docs.length);
    const reader = new DocReader(ds);
    for (let d = 0; d < ds.docs; d++) {
      const mine = reader.tokens(d);
      const theirs = rows[d]!['input_ids'] as number[];
      expect(mine.length).toBe(rows[d]!['num_tokens']);
      expect(Array.from(mine)).toEqual(Array.from(theirs));
    }
    // reading in order decodes each page once; a page of empty documents only is never needed
    const withTokens = ds.shards.flatMap((s) => s.pages).filter((p) => p.valueEnd > p.valueStart).length;
    expect(reader.pagesDecoded).toBe(withTokens);
    reader.close();
    const sources = ds.sources();
    expect(sources.names).toEqual(['code', 'web', 'wiki']);
    expect(Array.from(sources.ofDoc, (i) => sources.names[i])).toEqual(rows.map((r) => r['source']));
  });

  it('reads documents in any order', async () => {
    const dir = tempDir('sluice-token-reader-');
    dirs.push(dir);
    const docs = randomDocs(40, 99);
    await writeTokenDataset(dir, docs, { shardDocs: 13, rowGroupBytes: 10_000, tokenizer: tokenizerFacts(100_001, 100_000) });
    const ds = await TokenDataset.open(join(dir));
    const reader = new DocReader(ds);
    for (const d of [39, 0, 7, 7, 20, 13, 12, 30, 1]) expect(Array.from(reader.tokens(d))).toEqual(Array.from(docs[d]!.tokens));
    reader.close();
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { runPipeline } from '../../src/runner/run.js';
import { loadTokenizer } from '../../src/tokenize/load.js';
import { TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader } from '../../src/loader/loader.js';
import { tokenizeStage } from '../../src/tokenize/stage.js';
import { BpeTrainer, writeTrainedTokenizer } from '../../src/tokenize/trainer.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { buildStage, doc, runStage, streamStage, testBuildEnv } from '../helpers/harness.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

describe('tokenize stage', () => {
  it('with eos, sets doc.tokens to the ordinary encoding plus the EOS id', async () => {
    const stage = await streamStage(tokenizeStage, { tokenizer: 'cl100k_base', eos: true });
    const tok = loadTokenizer({ tokenizer: 'cl100k_base' });
    const texts = ['Hello, world.', '', 'def f(x):\r\n    return x\n', '中文 😀'];
    const { kept, rejected } = await runStage(
      stage,
      texts.map((t, i) => doc(t, `d${i}`)),
    );
    expect(rejected).toEqual([]);
    expect(kept.map((d) => Array.from(d.tokens!))).toEqual(texts.map((t) => [...tok.encodeOrdinary(t), 100257]));
    expect(kept[0]!.tokens).toBeInstanceOf(Int32Array);
  });

  it('treats a special-token string inside a document as text: only the appended EOS is special', async () => {
    const stage = await streamStage(tokenizeStage, { eos: true });
    const { kept } = await runStage(stage, [doc('forum post: <|endoftext|> and <|fim_prefix|>')]);
    const ids = Array.from(kept[0]!.tokens!);
    expect(ids.filter((id) => id === 100257)).toEqual([100257]);
    expect(ids.at(-1)).toBe(100257);
    expect(ids.includes(100258)).toBe(false);
    expect(loadTokenizer({ tokenizer: 'cl100k_base' }).decode(ids)).toBe('forum post: <|endoftext|> and <|fim_prefix|><|endoftext|>');
  });

  it('records the tokenizer, EOS id included, in the manifest facts whether or not EOS is stored', async () => {
    const facts = { tokenizer: { name: 'o200k_base', vocab_size: 200019, sha256: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d', eos_id: 199999 } };
    expect((await buildStage(tokenizeStage, { tokenizer: 'o200k_base' })).manifest).toEqual(facts);
    expect((await buildStage(tokenizeStage, { tokenizer: 'o200k_base', eos: true })).manifest).toEqual(facts);
    const other = await buildStage(tokenizeStage, { tokenizer: 'o200k_base', eos_token: '<|endofprompt|>' });
    expect((other.manifest!['tokenizer'] as { eos_id: number }).eos_id).toBe(200018);
  });

  it('rejects documents over max_tokens with the count, and records a length histogram', async () => {
    const stage = await streamStage(tokenizeStage, { max_tokens: 5 });
    const { kept, rejected, stats } = await runStage(stage, [doc('one two', 'short'), doc('one two three four five six seven', 'long')], 'tokenize');
    expect(kept.map((d) => d.id)).toEqual(['short']);
    expect(rejected).toMatchObject([{ reason: 'too_many_tokens', detail: { tokens: 7, max_tokens: 5 }, doc: { id: 'long' } }]);
    expect(stats.stats.histograms['tokens_per_doc']).toEqual({ '2-3': 1 });
    expect(stats.stats.stages['tokenize']!.counters['tokens']).toBe(2);
    // The EOS, when stored, counts towards max_tokens.
    const withEos = await streamStage(tokenizeStage, { max_tokens: 2, eos: true });
    expect((await runStage(withEos, [doc('one two')])).rejected).toMatchObject([{ reason: 'too_many_tokens', detail: { tokens: 3 } }]);
  });

  it('by default stores no EOS: the loader and the exports put it between documents', async () => {
    const stage = await streamStage(tokenizeStage, { tokenizer: 'r50k_base' });
    const { kept } = await runStage(stage, [doc('abc')]);
    expect(Array.from(kept[0]!.tokens!)).toEqual(Array.from(loadTokenizer({ tokenizer: 'r50k_base' }).encodeOrdinary('abc')));
  });

  it('refuses an eos_token the vocabulary does not have, and unknown keys', async () => {
    await expect(buildStage(tokenizeStage, { eos_token: '</s>' })).rejects.toThrow(/"<\/s>" is not a special token of cl100k_base/);
    expect(() => tokenizeStage.params.parse({ tokenizr: 'x' })).toThrow();
  });

  it('loads a trained tokenizer by a path relative to the pipeline file', async () => {
    const dir = tempDir();
    const trainer = new BpeTrainer({ vocabSize: 400, specialTokens: ['<|end|>'] });
    trainer.add('a small corpus, a small corpus, a small corpus of words and more words');
    const meta = await writeTrainedTokenizer(join(dir, 'tok'), trainer.finish());
    const built = await buildStage(tokenizeStage, { tokenizer: 'tok', eos_token: '<|end|>' }, { ...testBuildEnv(), configDir: dir });
    expect(built.kind).toBe('stream');
    expect(built.manifest!['tokenizer']).toEqual({ name: 'sluice-bpe', vocab_size: meta.vocab_size, sha256: meta.sha256, eos_id: meta.special_tokens['<|end|>'] });
  });
});

describe('tokenize in a pipeline run', () => {
  it('writes input_ids and num_tokens into the shards, the tokenizer into the manifest, tokens per source into stats', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 120, chars: 400 },
      { name: 'b.jsonl', docs: 80, codec: 'none', chars: 2000 },
    ]);
    const file = writePipeline(
      dir,
      `name: tokenize-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl*"]
stages:
  - tokenize: {tokenizer: cl100k_base, max_tokens: 200}
output:
  dir: ${dir}/out
`,
    );
    await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    const out = join(dir, 'out');
    const manifest = readManifest(out) as unknown as { tokenizer: unknown; tokens: number };
    expect(manifest.tokenizer).toEqual({ name: 'cl100k_base', vocab_size: 100277, sha256: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7', eos_id: 100257 });
    const rows = await readDataset(out);
    const tok = loadTokenizer({ tokenizer: 'cl100k_base' });
    expect(rows.length).toBeGreaterThan(100);
    let total = 0;
    for (const row of rows) {
      const ids = Array.from(row['input_ids'] as ArrayLike<number>, Number);
      expect(ids).toEqual(Array.from(tok.encodeOrdinary(row['text'] as string)));
      expect(Number(row['num_tokens'])).toBe(ids.length);
      total += ids.length;
    }
    expect(manifest.tokens).toBe(total);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    expect(stats.sources['jsonl']!.tokens).toBe(total);
    expect(stats.stages['tokenize']!.rejected['too_many_tokens']).toBe(80); // the 2000-character documents
    expect(Object.values(stats.histograms['tokens_per_doc']!).reduce((a, b) => a + b, 0)).toBe(rows.length);

    // The loader accepts the dataset and packs it with exactly one EOS after each document.
    const dataset = await TokenDataset.open(out, { tokenizer: { name: 'cl100k_base', eos_id: 100257 } });
    expect(dataset.docs).toBe(rows.length);
    const loader = new TokenLoader(dataset, { seqLen: 127, batch: 4, shuffleBuffer: 1 });
    const epoch = total + rows.length;
    const stream: number[] = [];
    while (stream.length < epoch) stream.push(...loader.next().tokens);
    const eosCount = stream.slice(0, epoch).filter((id) => id === 100257).length;
    expect(eosCount).toBe(rows.length);
  });
});

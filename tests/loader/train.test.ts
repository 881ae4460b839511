/**
 * The reference training script runs 200 steps on the sample-corpora dataset on the CPU and
 * its loss falls. The dataset is a real `sluice run` over every sample corpus; until the
 * tokenize stage is merged, tokens are UTF-8 bytes from a test stage (the lead switches this
 * to the real tokenizer after the merge).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenDataset } from '../../src/loader/dataset.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { runTokenPipeline } from '../helpers/token-dataset.js';

let work: string;
let dataset: string;

beforeAll(async () => {
  requirePythonDeps();
  work = tempDir('sluice-train-');
  const corpora = join(ROOT, 'sample-corpora');
  const pipeline = join(work, 'sample-bytes.yaml');
  writeFileSync(
    pipeline,
    `name: sample-bytes
inputs:
  - reader: jsonl
    paths: ["${corpora}/jsonl/*.jsonl.gz"]
    source: web
  - reader: books
    paths: ["${corpora}/books/*.txt", "${corpora}/books/*.txt.gz", "${corpora}/books/*.zip"]
  - reader: reddit
    paths: ["${corpora}/reddit/*.zst"]
  - reader: wikipedia
    paths: ["${corpora}/wikipedia/*.xml.bz2"]
stages:
  - length: {min_chars: 50}
  - test-byte-tokens: {}
output:
  dir: ${join(work, 'out')}
  keep_text: false
`,
  );
  dataset = join(work, 'out');
  await runTokenPipeline(pipeline, dataset);
}, 180_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Summary {
  steps: number;
  first_loss: number;
  last_loss: number;
  vocab_size: number;
  device: string;
}

function train(args: string[]): { lines: Record<string, unknown>[]; summary: Summary } {
  const r = runPython(['-m', 'sluice_loader.train_tiny', '--dataset', dataset, '--device', 'cpu', ...args], { timeoutMs: 300_000 });
  if (r.status !== 0) throw new Error(`train_tiny failed:\n${r.stderr}`);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, summary: lines.at(-1) as unknown as Summary };
}

describe('reference training script', () => {
  it('the sample corpora make a dataset with every source', async () => {
    const ds = await TokenDataset.open(dataset);
    expect(ds.sources().names).toEqual(expect.arrayContaining(['web', 'books', 'reddit', 'wikipedia']));
    expect(ds.tokens).toBeGreaterThan(10_000);
  });

  it('trains 200 steps on the CPU and the loss falls', () => {
    const { summary } = train(['--steps', '200']);
    expect(summary.steps).toBe(200);
    expect(summary.vocab_size).toBe(257);
    expect(summary.device).toBe('cpu');
    // it starts near ln(vocab) (an untrained model) and falls well below it
    expect(summary.first_loss).toBeGreaterThan(0.8 * Math.log(summary.vocab_size));
    expect(summary.last_loss).toBeLessThan(summary.first_loss - 1.5);
  }, 300_000);

  it('a checkpoint carries the data position: 30 + 30 steps see the batches of 60', () => {
    const ckpt = join(work, 'ckpt.pt');
    const a = train(['--steps', '30', '--checkpoint', ckpt, '--log-every', '10']);
    expect(a.lines.filter((l) => 'data' in l).at(-1)).toEqual({ step: 30, loss: expect.any(Number), data: 30 });
    const b = train(['--steps', '60', '--checkpoint', ckpt, '--log-every', '10']);
    expect(b.lines.filter((l) => 'data' in l).map((l) => [l['step'], l['data']])).toEqual([
      [40, 40],
      [50, 50],
      [60, 60],
    ]);
  }, 300_000);
});

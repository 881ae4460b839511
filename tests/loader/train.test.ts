/**
 * The reference training script runs 200 steps on the sample-corpora dataset on the CPU and
 * its loss falls. The dataset is a real `sluice run` of pipelines/default.yaml (every sample
 * corpus, every stage) with lean shards. Until that pipeline has a tokenize stage, a test stage
 * stands in for it (UTF-8 bytes as tokens, vocab 257); once default.yaml tokenizes, the real
 * tokenizer is used and the stand-in is left out.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { TokenDataset } from '../../src/loader/dataset.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { byteTokensStage, runTokenPipeline } from '../helpers/token-dataset.js';

interface PipelineFile {
  name: string;
  inputs: { paths: string[] }[];
  stages: Record<string, unknown>[];
  output: Record<string, unknown>;
}

let work: string;
let dataset: string;
let standIn = false;

beforeAll(async () => {
  requirePythonDeps();
  work = tempDir('sluice-train-');
  dataset = join(work, 'out');
  const pipeline = parse(readFileSync(join(ROOT, 'pipelines', 'default.yaml'), 'utf8')) as PipelineFile;
  pipeline.name = 'sample-train';
  for (const input of pipeline.inputs) input.paths = input.paths.map((p) => (isAbsolute(p) ? p : join(ROOT, p)));
  standIn = !pipeline.stages.some((s) => 'tokenize' in s);
  if (standIn) pipeline.stages.push({ [byteTokensStage.name]: {} });
  pipeline.output = { ...pipeline.output, dir: dataset, keep_text: false };
  const file = join(work, 'sample-train.yaml');
  writeFileSync(file, stringify(pipeline));
  await runTokenPipeline(file, dataset);
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
    expect(ds.sources().names).toEqual(expect.arrayContaining(['web', 'books', 'reddit', 'wikipedia', 'code']));
    expect(ds.tokens).toBeGreaterThan(10_000);
  });

  it('trains 200 steps on the CPU and the loss falls', () => {
    const { summary } = train(['--steps', '200']);
    expect(summary.steps).toBe(200);
    if (standIn) expect(summary.vocab_size).toBe(257);
    expect(summary.device).toBe('cpu');
    // the first steps score near ln(vocab), as an untrained model should; the last ten average
    // at least a nat lower (5.2 -> 3.6 with the byte stand-in)
    expect(summary.first_loss).toBeGreaterThan(0.8 * Math.log(summary.vocab_size));
    expect(summary.last_loss).toBeLessThan(summary.first_loss - 1);
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

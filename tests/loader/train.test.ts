/**
 * The reference training script runs 200 steps on the sample-corpora dataset on the CPU and
 * its loss falls. The dataset is a real `sluice run` of pipelines/default.yaml (every sample
 * corpus, every stage) with lean shards, tokenized by the real `tokenize` stage. The tokenizer
 * is a 1,024-token vocabulary trained on the same samples with `sluice tokenizer train`: with
 * default.yaml's cl100k_base, a 100k-row output layer made 200 CPU steps take over five minutes
 * on two cores, and training a vocabulary on the corpus is itself part of the product.
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { silentLogger } from '../../src/core/log.js';
import { TokenDataset } from '../../src/loader/dataset.js';
import { runPipeline } from '../../src/runner/run.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';

interface PipelineFile {
  name: string;
  inputs: { paths: string[] }[];
  stages: Record<string, unknown>[];
  output: Record<string, unknown>;
}

const VOCAB = 1024;
let work: string;
let dataset: string;

/** default.yaml with absolute input paths, its tokenize stage set to `tokenizer` (or dropped), into `out`. */
function variant(name: string, out: string, tokenizer: string | undefined, keepText: boolean): string {
  const pipeline = parse(readFileSync(join(ROOT, 'pipelines', 'default.yaml'), 'utf8')) as PipelineFile;
  pipeline.name = name;
  for (const input of pipeline.inputs) input.paths = input.paths.map((p) => (isAbsolute(p) ? p : join(ROOT, p)));
  const at = pipeline.stages.findIndex((s) => 'tokenize' in s);
  if (at === -1) throw new Error('pipelines/default.yaml has no tokenize stage');
  if (tokenizer === undefined) pipeline.stages.splice(at, 1);
  else pipeline.stages[at] = { tokenize: { ...(pipeline.stages[at]!['tokenize'] as object), tokenizer } };
  pipeline.output = { ...pipeline.output, dir: out, keep_text: keepText };
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(pipeline));
  return file;
}

beforeAll(async () => {
  requirePythonDeps();
  work = tempDir('sluice-train-');
  const text = join(work, 'text');
  await runPipeline({ pipelineFile: variant('sample-text', text, undefined, true), workers: 1, log: silentLogger });
  const shards = readdirSync(join(text, 'shards')).map((f) => join(text, 'shards', f));
  const tok = join(work, 'tokenizer');
  const trained = sluice(['tokenizer', 'train', '--vocab-size', String(VOCAB), '--out', tok, ...shards]);
  if (trained.status !== 0) throw new Error(`tokenizer train failed:\n${trained.stderr}`);
  dataset = join(work, 'out');
  await runPipeline({ pipelineFile: variant('sample-train', dataset, tok, false), workers: 1, log: silentLogger });
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Summary {
  steps: number;
  first_loss: number;
  last_loss: number;
  vocab_size: number;
  device: string;
  tokens_per_s: number;
}

function train(args: string[]): { lines: Record<string, unknown>[]; summary: Summary } {
  const r = runPython(['-m', 'sluice_loader.train_tiny', '--dataset', dataset, '--device', 'cpu', ...args], { timeoutMs: 300_000 });
  if (r.status !== 0) throw new Error(`train_tiny failed:\n${r.stderr}`);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { lines, summary: lines.at(-1) as unknown as Summary };
}

describe('reference training script', () => {
  it('the sample corpora make a dataset with every source', async () => {
    const ds = await TokenDataset.open(dataset);
    expect(ds.sources().names).toEqual(expect.arrayContaining(['web', 'books', 'reddit', 'wikipedia', 'code']));
    expect(ds.tokenizer.vocab_size).toBe(VOCAB);
    expect(ds.tokens).toBeGreaterThan(10_000);
  });

  it('trains 200 steps on the CPU and the loss falls', () => {
    const { summary } = train(['--steps', '200']);
    // the README's loss figures are this line
    console.log(
      `train_tiny, 200 CPU steps of 8 x 64, vocab ${summary.vocab_size}: loss ${summary.first_loss.toFixed(2)} -> ${summary.last_loss.toFixed(2)}, ${Math.round(summary.tokens_per_s)} tokens/s`,
    );
    expect(summary.steps).toBe(200);
    expect(summary.vocab_size).toBe(VOCAB);
    expect(summary.device).toBe('cpu');
    // the first steps score near ln(vocab), as an untrained model should; after 200 steps the
    // last ten average at least half a nat lower
    expect(summary.first_loss).toBeGreaterThan(0.8 * Math.log(summary.vocab_size));
    expect(summary.last_loss).toBeLessThan(summary.first_loss - 0.5);
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

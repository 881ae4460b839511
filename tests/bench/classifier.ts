/**
 * `make bench --only classifier`: sluice's fastText-compatible classifier beside the fastText
 * binary (Debian's C++ fastText 0.9.2), in one run on the same data:
 *  - training time, sluice in a child process against `fasttext supervised -thread 1` (both
 *    include building the dictionary), and the held-out F1 of both models;
 * Times are CPU seconds (user + system) of the process doing the work, so a busy shared machine
 * does not tilt the comparison; the binary's include its start and model load.
 *  - inference MB/s on one core: sluice's predict loop against `fasttext predict-prob` over the
 *    same lines (the binary's time includes its start and model load; the text is large enough
 *    that this does not matter), for a words-only, a subword + bigram and a quantized model;
 *  - peak RSS of one worker holding a ~100 MB model, against the binary's (GNU time).
 * The labelled text is generated (tests/classify/corpus.ts), seeded, several scripts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate } from '../../src/classify/metrics.js';
import { loadModel, saveModel } from '../../src/classify/model-file.js';
import { Classifier } from '../../src/classify/predict.js';
import { trainOptions, trainSupervised, type TrainOptions } from '../../src/classify/train.js';
import { labelledLines, trainingText, type Example } from '../classify/corpus.js';
import { isolated } from './isolate.js';
import type { BenchRow } from './types.js';

const FASTTEXT = '/usr/bin/fasttext';
const LABELS = ['hq', 'cc', 'spam', 'code'];

export interface ClassifierBenchOptions {
  /** Training lines. */
  trainLines: number;
  /** MB of text to predict. */
  predictMb: number;
  /** Buckets of the subword model. */
  bucket: number;
}

interface TrainChildArgs {
  seed: number;
  count: number;
  test: number;
  out: string;
  opts: Partial<TrainOptions>;
}

function corpus(seed: number, count: number): Example[] {
  return labelledLines({ seed, labels: LABELS, count, words: 40 });
}

/** Runs in a child process: generates the lines (not timed), trains, saves, scores the held-out split. */
export async function trainChild(a: TrainChildArgs): Promise<{ seconds: number; macroF1: number; microF1: number }> {
  const lines = corpus(a.seed, a.count).map((e) => ({ labels: [e.label], text: e.text }));
  const t0 = cpuSeconds();
  const m = trainSupervised(lines, trainOptions(a.opts));
  saveModel(a.out, m);
  const seconds = cpuSeconds() - t0;
  const test = labelledLines({ seed: a.seed, labels: LABELS, count: a.test, words: 40 }, 2).map((e) => ({ labels: [e.label], text: e.text }));
  const r = evaluate(new Classifier(loadModel(a.out)), test);
  return { seconds, macroF1: r.macroF1, microF1: r.micro.f1 };
}

/** Runs in a child process: loads the model, predicts every line; returns the predict loop's seconds. */
export async function predictChild(a: { model: string; file: string }): Promise<{ seconds: number; loadSeconds: number; bytes: number }> {
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(a.file, 'utf8');
  const lines = text.split('\n');
  lines.pop();
  const t0 = cpuSeconds();
  const c = new Classifier(loadModel(a.model));
  const t1 = cpuSeconds();
  let sink = 0;
  for (const line of lines) sink += c.predict(line, 1)[0]?.prob ?? 0;
  const t2 = cpuSeconds();
  if (sink < 0) throw new Error('unreachable');
  return { seconds: t2 - t1, loadSeconds: t1 - t0, bytes: Buffer.byteLength(text) };
}

/** CPU seconds (user + system) of this process: on a shared machine, wall time measures the neighbours too. */
function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The binary under GNU time: its CPU seconds (user + system, start and load included) and peak RSS. */
function timed(args: string[]): { seconds: number; maxRssMb: number } {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', FASTTEXT, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`fasttext ${args[0]} failed: ${r.stderr}`);
  const last = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds: last[0]! + last[1]!, maxRssMb: last[2]! / 1024 };
}

function ftArgs(o: Partial<TrainOptions>): string[] {
  return Object.entries(o).flatMap(([k, v]) => [`-${k}`, String(v)]);
}

export async function benchClassifier(opts: ClassifierBenchOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-classifier-'));
  const rows: BenchRow[] = [];
  const bench = 'classifier';
  try {
    const seed = 17;
    const testCount = 20_000;
    writeFileSync(join(dir, 'train.txt'), trainingText(corpus(seed, opts.trainLines)));
    const held = labelledLines({ seed, labels: LABELS, count: testCount, words: 40 }, 2);
    writeFileSync(join(dir, 'test.txt'), trainingText(held));
    const trainMb = statSync(join(dir, 'train.txt')).size / 1e6;

    const configs: { name: string; o: Partial<TrainOptions> }[] = [
      { name: 'words, softmax, dim 100', o: { dim: 100, loss: 'softmax' } },
      { name: `subwords 3-6 + bigrams, bucket ${opts.bucket / 1e6}M, dim 50`, o: { dim: 50, minn: 3, maxn: 6, wordNgrams: 2, bucket: opts.bucket } },
    ];
    const models: { name: string; file: string }[] = [];
    for (const { name, o } of configs) {
      const ours = join(dir, `ours-${models.length}.bin`);
      const { value: r, peakRssMb } = await isolated<{ seconds: number; macroF1: number; microF1: number }>('./classifier.js', 'trainChild', {
        seed,
        count: opts.trainLines,
        test: testCount,
        out: ours,
        opts: o,
      });
      const theirs = join(dir, `theirs-${models.length}`);
      const bin = timed(['supervised', '-input', join(dir, 'train.txt'), '-output', theirs, '-thread', '1', '-verbose', '0', ...ftArgs(o)]);
      const f1Theirs = evaluate(
        new Classifier(loadModel(`${theirs}.bin`)),
        held.map((e) => ({ labels: [e.label], text: e.text })),
      );
      const variant = `train ${trainMb.toFixed(0)} MB (${opts.trainLines} lines), ${name}`;
      rows.push(
        { bench, variant, metric: 'sluice train CPU time', value: r.seconds, unit: 's', note: `peak RSS ${peakRssMb.toFixed(0)} MiB` },
        { bench, variant, metric: 'fasttext -thread 1 train CPU time', value: bin.seconds, unit: 's', note: `peak RSS ${bin.maxRssMb.toFixed(0)} MiB` },
        { bench, variant, metric: 'time ratio sluice / fasttext', value: r.seconds / bin.seconds, unit: 'x', note: 'goal ≤ 2' },
        { bench, variant, metric: 'sluice macro F1 (held-out)', value: r.macroF1, unit: '', note: `micro F1 ${r.microF1.toFixed(4)}, ${testCount} lines` },
        { bench, variant, metric: 'fasttext macro F1 (held-out)', value: f1Theirs.macroF1, unit: '', note: `micro F1 ${f1Theirs.micro.f1.toFixed(4)}; goal |ΔF1| ≤ 0.01` },
      );
      models.push({ name, file: `${theirs}.bin` });
    }
    // a quantized model of the second
    const q = join(dir, 'theirs-1');
    execFileSync(FASTTEXT, ['quantize', '-input', join(dir, 'train.txt'), '-output', q, '-cutoff', '100000', '-qnorm', '-verbose', '0']);
    models.push({ name: 'the same quantized (.ftz, cutoff 100k, qnorm)', file: `${q}.ftz` });

    // inference: enough text that the binary's start and load are noise
    const lines: string[] = [];
    let bytes = 0;
    for (let s = 1; bytes < opts.predictMb * 1e6; s++) {
      for (const e of labelledLines({ seed, labels: LABELS, count: 20_000, words: 40 }, 100 + s)) {
        lines.push(e.text);
        bytes += Buffer.byteLength(e.text) + 1;
      }
    }
    const file = join(dir, 'predict.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    for (const m of models) {
      const variant = `predict ${(bytes / 1e6).toFixed(0)} MB, ${m.name} (${(statSync(m.file).size / 1e6).toFixed(1)} MB)`;
      const { value: r, peakRssMb } = await isolated<{ seconds: number; loadSeconds: number; bytes: number }>('./classifier.js', 'predictChild', { model: m.file, file });
      const bin = timed(['predict-prob', m.file, file, '1']);
      const ours = r.bytes / 1e6 / r.seconds;
      const theirs = r.bytes / 1e6 / bin.seconds;
      rows.push(
        { bench, variant, metric: 'sluice MB/s (1 core)', value: ours, unit: 'MB/s', note: `CPU time; load ${r.loadSeconds.toFixed(2)} s not counted; peak RSS ${peakRssMb.toFixed(0)} MiB` },
        { bench, variant, metric: 'fasttext predict-prob MB/s', value: theirs, unit: 'MB/s', note: `CPU time of the whole process; peak RSS ${bin.maxRssMb.toFixed(0)} MiB` },
        { bench, variant, metric: 'speed ratio sluice / fasttext', value: ours / theirs, unit: 'x', note: 'goal ≥ 1' },
      );
    }

    // memory: a ~100 MB model (dim 100, 250k buckets) loaded by one worker
    const big = join(dir, 'big');
    execFileSync(FASTTEXT, ['supervised', '-input', join(dir, 'train.txt'), '-output', big, '-thread', '1', '-verbose', '0', '-dim', '100', '-wordNgrams', '2', '-bucket', '250000', '-epoch', '1']);
    const size = statSync(`${big}.bin`).size / 1e6;
    const small = join(dir, 'small.txt');
    writeFileSync(small, lines.slice(0, 2000).join('\n') + '\n');
    const { peakRssMb } = await isolated('./classifier.js', 'predictChild', { model: `${big}.bin`, file: small });
    const bin = timed(['predict-prob', `${big}.bin`, small, '1']);
    const variant = `load a ${size.toFixed(0)} MB model, predict 2000 lines`;
    rows.push(
      { bench, variant, metric: 'sluice worker peak RSS', value: peakRssMb, unit: 'MiB', note: 'Node process: runtime + model (input matrix read straight into the SIMD kernel memory)' },
      { bench, variant, metric: 'fasttext peak RSS', value: bin.maxRssMb, unit: 'MiB' },
    );
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

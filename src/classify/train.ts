/**
 * `fasttext supervised` in TypeScript, single-threaded: the same model (averaged input rows, a
 * softmax / hierarchical-softmax / one-vs-all / negative-sampling head), the same learning-rate
 * schedule (linear decay by tokens processed, updated every lrUpdateRate tokens), the same
 * hyper-parameter names and defaults. Lines are turned into input rows once, not every epoch.
 * The result is written with saveModel and loads in the fastText binary.
 */
import { SluiceError } from '../core/errors.js';
import { mulberry32 } from '../core/random.js';
import { type Dictionary } from './dictionary.js';
import { buildHsTree, type HsTree } from './hs-tree.js';
import { IdBuffer } from '../core/id-buffer.js';
import { DenseMatrix } from './matrix.js';
import { SUPERVISED_DEFAULTS, type LossName, type ModelArgs } from './model-args.js';
import { LABEL_PREFIX } from './model-file.js';
import { tableLog, tableSigmoid } from './sigmoid.js';
import { buildDictionary, type TrainLine } from './train-dictionary.js';

export interface TrainOptions {
  dim: number;
  epoch: number;
  lr: number;
  wordNgrams: number;
  minCount: number;
  minCountLabel: number;
  minn: number;
  maxn: number;
  bucket: number;
  loss: LossName;
  neg: number;
  lrUpdateRate: number;
  t: number;
  ws: number;
  seed: number;
}

export interface TrainedModel {
  args: ModelArgs;
  dict: Dictionary;
  input: DenseMatrix;
  output: DenseMatrix;
  /** Average loss over all updates. */
  loss: number;
}

export function trainOptions(partial: Partial<TrainOptions> = {}): TrainOptions {
  const o = { ...SUPERVISED_DEFAULTS, ...partial };
  return {
    dim: o.dim,
    epoch: o.epoch,
    lr: o.lr,
    wordNgrams: o.wordNgrams,
    minCount: o.minCount,
    minCountLabel: o.minCountLabel,
    minn: o.minn,
    maxn: o.maxn,
    bucket: o.bucket,
    loss: o.loss,
    neg: o.neg,
    lrUpdateRate: o.lrUpdateRate,
    t: o.t,
    ws: o.ws,
    seed: o.seed,
  };
}

function check(cond: boolean, message: string): void {
  if (!cond) throw new SluiceError('SLUICE_USAGE', `classifier train: ${message}`);
}

const NEGATIVE_TABLE_SIZE = 10_000_000;

/** The training state: matrices, head and scratch vectors. */
class Trainer {
  readonly hidden: Float32Array;
  readonly grad: Float32Array;
  readonly out: Float32Array;
  private readonly tree: HsTree | undefined;
  private readonly negatives: Int32Array | undefined;
  private negPos = 0;
  lossSum = 0;
  lossN = 0;

  constructor(
    readonly o: TrainOptions,
    readonly input: DenseMatrix,
    readonly output: DenseMatrix,
    labelCounts: readonly number[],
    readonly rand: () => number,
  ) {
    this.hidden = new Float32Array(o.dim);
    this.grad = new Float32Array(o.dim);
    this.out = new Float32Array(output.rows);
    this.tree = o.loss === 'hs' ? buildHsTree(labelCounts) : undefined;
    if (o.loss === 'ns') {
      // labels in proportion to sqrt(count) as in fastText's negative table (a smaller table: there are few labels), shuffled and read in turn
      const z = labelCounts.reduce((s, c) => s + Math.sqrt(c), 0);
      const table: number[] = [];
      labelCounts.forEach((c, i) => {
        const n = (Math.sqrt(c) * Math.min(NEGATIVE_TABLE_SIZE, labelCounts.length * 1000)) / z;
        for (let j = 0; j < n; j++) table.push(i);
      });
      for (let i = table.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [table[i], table[j]] = [table[j]!, table[i]!];
      }
      this.negatives = Int32Array.from(table);
    }
  }

  private dotOut(row: number): number {
    const d = this.output.data;
    const h = this.hidden;
    const off = row * h.length;
    let s = 0;
    for (let j = 0; j < h.length; j++) s += d[off + j]! * h[j]!;
    return s;
  }

  /** grad += alpha · wo[row]; wo[row] += alpha · hidden. */
  private step(row: number, alpha: number): void {
    const d = this.output.data;
    const h = this.hidden;
    const g = this.grad;
    const off = row * h.length;
    for (let j = 0; j < h.length; j++) {
      g[j]! += alpha * d[off + j]!;
      d[off + j]! += alpha * h[j]!;
    }
  }

  private binaryLogistic(row: number, positive: boolean, lr: number): number {
    const score = tableSigmoid(this.dotOut(row));
    this.step(row, lr * ((positive ? 1 : 0) - score));
    return positive ? -tableLog(score) : -tableLog(1 - score);
  }

  update(features: Int32Array, fs: number, fe: number, labels: Int32Array, ls: number, le: number, lr: number): void {
    const n = fe - fs;
    if (n === 0 || le === ls) return;
    const dim = this.o.dim;
    const h = this.hidden;
    const inp = this.input.data;
    h.fill(0);
    for (let i = fs; i < fe; i++) {
      const off = features[i]! * dim;
      for (let j = 0; j < dim; j++) h[j]! += inp[off + j]!;
    }
    const inv = 1 / n;
    for (let j = 0; j < dim; j++) h[j]! *= inv;
    this.grad.fill(0);
    let loss = 0;
    const loss_ = this.o.loss;
    if (loss_ === 'ova') {
      for (let i = 0; i < this.out.length; i++) {
        let hit = false;
        for (let k = ls; k < le; k++) if (labels[k] === i) hit = true;
        loss += this.binaryLogistic(i, hit, lr);
      }
    } else {
      const target = labels[ls + Math.floor(this.rand() * (le - ls))]!;
      if (loss_ === 'softmax') {
        const out = this.out;
        let max = -Infinity;
        for (let i = 0; i < out.length; i++) {
          out[i] = this.dotOut(i);
          max = Math.max(max, out[i]!);
        }
        let z = 0;
        for (let i = 0; i < out.length; i++) {
          out[i] = Math.exp(out[i]! - max);
          z += out[i]!;
        }
        for (let i = 0; i < out.length; i++) out[i]! /= z;
        for (let i = 0; i < out.length; i++) this.step(i, lr * ((i === target ? 1 : 0) - out[i]!));
        loss = -tableLog(out[target]!);
      } else if (loss_ === 'hs') {
        const path = this.tree!.paths[target]!;
        const code = this.tree!.codes[target]!;
        for (let i = 0; i < path.length; i++) loss += this.binaryLogistic(path[i]!, code[i] === 1, lr);
      } else {
        loss += this.binaryLogistic(target, true, lr);
        const neg = this.negatives!;
        for (let k = 0; k < this.o.neg; k++) {
          let t: number;
          do {
            t = neg[this.negPos]!;
            this.negPos = (this.negPos + 1) % neg.length;
          } while (t === target && this.out.length > 1);
          loss += this.binaryLogistic(t, false, lr);
        }
      }
    }
    this.lossSum += loss;
    this.lossN++;
    const g = this.grad;
    for (let j = 0; j < dim; j++) g[j]! *= inv;
    for (let i = fs; i < fe; i++) {
      const off = features[i]! * dim;
      for (let j = 0; j < dim; j++) inp[off + j]! += g[j]!;
    }
  }
}

/** Trains a supervised model on labelled lines (labels without the `__label__` prefix). */
export function trainSupervised(lines: readonly TrainLine[], options: TrainOptions): TrainedModel {
  const o = options;
  check(Number.isInteger(o.dim) && o.dim > 0, `dim must be a positive integer (got ${o.dim})`);
  check(Number.isInteger(o.epoch) && o.epoch > 0, `epoch must be a positive integer (got ${o.epoch})`);
  check(o.lr > 0, `lr must be positive (got ${o.lr})`);
  check(o.minn >= 0 && o.maxn >= 0 && (o.maxn === 0 || o.minn <= o.maxn), `need 0 ≤ minn ≤ maxn (got minn ${o.minn}, maxn ${o.maxn})`);
  check(lines.length > 0, 'no training examples');
  // as fastText: without n-grams or subwords there are no buckets to allocate
  const bucket = o.wordNgrams <= 1 && o.maxn === 0 ? 0 : o.bucket;
  check(bucket > 0 || (o.wordNgrams <= 1 && o.maxn === 0), 'bucket must be positive with wordNgrams > 1 or maxn > 0');
  const dict = buildDictionary(lines, { minn: o.minn, maxn: o.maxn, bucket, wordNgrams: o.wordNgrams, label: LABEL_PREFIX }, o.minCount, o.minCountLabel);

  // every line's input rows and labels, once
  const feats = new IdBuffer(1 << 16);
  const labs = new IdBuffer(1 << 12);
  const fStart = new Int32Array(lines.length + 1);
  const lStart = new Int32Array(lines.length + 1);
  const lineTokens = new Int32Array(lines.length);
  const lf = new IdBuffer();
  const ll = new IdBuffer();
  const encoder = new TextEncoder();
  let bytes = new Uint8Array(1 << 16);
  lines.forEach((line, i) => {
    const text = line.labels.map((l) => LABEL_PREFIX + l + ' ').join('') + line.text;
    if (bytes.length < text.length * 3) bytes = new Uint8Array(text.length * 3 + 64);
    const len = encoder.encodeInto(text, bytes).written;
    lineTokens[i] = dict.lineFeatures(bytes, len, lf, ll);
    for (let k = 0; k < lf.length; k++) feats.push(lf.data[k]!);
    for (let k = 0; k < ll.length; k++) labs.push(ll.data[k]!);
    fStart[i + 1] = feats.length;
    lStart[i + 1] = labs.length;
  });

  const rand = mulberry32(o.seed);
  const input = DenseMatrix.zeros(dict.nwords + bucket, o.dim);
  const a = 1 / o.dim;
  const w = input.data;
  for (let i = 0; i < w.length; i++) w[i] = (rand() * 2 - 1) * a;
  const output = DenseMatrix.zeros(dict.nlabels, o.dim);
  const trainer = new Trainer(o, input, output, dict.labelCounts, rand);

  const total = o.epoch * dict.ntokens;
  let tokenCount = 0;
  let local = 0;
  let line = 0;
  const f = feats.data;
  const l = labs.data;
  while (tokenCount < total) {
    const progress = tokenCount / total;
    const lr = o.lr * (1 - progress);
    local += lineTokens[line]!;
    trainer.update(f, fStart[line]!, fStart[line + 1]!, l, lStart[line]!, lStart[line + 1]!, lr);
    if (local > o.lrUpdateRate) {
      tokenCount += local;
      local = 0;
    }
    line = line + 1 === lines.length ? 0 : line + 1;
  }
  const args: ModelArgs = {
    dim: o.dim,
    ws: o.ws,
    epoch: o.epoch,
    minCount: o.minCount,
    neg: o.neg,
    wordNgrams: o.wordNgrams,
    loss: o.loss,
    model: 3,
    bucket,
    minn: o.minn,
    maxn: o.maxn,
    lrUpdateRate: o.lrUpdateRate,
    t: o.t,
  };
  return { args, dict, input, output, loss: trainer.lossN > 0 ? trainer.lossSum / trainer.lossN : 0 };
}

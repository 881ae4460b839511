/**
 * Models sluice trains: the fastText binary loads them and prints the same probabilities sluice
 * computes, and their held-out F1 is within 0.01 of a model the binary trains on the same lines
 * with the same hyper-parameters.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/classify/metrics.js';
import { loadModel, saveModel } from '../../src/classify/model-file.js';
import { Classifier } from '../../src/classify/predict.js';
import { trainOptions, trainSupervised, type TrainOptions } from '../../src/classify/train.js';
import { heldOutLines, labelledLines, trainingText, type Example } from './corpus.js';
import { fasttext, predictBinary, requireFastText, trainBinary } from './fasttext-bin.js';

const CORPUS = { seed: 5, labels: ['hq', 'cc', 'spam'], count: 8000 };
let dir: string;
let train: Example[];
let test: Example[];
let lines: string[];

beforeAll(() => {
  requireFastText();
  dir = mkdtempSync(join(tmpdir(), 'sluice-ft-train-'));
  train = labelledLines(CORPUS);
  test = labelledLines(CORPUS, 2).slice(0, 3000);
  writeFileSync(join(dir, 'train.txt'), trainingText(train));
  lines = heldOutLines({ ...CORPUS, count: 1500 });
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const asLines = (examples: readonly Example[]) => examples.map((e) => ({ labels: [e.label], text: e.text }));

const CONFIGS: { name: string; opts: Partial<TrainOptions> }[] = [
  { name: 'softmax', opts: { loss: 'softmax', dim: 20 } },
  { name: 'hs', opts: { loss: 'hs', dim: 20 } },
  { name: 'ova', opts: { loss: 'ova', dim: 20 } },
  { name: 'ns', opts: { loss: 'ns', dim: 20 } },
  { name: 'softmax with subwords and bigrams', opts: { loss: 'softmax', dim: 16, minn: 2, maxn: 4, wordNgrams: 2, bucket: 50000 } },
];

describe('sluice classifier training', () => {
  it.each(CONFIGS)(
    '$name: the binary loads the model and agrees; F1 within 0.01 of the binary trained alike',
    ({ name, opts }) => {
      const o = trainOptions(opts);
      const file = join(dir, `${name.replace(/\W+/g, '-')}.bin`);
      saveModel(file, trainSupervised(asLines(train), o));
      const ours = new Classifier(loadModel(file));
      const want = predictBinary(file, lines, -1);
      const bad = lines.filter((line, i) => {
        const got = ours.predict(line, -1);
        const ref = want[i]!;
        return got.length !== ref.length || got.some((p, j) => p.label !== ref[j]!.label || Math.abs(p.prob - ref[j]!.prob) > 1e-4);
      });
      expect(bad.slice(0, 3)).toEqual([]);

      const bin = join(dir, `${name.replace(/\W+/g, '-')}-bin`);
      trainBinary(join(dir, 'train.txt'), bin, { loss: o.loss, dim: o.dim, epoch: o.epoch, lr: o.lr, minn: o.minn, maxn: o.maxn, wordNgrams: o.wordNgrams, bucket: o.bucket });
      const theirs = new Classifier(loadModel(`${bin}.bin`));
      const f1Ours = evaluate(ours, asLines(test)).macroF1;
      const f1Theirs = evaluate(theirs, asLines(test)).macroF1;
      expect(f1Ours).toBeGreaterThan(0.8); // it learned something
      expect(Math.abs(f1Ours - f1Theirs)).toBeLessThanOrEqual(0.01);
    },
    180_000,
  );

  it('the binary evaluates a sluice model as sluice does (fasttext test P@1 = micro precision)', () => {
    const file = join(dir, 'eval.bin');
    saveModel(file, trainSupervised(asLines(train), trainOptions({ dim: 10 })));
    writeFileSync(join(dir, 'test.txt'), trainingText(test));
    const out = fasttext(['test', file, join(dir, 'test.txt')]);
    const p1 = Number(/P@1\s+([0-9.]+)/.exec(out)![1]);
    const ours = evaluate(new Classifier(loadModel(file)), asLines(test));
    expect(ours.micro.precision).toBeCloseTo(p1, 3);
  }, 60_000);

  it('is deterministic: the same seed writes the same bytes, another seed other bytes', () => {
    const small = asLines(train.slice(0, 1500));
    const a = join(dir, 'a.bin');
    const b = join(dir, 'b.bin');
    const c = join(dir, 'c.bin');
    saveModel(a, trainSupervised(small, trainOptions({ dim: 8, seed: 1 })));
    saveModel(b, trainSupervised(small, trainOptions({ dim: 8, seed: 1 })));
    saveModel(c, trainSupervised(small, trainOptions({ dim: 8, seed: 2 })));
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    expect(readFileSync(a).equals(readFileSync(c))).toBe(false);
  });

  it('learns lines with several labels (ova), and the binary reads those labels back', () => {
    const multi = train.slice(0, 3000).map((e, i) => ({ labels: i % 3 === 0 ? [e.label, 'extra'] : [e.label], text: e.text }));
    const file = join(dir, 'multi.bin');
    const m = trainSupervised(multi, trainOptions({ loss: 'ova', dim: 10 }));
    saveModel(file, m);
    expect(m.dict.labels).toContain('__label__extra');
    const dump = fasttext(['dump', file, 'dict']);
    expect(dump).toContain('__label__extra 1000 label');
  });

  it('refuses options fastText would refuse', () => {
    expect(() => trainSupervised(asLines(train.slice(0, 10)), trainOptions({ minn: 4, maxn: 2 }))).toThrow(/minn ≤ maxn/);
    expect(() => trainSupervised([], trainOptions())).toThrow(/no training examples/);
    expect(() => trainSupervised([{ labels: [], text: 'no label' }], trainOptions())).toThrow(/no labels/);
  });
});

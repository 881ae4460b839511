/**
 * Fidelity against the fastText binary: models trained by `fasttext supervised` (each head, with
 * and without subwords and word n-grams) and one `fasttext quantize`d .ftz are loaded by sluice,
 * and every held-out line's labels and probabilities must equal predict-prob's: same labels in
 * the same order (ties included), probabilities within 1e-4. The lines cover Latin, Cyrillic,
 * Arabic, CJK and emoji text, empty and whitespace-only lines, tabs and other separators,
 * label-like tokens and lines of tens of thousands of words.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/classify/model-file.js';
import { Classifier } from '../../src/classify/predict.js';
import { heldOutLines, labelledLines, trainingText } from './corpus.js';
import { fasttext, predictBinary, requireFastText, trainBinary } from './fasttext-bin.js';

const LABELS = ['news', 'sport', 'food', 'tech', 'music'];
const CORPUS = { seed: 11, labels: LABELS, count: 6000 };
let dir: string;
let lines: string[];

beforeAll(() => {
  requireFastText();
  dir = mkdtempSync(join(tmpdir(), 'sluice-ft-parity-'));
  writeFileSync(join(dir, 'train.txt'), trainingText(labelledLines(CORPUS)));
  lines = heldOutLines({ ...CORPUS, count: 2500 });
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** Every line's predictions from sluice and from the binary agree; returns how many lines had predictions. */
function expectParity(model: string, k: number): number {
  const want = predictBinary(model, lines, k);
  const c = new Classifier(loadModel(model));
  let nonEmpty = 0;
  const mismatches: string[] = [];
  lines.forEach((line, i) => {
    const got = c.predict(line, k);
    const ref = want[i]!;
    if (got.length > 0) nonEmpty++;
    const same = got.length === ref.length && got.every((p, j) => p.label === ref[j]!.label && Math.abs(p.prob - ref[j]!.prob) <= 1e-4);
    if (!same && mismatches.length < 5) mismatches.push(`line ${i} ${JSON.stringify(line.slice(0, 60))}: sluice ${JSON.stringify(got)} fastText ${JSON.stringify(ref)}`);
  });
  expect(mismatches).toEqual([]);
  return nonEmpty;
}

const CONFIGS: { name: string; args: Record<string, string | number> }[] = [
  { name: 'softmax, words only', args: { loss: 'softmax', dim: 20, epoch: 5 } },
  { name: 'hs, words only', args: { loss: 'hs', dim: 20, epoch: 5 } },
  { name: 'ova, words only', args: { loss: 'ova', dim: 20, epoch: 5 } },
  { name: 'softmax with subwords (minn 2, maxn 5)', args: { loss: 'softmax', dim: 16, minn: 2, maxn: 5, bucket: 60000 } },
  { name: 'hs with word bigrams', args: { loss: 'hs', dim: 16, wordNgrams: 2, bucket: 60000 } },
  { name: 'ova with subwords and word trigrams', args: { loss: 'ova', dim: 16, minn: 3, maxn: 4, wordNgrams: 3, bucket: 40000 } },
  { name: 'ns with subwords', args: { loss: 'ns', dim: 12, minn: 1, maxn: 3, bucket: 30000, neg: 3 } },
];

describe('sluice predicts what `fasttext predict-prob` prints', () => {
  it.each(CONFIGS)(
    '$name',
    ({ name, args }) => {
      const out = join(dir, name.replace(/\W+/g, '-'));
      trainBinary(join(dir, 'train.txt'), out, args);
      // all labels (ranking and ties of the whole list) and the top 2
      expect(expectParity(`${out}.bin`, -1)).toBeGreaterThan(lines.length * 0.95);
      expectParity(`${out}.bin`, 2);
    },
    120_000,
  );

  it('a `fasttext quantize`d .ftz (pruned to 5000 rows, quantized norms)', () => {
    const out = join(dir, 'quant');
    trainBinary(join(dir, 'train.txt'), out, { loss: 'softmax', dim: 16, minn: 2, maxn: 4, wordNgrams: 2, bucket: 50000 });
    fasttext(['quantize', '-input', join(dir, 'train.txt'), '-output', out, '-cutoff', '5000', '-qnorm', '-dsub', '2', '-verbose', '0']);
    const model = loadModel(`${out}.ftz`);
    expect(model.quantized).toBe(true);
    expect(model.dict.pruneidx?.size).toBeGreaterThan(0);
    expect(expectParity(`${out}.ftz`, -1)).toBeGreaterThan(lines.length * 0.95);
  }, 120_000);

  it('a quantized .ftz without -cutoff, with an odd sub-vector size (dsub 3 over dim 16)', () => {
    const out = join(dir, 'quant-odd');
    trainBinary(join(dir, 'train.txt'), out, { loss: 'hs', dim: 16, minn: 3, maxn: 3, bucket: 20000 });
    fasttext(['quantize', '-input', join(dir, 'train.txt'), '-output', out, '-dsub', '3', '-verbose', '0']);
    const model = loadModel(`${out}.ftz`);
    expect(model.dict.pruneidx).toBeUndefined();
    expectParity(`${out}.ftz`, -1);
  }, 120_000);
});

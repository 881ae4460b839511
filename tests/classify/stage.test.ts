/**
 * The `classifier` stage (threshold, GPT-3 Pareto rule, score_field, min_chars, max_chars,
 * validation) and the `language` stage with a fastText model as its backend.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, rocAuc } from '../../src/classify/metrics.js';
import { loadModel, saveModel } from '../../src/classify/model-file.js';
import { Classifier } from '../../src/classify/predict.js';
import { classifierParams, classifierStage, docUniform, paretoDraw } from '../../src/classify/stage.js';
import { trainOptions, trainSupervised } from '../../src/classify/train.js';
import { mulberry32 } from '../../src/core/random.js';
import { languageFilter } from '../../src/filters/language.js';
import { buildStage, doc, runStage, testBuildEnv } from '../helpers/harness.js';
import { labelledLines } from './corpus.js';

let dir: string;
let env: ReturnType<typeof testBuildEnv>;
const HQ = 'the committee published a detailed report on the history of the river and its bridges';
const CC = 'click here buy now cheap deals free shipping best price login register cart';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ft-stage-'));
  env = { ...testBuildEnv(), configDir: dir };
  const rand = mulberry32(7);
  const pick = (words: string[], n: number) => Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(' ');
  const lines = [];
  for (let i = 0; i < 600; i++) {
    lines.push({ labels: ['hq'], text: pick(HQ.split(' '), 12) });
    lines.push({ labels: ['cc'], text: pick(CC.split(' '), 12) });
  }
  saveModel(join(dir, 'quality.bin'), trainSupervised(lines, trainOptions({ dim: 10, epoch: 10 })));
  // a toy language model: labels en / ru / ar / zh
  const langs: { labels: string[]; text: string }[] = [];
  const corpus = labelledLines({ seed: 4, labels: ['en', 'ru', 'ar', 'zh'], count: 2000 });
  for (const e of corpus) langs.push({ labels: [e.label], text: e.text });
  saveModel(join(dir, 'lid.bin'), trainSupervised(langs, trainOptions({ dim: 10, minn: 1, maxn: 3, bucket: 20000, epoch: 25, lr: 0.5 })));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

async function run(params: unknown, docs: ReturnType<typeof doc>[]) {
  const built = await buildStage(classifierStage, params, env);
  if (built.kind !== 'stream') throw new Error('stream expected');
  return runStage(built.run, docs);
}

describe('classifier stage', () => {
  it('keeps documents whose score reaches the threshold and records the score', async () => {
    const docs = [doc(HQ, 'a'), doc(CC, 'b'), doc(`${HQ}\n${HQ}`, 'c')];
    const { kept, rejected } = await run({ model: 'quality.bin', label: 'hq', threshold: 0.5, score_field: 'quality' }, docs);
    expect(kept.map((d) => d.id)).toEqual(['a', 'c']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBe('below_threshold');
    expect(rejected[0]!.detail).toMatchObject({ threshold: 0.5 });
    const score = kept[0]!.meta['quality'] as number;
    expect(score).toBeGreaterThan(0.9);
    // the score is the model's probability of the label, as predict gives it
    const c = new Classifier(loadModel(join(dir, 'quality.bin')));
    expect(score).toBeCloseTo(c.probability(HQ, c.labelIndex('hq')), 5);
    expect(rejected[0]!.detail!['score'] as number).toBeLessThan(0.1);
  });

  it('accepts the label with its __label__ prefix, and refuses a label the model lacks', async () => {
    const { kept } = await run({ model: 'quality.bin', label: '__label__hq', threshold: 0.5 }, [doc(HQ)]);
    expect(kept).toHaveLength(1);
    await expect(run({ model: 'quality.bin', label: 'good', threshold: 0.5 }, [])).rejects.toThrow(/has no label "good".*|its labels are/);
  });

  it('GPT-3 Pareto rule: high scores are kept, low ones mostly dropped, and reruns give the same verdicts', async () => {
    const docs = Array.from({ length: 400 }, (_, i) => doc(i % 2 === 0 ? HQ : CC, `d${i}`));
    const a = await run(
      { model: 'quality.bin', label: 'hq', pareto: 9, seed: 1 },
      docs.map((d) => ({ ...d, meta: {} })),
    );
    const b = await run(
      { model: 'quality.bin', label: 'hq', pareto: 9, seed: 1 },
      docs.map((d) => ({ ...d, meta: {} })),
    );
    expect(a.kept.map((d) => d.id)).toEqual(b.kept.map((d) => d.id));
    const keptHq = a.kept.filter((d) => d.text === HQ).length;
    const keptCc = a.kept.filter((d) => d.text === CC).length;
    // P(keep) = (2 - s)^-9 is above 0.9 for s > 0.99
    expect(keptHq).toBeGreaterThan(190);
    // P(Pareto(9) > 1 - s) for s near 0 is (2 - s)^-9 ≈ 0.2%: a few of 200 at most
    expect(keptCc).toBeLessThan(10);
    expect(a.rejected.every((r) => r.reason === 'pareto_dropped')).toBe(true);
    const c = await run(
      { model: 'quality.bin', label: 'hq', pareto: 1, seed: 2 },
      docs.map((d) => ({ ...d, meta: {} })),
    );
    // α = 1 lets about half the low scores through: (2 - s)^-1
    expect(c.kept.filter((d) => d.text === CC).length).toBeGreaterThan(60);
  });

  it('Pareto draws follow numpy’s Lomax distribution: P(X > x) = (1 + x)^-α', () => {
    const n = 20000;
    let over = 0;
    for (let i = 0; i < n; i++) if (paretoDraw(3, docUniform(9, `doc-${i}`)) > 0.5) over++;
    expect(over / n).toBeCloseTo(Math.pow(1.5, -3), 1);
  });

  it('min_chars rejects short documents unscored; max_chars scores only the start', async () => {
    const { rejected } = await run({ model: 'quality.bin', label: 'hq', threshold: 0.5, min_chars: 50 }, [doc('short')]);
    expect(rejected[0]!.reason).toBe('too_short');
    const long = `${HQ} ${Array(200).fill(CC).join(' ')}`;
    const whole = await run({ model: 'quality.bin', label: 'hq', threshold: 0.5 }, [doc(long)]);
    const start = await run({ model: 'quality.bin', label: 'hq', threshold: 0.5, max_chars: HQ.length }, [doc(long)]);
    expect(whole.kept).toHaveLength(0);
    expect(start.kept).toHaveLength(1);
  });

  it('label_only records the score and drops nothing', async () => {
    const { kept } = await run({ model: 'quality.bin', label: 'hq', label_only: true, score_field: 'q' }, [doc(CC)]);
    expect(kept).toHaveLength(1);
    expect(kept[0]!.meta['q']).toBeLessThan(0.1);
  });

  it('validates its options', () => {
    expect(classifierParams.safeParse({ model: 'm.bin', label: 'hq' }).success).toBe(false);
    expect(classifierParams.safeParse({ model: 'm.bin', label: 'hq', threshold: 0.5, pareto: 9 }).success).toBe(false);
    expect(classifierParams.safeParse({ model: 'm.bin', label: 'hq', label_only: true }).success).toBe(false);
    expect(classifierParams.safeParse({ model: 'm.bin', label: 'hq', threshold: 1.5 }).success).toBe(false);
    expect(classifierParams.safeParse({ model: 'm.bin', label: 'hq', pareto: 9, typo: 1 }).success).toBe(false);
  });

  it('names a missing model file', async () => {
    await expect(run({ model: 'missing.bin', label: 'hq', threshold: 0.5 }, [])).rejects.toThrow(/missing\.bin does not exist/);
  });
});

describe('language stage with a fastText model', () => {
  it('sets meta.language and meta.language_score from the model and keeps the listed languages', async () => {
    const built = await buildStage(languageFilter, { model: 'lid.bin', keep: ['ru', 'zh'], min_score: 0.5 }, env);
    if (built.kind !== 'stream') throw new Error('stream expected');
    const samples = labelledLines({ seed: 4, labels: ['en', 'ru', 'ar', 'zh'], count: 200 }, 3);
    const docs = samples.map((s, i) => doc(s.text, `l${i}`));
    const { kept, rejected } = await runStage(built.run, docs);
    const all = [...kept, ...rejected.map((r) => r.doc)];
    const right = all.filter((d) => d.meta['language'] === samples[Number(d.id.slice(1))]!.label).length;
    expect(right / all.length).toBeGreaterThan(0.8);
    for (const d of all) expect(typeof d.meta['language_score']).toBe('number');
    expect(kept.every((d) => ['ru', 'zh'].includes(d.meta['language'] as string))).toBe(true);
    expect(rejected.some((r) => r.reason === 'language_not_kept')).toBe(true);
  });

  it('refuses keep codes the model cannot produce', async () => {
    await expect(buildStage(languageFilter, { model: 'lid.bin', keep: ['de'] }, env)).rejects.toThrow(/lid\.bin cannot detect de/);
  });
});

describe('metrics', () => {
  it('ROC AUC by ranks, ties counted half', () => {
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [false, false, true, true])).toBeCloseTo(0.75);
    expect(rocAuc([0.5, 0.5], [true, false])).toBeCloseTo(0.5);
    expect(rocAuc([1, 2, 3], [true, true, true])).toBeNaN();
  });

  it('per-label precision, recall and F1 of the top prediction, and AUC for two labels', () => {
    const c = new Classifier(loadModel(join(dir, 'quality.bin')));
    const r = evaluate(c, [
      { labels: ['hq'], text: HQ },
      { labels: ['cc'], text: CC },
      { labels: ['cc'], text: HQ }, // a wrong gold label: one false positive for hq
    ]);
    const hq = r.labels.find((l) => l.label === 'hq')!;
    expect(hq).toMatchObject({ support: 1, predicted: 2, precision: 0.5, recall: 1 });
    expect(hq.f1).toBeCloseTo(2 / 3);
    expect(r.micro.precision).toBeCloseTo(2 / 3);
    // the first label (by count, then first seen) is the positive one: hq scores tie on the two HQ lines
    expect(r.auc?.positive).toBe('hq');
    expect(r.auc!.value).toBeCloseTo(0.75);
  });
});

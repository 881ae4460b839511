/**
 * `sluice classifier train|predict` through the built CLI, and the GPT-3 recipe end to end:
 * the wikipedia, books and web pipelines run on sample-corpora, a model is trained on their
 * outputs with the Makefile's command, and pipelines/gpt3-quality.yaml filters web pages with it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/classify/model-file.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { readDataset } from '../helpers/parquet.js';
import { labelledLines } from './corpus.js';
import { predictBinary, requireFastText } from './fasttext-bin.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ft-cli-'));
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function jsonl(file: string, label: string, stream: number): void {
  const lines = labelledLines({ seed: 21, labels: ['good', 'bad'], count: 1200 }, stream).filter((e) => e.label === label);
  writeFileSync(file, lines.map((e, i) => JSON.stringify({ id: `${label}-${i}`, text: e.text.replace(/ /g, i % 7 === 0 ? '\n' : ' ') })).join('\n') + '\n');
}

describe('sluice classifier', () => {
  it('train: JSONL per label, a held-out report with per-label F1 and ROC AUC, a .bin the fastText binary agrees with', () => {
    requireFastText();
    jsonl(join(dir, 'good.jsonl'), 'good', 1);
    jsonl(join(dir, 'bad.jsonl'), 'bad', 2);
    const model = join(dir, 'models', 'q.bin');
    const r = sluice([
      'classifier',
      'train',
      '--label',
      `good=${join(dir, 'good.jsonl')}`,
      '--label',
      `bad=${join(dir, 'bad.jsonl')}`,
      '--out',
      model,
      '--dim',
      '16',
      '--epoch',
      '10',
      '--wordNgrams',
      '2',
      '--bucket',
      '50000',
      '--valid',
      '0.2',
      '--json',
    ]);
    expect(r.stderr).toMatch(/training and \d+ held-out documents/);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { held_out: number; report: { labels: { label: string; f1: number; support: number }[]; auc: { positive: string; value: number } } };
    expect(out.held_out).toBeGreaterThan(150);
    expect(out.report.labels.map((l) => l.label).sort()).toEqual(['bad', 'good']);
    for (const l of out.report.labels) expect(l.f1).toBeGreaterThan(0.8);
    expect(out.report.auc.positive).toBe('good');
    expect(out.report.auc.value).toBeGreaterThan(0.9);
    const m = loadModel(model);
    expect(m.args).toMatchObject({ dim: 16, epoch: 10, wordNgrams: 2, bucket: 50000, loss: 'softmax' });

    // predict: one JSON line per document; the binary gives the same top label and probability
    const p = sluice(['classifier', 'predict', '--model', model, join(dir, 'good.jsonl')]);
    expect(p.status).toBe(0);
    const preds = p.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; labels: string[]; probs: number[] });
    const texts = readFileSync(join(dir, 'good.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { text: string }).text.replace(/\n/g, ' '));
    expect(preds).toHaveLength(texts.length);
    const ref = predictBinary(model, texts, 1);
    preds.forEach((q, i) => {
      expect(`__label__${q.labels[0]}`).toBe(ref[i]![0]!.label);
      expect(Math.abs(q.probs[0]! - ref[i]![0]!.prob)).toBeLessThanOrEqual(1e-4);
    });
    const one = sluice(['classifier', 'predict', '--model', model, '--text', texts[0]!, '-k', '2']);
    expect(one.stdout.trim()).toMatch(/^__label__\w+ [0-9.e-]+ __label__\w+ [0-9.e-]+$/);
  }, 180_000);

  it('usage errors name what is wrong', () => {
    expect(sluice(['classifier', 'train', '--out', join(dir, 'x.bin')]).stderr).toMatch(/needs --label/);
    expect(sluice(['classifier', 'train', '--label', 'a', '--out', join(dir, 'x.bin')]).stderr).toMatch(/expected NAME=PATH/);
    expect(sluice(['classifier', 'train', '--label', `a=${join(dir, 'nope.jsonl')}`, '--out', join(dir, 'x.bin')]).stderr).toMatch(/nope\.jsonl does not exist/);
    expect(sluice(['classifier', 'train', '--label', `a=${join(dir, 'good.jsonl')}`, '--out', join(dir, 'x.bin'), '--loss', 'mse']).stderr).toMatch(/--loss must be/);
    expect(sluice(['classifier', 'train', '--label', `a=${join(dir, 'good.jsonl')}`, '--out', join(dir, 'x.bin'), '--thread', '4']).stderr).toMatch(/one thread/);
    writeFileSync(join(dir, 'broken.bin'), 'not a model');
    const bad = sluice(['classifier', 'predict', '--model', join(dir, 'broken.bin'), '--text', 'x']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/broken\.bin is not a fastText model/);
    expect(sluice(['classifier', 'nope']).stderr).toMatch(/unknown subcommand "nope"/);
  });

  it('the GPT-3 recipe: wikipedia + books outputs against web, then pipelines/gpt3-quality.yaml filters web with Pareto sampling', async () => {
    const out = (name: string) => join(dir, 'out', name);
    for (const p of ['wikipedia', 'books', 'web']) {
      const r = sluice(['run', `pipelines/${p}.yaml`, '--out', out(p), '--fresh']);
      expect(r.status, r.stderr).toBe(0);
    }
    // the model where pipelines/gpt3-quality.yaml expects it, relative to a copy of the pipeline
    mkdirSync(join(dir, 'pipelines'), { recursive: true });
    copyFileSync(join(ROOT, 'pipelines/gpt3-quality.yaml'), join(dir, 'pipelines/gpt3-quality.yaml'));
    const makefile = readFileSync(join(ROOT, 'Makefile'), 'utf8');
    const flags = /--out out\/classifiers\/gpt3-quality\.bin (.*)/.exec(makefile)![1]!.trim().split(/\s+/);
    const t = sluice(['classifier', 'train', '--label', `hq=${out('wikipedia')},${out('books')}`, '--label', `cc=${out('web')}`, '--out', join(dir, 'out/classifiers/gpt3-quality.bin'), ...flags]);
    expect(t.status, t.stderr).toBe(0);
    const r = sluice(['run', join(dir, 'pipelines/gpt3-quality.yaml'), '--out', out('gpt3-quality'), '--fresh']);
    expect(r.status, r.stderr).toBe(0);
    const stats = JSON.parse(readFileSync(join(out('gpt3-quality'), 'stats.json'), 'utf8')) as { stages: Record<string, { in: number; out: number; rejected: Record<string, number> }> };
    const cls = stats.stages['classifier']!;
    expect(cls.rejected['pareto_dropped']).toBeGreaterThan(0);
    expect(cls.out).toBeGreaterThan(0);
    const rows = await readDataset(out('gpt3-quality'), ['id', 'meta']);
    expect(rows).toHaveLength(cls.out);
    for (const row of rows) expect(JSON.parse(row['meta'] as string)['quality_score']).toEqual(expect.any(Number));
    // a rerun keeps exactly the same pages (seeded draws)
    const again = sluice(['run', join(dir, 'pipelines/gpt3-quality.yaml'), '--out', out('gpt3-again'), '--fresh']);
    expect(again.status).toBe(0);
    expect((await readDataset(out('gpt3-again'), ['id'])).map((x) => x['id'])).toEqual(rows.map((x) => x['id']));
  }, 600_000);
});

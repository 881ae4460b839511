import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractHtml } from '../../src/extract/html.js';
import { DATASETS, loadDataset } from './benchmark/datasets.js';
import { scoreDataset, scorePage, scoreTexts } from './benchmark/score.js';

interface Expected {
  f1: number;
  lost: number;
  readability_lxml_f1: number;
}

const expected = JSON.parse(readFileSync(new URL('./benchmark/expected.json', import.meta.url), 'utf8')) as Record<string, Expected>;

describe('main-text extraction on the bundled benchmark pages', () => {
  for (const dataset of DATASETS) {
    it(`${dataset}: F1 within 0.01 of the recorded figure, above readability-lxml's, no more pages lost`, () => {
      const pages = loadDataset(dataset);
      const want = expected[dataset]!;
      const score = scoreTexts(
        pages,
        pages.map((p) => extractHtml(p.html).text),
      );
      expect(pages.length).toBeGreaterThanOrEqual(130);
      expect(score.f1).toBeGreaterThanOrEqual(want.f1 - 0.01);
      expect(score.f1).toBeGreaterThan(want.readability_lxml_f1);
      expect(score.lost).toBeLessThanOrEqual(want.lost);
      // fewer than 1% of the pages lose their main text, where the truth is the whole main text
      if (pages.every((p) => p.truth !== undefined)) expect(score.lost / pages.length).toBeLessThan(0.01);
    }, 120_000);
  }

  it('scores as the Scrapinghub benchmark does: 4-word shingles with multiplicity, per-page normalised', () => {
    expect(scorePage('a b c d e', 'a b c d e')).toEqual({ tp: 1, fp: 0, fn: 0 });
    // truth has 2 shingles (a b c d, b c d e); the prediction has the first and one of its own
    const s = scorePage('a b c d e', 'a b c d x');
    expect(s.tp).toBeCloseTo(1 / 3);
    expect(s.fp).toBeCloseTo(1 / 3);
    expect(s.fn).toBeCloseTo(1 / 3);
    // fewer than 4 words make one shorter shingle; punctuation is not a word
    expect(scorePage('Hello, world!', 'hello world').fn).toBeGreaterThan(0);
    expect(scorePage('Hello, world!', 'Hello world')).toEqual({ tp: 1, fp: 0, fn: 0 });
    const d = scoreDataset([scorePage('a b c d', ''), scorePage('a b c d', 'a b c d')]);
    expect(d.recall).toBeCloseTo(0.5);
    expect(d.precision).toBe(1);
    expect(d.lost).toBe(1);
  });

  it('scores snippet pages as trafilatura does: with-snippets found are hits, without-snippets found are false alarms', () => {
    const page = { id: 'x', url: '', html: '', with: ['keep  this', 'and this'], without: ['not this'] };
    expect(scoreTexts([page], ['keep this\nand this'])).toMatchObject({ precision: 1, recall: 1, lost: 0 });
    const half = scoreTexts([page], ['keep this, not this']);
    expect(half.precision).toBeCloseTo(0.5);
    expect(half.recall).toBeCloseTo(0.5);
    expect(scoreTexts([page], ['nothing'])).toMatchObject({ recall: 0, lost: 1 });
  });
});

import type { BenchmarkPage } from './datasets.js';

/**
 * Shingle precision/recall as the Scrapinghub article-extraction-benchmark scores it (its
 * evaluate.py): words are `\w+` runs, shingles are 4-word n-grams counted with multiplicity, each
 * page's tp/fp/fn are normalised to sum to 1 so long pages weigh no more than short ones, and
 * precision and recall are means over pages before F1 is taken of the two means.
 */
const WORD = /[\p{L}\p{N}_]+/gu;

function shingles(text: string, n = 4): Map<string, number> {
  const words = text.match(WORD) ?? [];
  const counts = new Map<string, number>();
  const last = Math.max(1, words.length - n + 1);
  for (let i = 0; i < last; i++) {
    const shingle = words.slice(i, i + n);
    if (shingle.length === 0) continue;
    const key = shingle.join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
}

export function scorePage(truth: string, predicted: string): PageScore {
  const t = shingles(truth);
  const p = shingles(predicted);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [key, tc] of t) {
    const pc = p.get(key) ?? 0;
    tp += Math.min(tc, pc);
    fn += Math.max(0, tc - pc);
  }
  for (const [key, pc] of p) fp += Math.max(0, pc - (t.get(key) ?? 0));
  const sum = tp + fp + fn;
  return sum > 0 ? { tp: tp / sum, fp: fp / sum, fn: fn / sum } : { tp, fp, fn };
}

function precisionOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fp === 0) return 0;
  return tp / (tp + fp);
}

function recallOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fn === 0) return 0;
  return tp / (tp + fn);
}

function mean(xs: number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
}

export interface DatasetScore {
  f1: number;
  precision: number;
  recall: number;
  pages: number;
  /** Pages whose main text is lost: recall under 0.2 on a page whose truth has words. */
  lost: number;
}

export function scoreDataset(scores: PageScore[]): DatasetScore {
  const precision = mean(scores.filter((s) => s.tp + s.fp > 0).map(precisionOf));
  const recall = mean(scores.filter((s) => s.tp + s.fn > 0).map(recallOf));
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  const lost = scores.filter((s) => s.tp + s.fn > 0 && recallOf(s) < 0.2).length;
  return { f1, precision, recall, pages: scores.length, lost };
}

/** trafilatura's evaluation: a `with` snippet found is a true positive, a `without` snippet found a false positive; whitespace is compared collapsed. */
function snippetCounts(page: BenchmarkPage, predicted: string): { tp: number; fn: number; fp: number; tn: number } {
  const text = predicted.replace(/\s+/g, ' ');
  const has = (s: string): boolean => text.includes(s.replace(/\s+/g, ' ').trim());
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let tn = 0;
  for (const s of page.with ?? [])
    if (has(s)) tp++;
    else fn++;
  for (const s of page.without ?? [])
    if (has(s)) fp++;
    else tn++;
  return { tp, fn, fp, tn };
}

/**
 * Scores an extractor's texts on a dataset: shingle F1 where pages have a `truth`, else snippet
 * precision and recall over all snippets (trafilatura's own figures); a page is lost when it keeps
 * none of its `with` snippets.
 */
export function scoreTexts(pages: readonly BenchmarkPage[], texts: readonly string[]): DatasetScore {
  if (pages.every((p) => p.truth !== undefined)) return scoreDataset(pages.map((p, i) => scorePage(p.truth!, texts[i] ?? '')));
  let tp = 0;
  let fn = 0;
  let fp = 0;
  let lost = 0;
  pages.forEach((p, i) => {
    const c = snippetCounts(p, texts[i] ?? '');
    tp += c.tp;
    fn += c.fn;
    fp += c.fp;
    if (c.tp === 0 && c.fn > 0) lost++;
  });
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { f1, precision, recall, pages: pages.length, lost };
}

/**
 * Near-duplicate families with known ground truth, for the dedup tests and the benchmark's
 * quality rows: random words from a large vocabulary (so unrelated documents share almost no
 * shingles), variants made by replacing words at a given rate, the exact shingle-set Jaccard,
 * and the scores the tests assert and the benchmark prints. Deterministic for a seed.
 */
import { mulberry32 } from '../../src/core/random.js';
import { SignatureMaker } from '../../src/dedup/minhash/collect.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';
import { estimateSimilarity } from '../../src/dedup/minhash/signature.js';
import { simplifyText } from '../../src/dedup/normalize.js';

export function vocabulary(size: number, seed: number): string[] {
  const r = mulberry32(seed);
  const words = new Set<string>();
  while (words.size < size) {
    const len = 3 + Math.floor(r() * 8);
    let w = '';
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(r() * 26));
    words.add(w);
  }
  return [...words];
}

export function randomWords(n: number, vocab: string[], r: () => number): string[] {
  return Array.from({ length: n }, () => vocab[Math.floor(r() * vocab.length)]!);
}

/** Replaces each word with a random one with probability `rate`. */
export function editWords(words: string[], rate: number, vocab: string[], r: () => number): string[] {
  return words.map((w) => (r() < rate ? vocab[Math.floor(r() * vocab.length)]! : w));
}

/** The exact set of word n-gram shingles of a text, as sluice defines them. */
export function shingleSet(text: string, n = 5): Set<string> {
  const words = simplifyText(text)
    .split(' ')
    .filter((w) => w.length > 0);
  const out = new Set<string>();
  if (words.length === 0) return out;
  if (words.length < n) out.add(words.join(' '));
  for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  return out;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  const union = a.size + b.size - inter;
  return union === 0 ? 1 : inter / union;
}

export interface GeneratedDoc {
  id: string;
  text: string;
  /** Family number: documents derived from the same base; -1 for unrelated documents. */
  family: number;
  /** Word replacement rate applied to the base (0 for the base itself). */
  rate: number;
}

/**
 * Families of documents: a base of `words` random words plus one variant per rate in
 * `rates` (each word replaced with that probability), and `unrelated` standalone documents.
 * Ids are random, so which member of a family is kept is not decided by construction.
 */
export function familyCorpus(opts: { families: number; rates: number[]; unrelated: number; words: number; seed: number }): GeneratedDoc[] {
  const r = mulberry32(opts.seed);
  const vocab = vocabulary(50_000, opts.seed + 1);
  const out: GeneratedDoc[] = [];
  const id = (): string =>
    `d${Math.floor(r() * 2 ** 32)
      .toString(16)
      .padStart(8, '0')}${out.length.toString(36)}`;
  for (let f = 0; f < opts.families; f++) {
    const base = randomWords(opts.words, vocab, r);
    out.push({ id: id(), text: base.join(' '), family: f, rate: 0 });
    for (const rate of opts.rates) out.push({ id: id(), text: editWords(base, rate, vocab, r).join(' '), family: f, rate });
  }
  for (let u = 0; u < opts.unrelated; u++) out.push({ id: id(), text: randomWords(opts.words, vocab, r).join(' '), family: -1, rate: 0 });
  // shuffle so families spread over tasks and positions
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * Rates that make a duplicate of the base: 0-1.5% of words replaced (Jaccard to the base about
 * 1, 0.95, 0.9, 0.86; single documents spread from 0.74 to 1).
 */
export const DUPLICATE_RATES = [0, 0.005, 0.01, 0.015];

/**
 * The quality corpus: 250 families of 300-word documents, each a base, its duplicates and three
 * distinct relatives (12%, 20%, 40% replaced: Jaccard about 0.36, 0.2, 0.06), plus 500
 * unrelated documents.
 */
export function qualityCorpus(): GeneratedDoc[] {
  return familyCorpus({ families: 250, rates: [...DUPLICATE_RATES, 0.12, 0.2, 0.4], unrelated: 500, words: 300, seed: 7 });
}

/** A removal as the dedup stage reports it: the removed document and the one kept in its place. */
export interface RemovalDecision {
  id: string;
  keptId: string;
}

export interface QualityScore {
  removed: number;
  /** Removals whose removed and kept documents are duplicates of one base. */
  precision: number;
  /** Of the duplicates to remove (all but one of each base and its duplicates), the share removed. */
  recall: number;
  /** Removed documents that belong to no family. */
  unrelatedRemoved: number;
  /** Pairs within a family whose true Jaccard is >= 0.8, and the share of them that ended in one cluster. */
  closePairs: number;
  closePairsJoined: number;
  /** Removals whose true Jaccard to the kept document is >= 0.8. */
  precisionAtJaccard08: number;
}

/** Scores removals against the generated truth of a family corpus. */
export function scoreRemovals(gen: GeneratedDoc[], removals: RemovalDecision[]): QualityScore {
  const byId = new Map(gen.map((d) => [d.id, d]));
  const doc = (id: string): GeneratedDoc => byId.get(id) ?? fail(`unknown document ${id}`);
  const isDuplicate = (d: GeneratedDoc): boolean => d.family >= 0 && DUPLICATE_RATES.includes(d.rate);
  const shingles = new Map<string, Set<string>>();
  const setOf = (d: GeneratedDoc): Set<string> => {
    let s = shingles.get(d.id);
    if (!s) shingles.set(d.id, (s = shingleSet(d.text)));
    return s;
  };

  let right = 0;
  let closeToKept = 0;
  let unrelatedRemoved = 0;
  const rightPerFamily = new Map<number, number>();
  for (const r of removals) {
    const removed = doc(r.id);
    const kept = doc(r.keptId);
    if (removed.family < 0) unrelatedRemoved++;
    if (isDuplicate(removed) && isDuplicate(kept) && removed.family === kept.family) {
      right++;
      rightPerFamily.set(removed.family, (rightPerFamily.get(removed.family) ?? 0) + 1);
    }
    if (jaccard(setOf(removed), setOf(kept)) >= 0.8) closeToKept++;
  }
  const families = new Map<number, GeneratedDoc[]>();
  for (const d of gen) if (d.family >= 0) families.set(d.family, [...(families.get(d.family) ?? []), d]);
  // of the base and its duplicates, all but one go
  const perFamily = DUPLICATE_RATES.length;
  const found = [...rightPerFamily.values()].reduce((s, n) => s + Math.min(n, perFamily), 0);

  const cluster = new Map(removals.map((r) => [r.id, r.keptId]));
  const sameCluster = (a: string, b: string): boolean => (cluster.get(a) ?? a) === (cluster.get(b) ?? b);
  let closePairs = 0;
  let joined = 0;
  for (const members of families.values()) {
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        if (jaccard(setOf(members[i]!), setOf(members[j]!)) < 0.8) continue;
        closePairs++;
        if (sameCluster(members[i]!.id, members[j]!.id)) joined++;
      }
    }
  }
  const share = (n: number, of: number): number => (of === 0 ? 0 : n / of);
  return {
    removed: removals.length,
    precision: share(right, removals.length),
    recall: share(found, families.size * perFamily),
    unrelatedRemoved,
    closePairs,
    closePairsJoined: share(joined, closePairs),
    precisionAtJaccard08: share(closeToKept, removals.length),
  };
}

function fail(message: string): never {
  throw new Error(message);
}

/** A document and an edit of it (0-30% of 300 words replaced), with their true Jaccard >= 0.1. */
export interface EstimatePair {
  truth: number;
  text: [string, string];
}

/** 400 pairs whose true Jaccard covers 0.1..1.0. */
export function estimatePairs(): EstimatePair[] {
  const vocab = vocabulary(50_000, 11);
  const r = mulberry32(5);
  const pairs: EstimatePair[] = [];
  while (pairs.length < 400) {
    const base = randomWords(300, vocab, r);
    const a = base.join(' ');
    const b = editWords(base, r() * 0.3, vocab, r).join(' ');
    const truth = jaccard(shingleSet(a), shingleSet(b));
    if (truth >= 0.1) pairs.push({ truth, text: [a, b] });
  }
  return pairs;
}

export interface EstimateErrors {
  /** Mean absolute error of the signature estimate against the true Jaccard. */
  meanAbsolute: number;
  /** Share of pairs estimated within 0.1. */
  within01: number;
  maxAbsolute: number;
  /** The largest mean signed error of a decile of true Jaccard (0.1-0.2, ..., 0.9-1.0). */
  maxDecileBias: number;
}

/** How far MinHash estimates with the given stage params are from the true Jaccard of `pairs`. */
export function estimateErrors(pairs: EstimatePair[], params: Record<string, unknown> = {}): EstimateErrors {
  const config = resolveMinhashConfig(minhashParams.parse(params), 1);
  const m1 = new SignatureMaker(config);
  const m2 = new SignatureMaker(config);
  const errors = pairs.map(({ truth, text }) => {
    m1.make(text[0]);
    m2.make(text[1]);
    return { decile: Math.min(9, Math.floor(truth * 10)), error: estimateSimilarity(m1.signature, m2.signature) - truth };
  });
  let maxDecileBias = 0;
  for (let d = 1; d <= 9; d++) {
    const inDecile = errors.filter((e) => e.decile === d);
    if (inDecile.length > 0) maxDecileBias = Math.max(maxDecileBias, Math.abs(inDecile.reduce((s, e) => s + e.error, 0) / inDecile.length));
  }
  return {
    meanAbsolute: errors.reduce((s, e) => s + Math.abs(e.error), 0) / errors.length,
    within01: errors.filter((e) => Math.abs(e.error) <= 0.1).length / errors.length,
    maxAbsolute: Math.max(...errors.map((e) => Math.abs(e.error))),
    maxDecileBias,
  };
}

/**
 * Synthetic corpora for the dedup tests and benchmark: random words from a large vocabulary
 * (so unrelated documents share almost no shingles), and near-duplicates made by replacing
 * words at a given rate. Deterministic for a seed.
 */
import { simplifyText } from '../../src/dedup/normalize.js';

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export function vocabulary(size: number, seed: number): string[] {
  const r = rng(seed);
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
  const words = simplifyText(text).split(' ').filter((w) => w.length > 0);
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
export function familyCorpus(opts: { families: number; rates: number[]; unrelated: number; words: number; seed: number; vocab?: string[] }): GeneratedDoc[] {
  const r = rng(opts.seed);
  const vocab = opts.vocab ?? vocabulary(50_000, opts.seed + 1);
  const out: GeneratedDoc[] = [];
  const id = (): string => `d${Math.floor(r() * 2 ** 32).toString(16).padStart(8, '0')}${out.length.toString(36)}`;
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

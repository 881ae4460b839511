/**
 * A synthetic corpus for the dedup benchmark, generated on the fly in O(1) memory: documents
 * of random words from a 50,000-word vocabulary, with planted exact copies and near-duplicates
 * (0.5-2% of words replaced) of earlier documents. Deterministic for a seed, so the collect and
 * apply passes (separate processes) see the same documents.
 */
import type { Doc } from '../../src/core/doc.js';
import { fmix32 } from '../../src/core/hash32.js';

export interface DedupCorpusOptions {
  docs: number;
  /** Words per document; 270 words are about 2 KB. */
  words: number;
  seed: number;
  /** Share of documents that copy an earlier one exactly, and that edit one slightly. */
  exactShare?: number;
  nearShare?: number;
}

/**
 * Counter-based generator (the MurmurHash3 finalizer of seed + k * golden ratio): streams of
 * different seeds are independent. A shift-register generator seeded per document produced
 * shifted copies of the same stream, i.e. accidental near-duplicates.
 */
function rng(seed: number): () => number {
  const base = Math.imul(seed | 0, 0x9e3779b1);
  let k = 0;
  return () => (fmix32(base + Math.imul(++k, 0x9e3779b9)) >>> 0) / 4294967296;
}

const vocabularies = new Map<number, string[]>();

function vocabulary(seed: number): string[] {
  let v = vocabularies.get(seed);
  if (v) return v;
  const r = rng(seed);
  const words = new Set<string>();
  while (words.size < 50_000) {
    const len = 2 + Math.floor(r() * 9);
    let w = '';
    for (let i = 0; i < len; i++) w += String.fromCharCode(97 + Math.floor(r() * 26));
    words.add(w);
  }
  v = [...words];
  vocabularies.set(seed, v);
  return v;
}

/** What document `i` is: fresh, or a copy (rate 0) or an edit of an earlier document. */
export function plan(i: number, o: DedupCorpusOptions): { base: number; rate: number } {
  const r = rng(o.seed * 7919 + i);
  const u = r();
  const exact = o.exactShare ?? 0.05;
  const near = o.nearShare ?? 0.2;
  if (i < 100 || u >= exact + near) return { base: i, rate: -1 };
  const base = Math.floor(r() * i);
  return { base, rate: u < exact ? 0 : [0.005, 0.01, 0.02][Math.floor(r() * 3)]! };
}

function words(base: number, o: DedupCorpusOptions): string[] {
  const vocab = vocabulary(o.seed);
  const r = rng(o.seed * 104729 + base);
  const out = new Array<string>(o.words);
  for (let k = 0; k < o.words; k++) {
    out[k] = vocab[Math.floor(r() * vocab.length)]!;
    if (r() < 0.06) out[k] += r() < 0.5 ? ',' : '.';
  }
  return out;
}

export function corpusDoc(i: number, o: DedupCorpusOptions): Doc {
  const { base, rate } = plan(i, o);
  let w = words(base, o);
  if (rate > 0) {
    const vocab = vocabulary(o.seed);
    const r = rng(o.seed * 31 + i);
    w = w.map((x) => (r() < rate ? vocab[Math.floor(r() * vocab.length)]! : x));
  }
  return { id: `doc-${String(i).padStart(8, '0')}`, text: w.join(' '), source: 'bench', meta: {} };
}

/** Documents `rank`, `rank + world`, ... of the corpus. */
export function* corpusPart(o: DedupCorpusOptions, rank = 0, world = 1): Generator<Doc> {
  for (let i = rank; i < o.docs; i += world) yield corpusDoc(i, o);
}

/** What kind of document `i` is: `original`, `copy`, or `0.5% edit` / `1% edit` / `2% edit`. */
export function docKind(i: number, o: DedupCorpusOptions): string {
  const { rate } = plan(i, o);
  return rate < 0 ? 'original' : rate === 0 ? 'copy' : `${rate * 100}% edit`;
}

/**
 * Planted duplicates: documents made from the same words (the original, its copies and its
 * edits) are one family, and all but one of each family should go.
 */
export function plantedDuplicates(o: DedupCorpusOptions): { duplicates: number; exact: number; near: number } {
  const origins = new Set<number>();
  let exact = 0;
  let near = 0;
  for (let i = 0; i < o.docs; i++) {
    const p = plan(i, o);
    origins.add(p.base);
    if (p.rate === 0) exact++;
    else if (p.rate > 0) near++;
  }
  return { duplicates: o.docs - origins.size, exact, near };
}

/**
 * Checks removals (removed document -> kept document) against the planted families: `missed` are
 * the documents a family kept beyond its first survivor, by kind; `wrong` are removals whose
 * kept document is of another family.
 */
export function auditRemovals(o: DedupCorpusOptions, removals: Map<number, number>): { missed: Record<string, number>; wrong: number } {
  const survived = new Set<number>();
  const missed: Record<string, number> = {};
  for (let i = 0; i < o.docs; i++) {
    if (removals.has(i)) continue;
    const family = plan(i, o).base;
    if (!survived.has(family)) survived.add(family);
    else {
      const kind = docKind(i, o);
      missed[kind] = (missed[kind] ?? 0) + 1;
    }
  }
  let wrong = 0;
  for (const [removed, kept] of removals) if (plan(removed, o).base !== plan(kept, o).base) wrong++;
  return { missed, wrong };
}

/**
 * Mixture sampling: each sequence comes from one source's own packed stream, chosen so every
 * source's share of sequences stays within one of its weight; each source's stream still
 * covers its documents once per (per-source) epoch, and ranks stay disjoint.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader } from '../../src/loader/loader.js';
import { parseMixture, SlotAssigner } from '../../src/loader/mixture.js';
import { tempDir } from '../helpers/corpus.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset } from '../helpers/token-dataset.js';

const SOURCES = ['books', 'code', 'web', 'wiki'];
const LENGTHS = lengths(400, 1, 60, 17);
const TOTAL = LENGTHS.reduce((a, b) => a + b, 0);
let dir: string;
let ds: TokenDataset;
/** token id -> its document's source */
const sourceOf = new Map<number, string>();

beforeAll(async () => {
  dir = tempDir('sluice-loader-mixture-');
  const docs = identityDocs(LENGTHS, SOURCES);
  docs.forEach((d) => Array.from(d.tokens).forEach((t) => sourceOf.set(t, d.source!)));
  await writeTokenDataset(dir, docs, { shardDocs: 70, tokenizer: tokenizerFacts(TOTAL + 1, TOTAL) });
  ds = await TokenDataset.open(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('slot assignment', () => {
  it('keeps every source within one slot of its share, at every prefix', () => {
    const weights = [0.6, 0.2, 0.1, 0.1];
    const a = new SlotAssigner(weights);
    for (let j = 1; j <= 5000; j++) {
      a.next();
      weights.forEach((w, s) => expect(Math.abs(a.counts[s]! - w * j)).toBeLessThanOrEqual(1));
    }
  });

  it('seek(j) lands where j calls of next() do', () => {
    const a = new SlotAssigner([0.5, 0.3, 0.2]);
    for (let j = 0; j < 777; j++) a.next();
    const b = new SlotAssigner([0.5, 0.3, 0.2]);
    b.seek(777);
    expect(Array.from(b.counts)).toEqual(Array.from(a.counts));
    expect(b.next()).toBe(a.next());
  });
});

describe('mixture loader', () => {
  const mixture = { web: 0.6, code: 0.2, books: 0.1, wiki: 0.1 };

  it("each sequence is from one source, in the weights' proportions", () => {
    const loader = new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture });
    const counts: Record<string, number> = {};
    const steps = 100;
    for (let s = 0; s < steps; s++) {
      const b = loader.next();
      for (let r = 0; r < b.rows; r++) {
        const row = Array.from(b.tokens.subarray(r * b.cols, (r + 1) * b.cols)).filter((t) => t !== TOTAL);
        const srcs = new Set(row.map((t) => sourceOf.get(t)));
        expect(srcs.size).toBeLessThanOrEqual(1);
        const src = [...srcs][0] ?? 'eos-only';
        counts[src] = (counts[src] ?? 0) + 1;
      }
    }
    const n = steps * 8;
    expect(Math.abs(counts['web']! - 0.6 * n)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts['code']! - 0.2 * n)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts['books']! - 0.1 * n)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts['wiki']! - 0.1 * n)).toBeLessThanOrEqual(1);
  });

  it('ranks are disjoint and, per source, cover its first epoch exactly once', () => {
    const world = 2;
    const seen = new Map<number, number>();
    const loaders = [0, 1].map((rank) => new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture, world, rank }));
    const epochs = Object.fromEntries(loaders[0]!.streamNames.map((n, i) => [n, loaders[0]!.epochTokens[i]!]));
    // per rank and source: tokens taken so far, to stop at the end of each source's first epoch
    const taken = loaders.map(() => new Map<string, number>());
    for (let s = 0; s < 300; s++) {
      loaders.forEach((loader, r) => {
        const b = loader.next();
        for (let row = 0; row < b.rows; row++) {
          const slice = Array.from(b.tokens.subarray(row * b.cols, (row + 1) * b.cols));
          const src = slice.map((t) => sourceOf.get(t)).find((x) => x !== undefined);
          if (src === undefined) continue;
          // sequence k of the source's stream covers positions [k * cols, (k + 1) * cols): keep those < epoch length
          const k = (taken[r]!.get(src) ?? 0) * world + r;
          taken[r]!.set(src, (taken[r]!.get(src) ?? 0) + 1);
          slice.forEach((t, c) => {
            if (t === TOTAL || k * b.cols + c >= epochs[src]!) return;
            expect(seen.has(t)).toBe(false);
            seen.set(t, r);
          });
        }
      });
    }
    expect(seen.size).toBe(TOTAL);
  });

  it('resumes exactly', () => {
    const straight = new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture, world: 2, rank: 1 });
    const all = Array.from({ length: 40 }, () => straight.next());
    const first = new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture, world: 2, rank: 1 });
    for (let i = 0; i < 23; i++) first.next();
    const again = new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture, world: 2, rank: 1 });
    again.resume(first.state());
    for (let i = 23; i < 40; i++) expect(Array.from(again.next().tokens)).toEqual(Array.from(all[i]!.tokens));
    expect(first.state().mixture).not.toBe(0);
    expect(() => new TokenLoader(ds, { seqLen: 15, batch: 8, seed: 4, mixture: { web: 1 }, world: 2, rank: 1 }).resume(first.state())).toThrow(/mixture/);
  });

  it('refuses sources the dataset lacks, naming the ones it has', () => {
    expect(() => new TokenLoader(ds, { seqLen: 15, batch: 8, mixture: { web: 0.5, reddit: 0.5 } })).toThrow(SluiceError);
    try {
      new TokenLoader(ds, { seqLen: 15, batch: 8, mixture: { web: 0.5, reddit: 0.5 } });
    } catch (err) {
      expect((err as SluiceError).hint).toBe('sources in this dataset: books, code, web, wiki');
    }
  });

  it('parses the CLI form', () => {
    expect(parseMixture('web=0.6,code=0.2,books=0.1,wiki=0.1')).toEqual(mixture);
    expect(() => parseMixture('web:0.6')).toThrow(/source=weight/);
  });
});

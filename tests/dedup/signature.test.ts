import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SignatureMaker } from '../../src/dedup/minhash/collect.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';
import { candidateProbability, shapeForThreshold } from '../../src/dedup/minhash/lsh.js';
import { estimateSimilarity } from '../../src/dedup/minhash/signature.js';
import { estimateErrors, estimatePairs, randomWords, vocabulary } from '../corpora/dedup-families.js';
import { mulberry32 } from '../../src/core/random.js';

function maker(params: Record<string, unknown> = {}): SignatureMaker {
  return new SignatureMaker(resolveMinhashConfig(minhashParams.parse(params), 1));
}

const sha = (a: Int32Array): string =>
  createHash('sha256')
    .update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
const hex = (a: ArrayLike<number>): string[] => Array.from(a, (v) => (v >>> 0).toString(16));

const PANGRAMS = 'The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs! Sphinx of black quartz, judge my vow; 1234 Café.';

describe('signatures are stable across runs and platforms', () => {
  // Integer-only arithmetic (Math.imul, shifts, xor) and seeded constants: these values must
  // never change, or indexes built by another version or machine stop matching.
  it('default word shingles, 112 hashes, seed 1', () => {
    const m = maker();
    expect(m.make(PANGRAMS)).toBe(true);
    expect(hex(m.hasher.a.subarray(0, 1))).toEqual(['5e2d1773']);
    expect(hex(m.hasher.b.subarray(0, 1))).toEqual(['14e498f0']);
    expect(m.hasher.constantsDigest()).toBe('a289345ec7645995dd6e9dab15cb37afaa49463e032d99443815c60ac2810dbf');
    expect(hex(m.signature.subarray(0, 4))).toEqual(['11a8b25', '1463a2b', '71630f6', '2f661b3']);
    expect(sha(m.signature)).toBe('866c00e9dc3beeffddcb499f6aa29948fc176a43082316faf31bfbc65268211e');
    expect(hex(m.keys.subarray(0, 4))).toEqual(['a59117f4', 'c1dd583e', 'd0293295', '132f6d9f']);
  });

  it('character 4-grams', () => {
    const m = maker({ shingle: 'char', ngram: 4 });
    m.make(PANGRAMS);
    expect(sha(m.signature)).toBe('7e0ae696de6de63dc9103803c0fe654b8d4a27d2275b1dce955f166bbee8d32c');
  });

  it('the same text gives the same signature in a fresh hasher, whatever came before', () => {
    const a = maker();
    a.make('something else entirely, to leave state behind');
    a.make(PANGRAMS);
    const b = maker();
    b.make(PANGRAMS);
    expect(Array.from(a.signature)).toEqual(Array.from(b.signature));
  });

  it('normalization-equivalent texts get the same signature', () => {
    const a = maker();
    const b = maker();
    a.make('Café au lait, 1999 edition: the best!');
    b.make('cafe AU lait 2024 edition the   best');
    expect(Array.from(a.signature)).toEqual(Array.from(b.signature));
  });
});

describe('estimated Jaccard tracks the true Jaccard', () => {
  // the benchmark prints these errors (quality rows); here they are held to a bound
  const pairs = estimatePairs();

  it('covers 0.1..1.0', () => {
    const deciles = new Set(pairs.map((p) => Math.min(9, Math.floor(p.truth * 10))));
    expect([...deciles].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('with the default 112 hashes: unbiased per decile, 95% of pairs within 0.1, all within 0.2', () => {
    // One estimate has standard deviation sqrt(J(1-J)/112), up to 0.047: a 0.1 bound holds for
    // about 97% of single pairs at J = 0.5, not for all, so the 0.1 bound is asserted where the
    // statistics allow it (and for every pair with 4x the hashes below).
    const e = estimateErrors(pairs);
    expect(e.within01).toBeGreaterThanOrEqual(0.95);
    expect(e.maxAbsolute).toBeLessThanOrEqual(0.2);
    expect(e.maxDecileBias).toBeLessThan(0.03);
  });

  it('with 448 hashes every pair is within 0.1', () => {
    expect(estimateErrors(pairs, { bands: 56, rows: 8 }).maxAbsolute).toBeLessThanOrEqual(0.1);
  });

  it('identical texts estimate 1 and unrelated texts near 0', () => {
    const m1 = maker();
    const m2 = maker();
    m1.make(pairs[0]!.text[0]);
    m2.make(pairs[0]!.text[0]);
    expect(estimateSimilarity(m1.signature, m2.signature)).toBe(1);
    m2.make(randomWords(300, vocabulary(50_000, 11), mulberry32(99)).join(' '));
    expect(estimateSimilarity(m1.signature, m2.signature)).toBeLessThan(0.05);
  });
});

describe('degenerate documents', () => {
  it('empty and punctuation-only documents have no shingles and no band keys', () => {
    const m = maker();
    expect(m.make('')).toBe(false);
    expect(m.make(' .,;!? \n\t')).toBe(false);
  });

  it('one-word documents are one shingle each and only identical words collide', () => {
    const m = maker();
    const seen = new Map<string, string>();
    for (const w of vocabulary(2000, 3)) {
      expect(m.make(w)).toBe(true);
      const key = hex(m.keys).join(',');
      expect(seen.has(key), `${w} collides with ${seen.get(key)}`).toBe(false);
      seen.set(key, w);
    }
    m.make('Hello');
    const a = hex(m.keys).join(',');
    m.make('hello!');
    expect(hex(m.keys).join(',')).toBe(a);
  });

  it('documents shorter than the shingle size are one shingle of all their words', () => {
    const m = maker();
    m.make('two words');
    const a = Array.from(m.signature);
    m.make('two words three');
    expect(estimateSimilarity(a, m.signature)).toBeLessThan(0.1);
  });
});

describe('LSH shape', () => {
  it('14 x 8 catches pairs at 0.8 with ~92% and at 0.5 with ~5%', () => {
    expect(candidateProbability(0.8, { bands: 14, rows: 8 })).toBeCloseTo(0.924, 2);
    expect(candidateProbability(0.5, { bands: 14, rows: 8 })).toBeCloseTo(0.053, 2);
  });

  it('threshold derives bands and rows that fit the hash budget and put the S-curve near it', () => {
    for (const t of [0.5, 0.7, 0.8, 0.9]) {
      const shape = shapeForThreshold(t, 112);
      expect(shape.bands * shape.rows).toBeLessThanOrEqual(112);
      expect(candidateProbability(t + 0.1, shape)).toBeGreaterThan(0.5);
      expect(candidateProbability(t - 0.2, shape)).toBeLessThan(0.5);
    }
    const c = resolveMinhashConfig(minhashParams.parse({ threshold: 0.8 }), 1);
    expect(c.numHashes).toBe(c.bands * c.rows);
  });

  it('the pair check sits 0.1 below the target similarity unless set', () => {
    const cfg = (p: Record<string, unknown>) => resolveMinhashConfig(minhashParams.parse(p), 1);
    expect(cfg({}).minSimilarity).toBeCloseTo(0.7, 10);
    expect(cfg({ threshold: 0.6 }).minSimilarity).toBeCloseTo(0.5, 10);
    expect(cfg({ min_similarity: 0 }).minSimilarity).toBe(0);
    const derived = cfg({ threshold: 0.9, hashes: 64 });
    expect(derived.numHashes).toBeLessThanOrEqual(64);
    expect(cfg({}).mode).toBe('streaming');
    expect(resolveMinhashConfig(minhashParams.parse({}), 4).mode).toBe('scale_out');
  });

  it('rejects hashes without threshold, and unknown keys', () => {
    expect(minhashParams.safeParse({ hashes: 64 }).error?.issues[0]?.message).toMatch(/only used with threshold/);
    expect(minhashParams.safeParse({ band: 10 }).error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('rejects threshold together with bands or rows', () => {
    const r = minhashParams.safeParse({ threshold: 0.8, bands: 10 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/either threshold or bands\/rows/);
  });
});

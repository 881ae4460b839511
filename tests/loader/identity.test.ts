/**
 * Identity data (tokens equal their global position): over an epoch every token appears
 * exactly once across all ranks, ranks are disjoint, documents stay whole and in one piece,
 * stopping at step k and resuming reproduces the uninterrupted stream, seeds change the order.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader, type Batch } from '../../src/loader/loader.js';
import { parseState } from '../../src/loader/state.js';
import { tempDir } from '../helpers/corpus.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset } from '../helpers/token-dataset.js';

const DOC_LENGTHS = lengths(300, 0, 120, 11);
const TOTAL = DOC_LENGTHS.reduce((a, b) => a + b, 0);
const EOS = TOTAL;
const DOCS = DOC_LENGTHS.length;
const EPOCH = TOTAL + DOCS;

let dir: string;
let dataset: TokenDataset;

beforeAll(async () => {
  dir = tempDir('sluice-loader-identity-');
  // 7 shards, small row groups: many pages, documents on both sides of page boundaries
  await writeTokenDataset(dir, identityDocs(DOC_LENGTHS), { shardDocs: 45, rowGroupBytes: 2048, tokenizer: tokenizerFacts(TOTAL + 1, EOS) });
  dataset = await TokenDataset.open(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Geometry {
  seqLen: number;
  batch: number;
  world: number;
  seed: number;
  shuffleBuffer: number;
}

function take(loader: TokenLoader, steps: number): Batch[] {
  return Array.from({ length: steps }, () => loader.next());
}

/** The global token stream rebuilt from every rank's batches: sequence k came from rank k % world. */
function globalStream(g: Geometry, steps: number, docMask = false): { tokens: Int32Array; mask: Uint8Array } {
  const cols = g.seqLen + 1;
  const perRank = Array.from({ length: g.world }, (_, rank) => take(new TokenLoader(dataset, { ...g, rank, docMask }), steps));
  const sequences = steps * g.batch * g.world;
  const tokens = new Int32Array(sequences * cols);
  const mask = new Uint8Array(sequences * cols);
  for (let k = 0; k < sequences; k++) {
    const n = Math.floor(k / g.world);
    const batch = perRank[k % g.world]![Math.floor(n / g.batch)]!;
    const row = n % g.batch;
    tokens.set(batch.tokens.subarray(row * cols, (row + 1) * cols), k * cols);
    if (docMask) mask.set(batch.docStart!.subarray(row * cols, (row + 1) * cols), k * cols);
  }
  return { tokens, mask };
}

function stepsForEpoch(g: Geometry): number {
  return Math.ceil(Math.ceil(EPOCH / (g.seqLen + 1)) / (g.batch * g.world));
}

/** Splits a token stream at EOS into documents. */
function documents(stream: Int32Array): number[][] {
  const docs: number[][] = [];
  let cur: number[] = [];
  for (const t of stream) {
    if (t === EOS) {
      docs.push(cur);
      cur = [];
    } else cur.push(t);
  }
  return docs;
}

describe('identity data', () => {
  const geometries: Geometry[] = [
    { seqLen: 37, batch: 4, world: 1, seed: 7, shuffleBuffer: 16 },
    { seqLen: 37, batch: 4, world: 2, seed: 7, shuffleBuffer: 16 },
    { seqLen: 64, batch: 3, world: 3, seed: 1234, shuffleBuffer: 100 },
    { seqLen: 5, batch: 2, world: 4, seed: 99, shuffleBuffer: 1 },
    { seqLen: 300, batch: 2, world: 2, seed: 5, shuffleBuffer: 10_000 },
  ];

  it.each(geometries)('covers every token exactly once per epoch, documents whole (%o)', (g) => {
    const steps = stepsForEpoch(g);
    const { tokens } = globalStream(g, steps);
    expect(tokens.length).toBeGreaterThanOrEqual(EPOCH);
    const epoch = tokens.subarray(0, EPOCH);
    const seen = new Uint8Array(TOTAL);
    let eos = 0;
    for (const t of epoch) {
      if (t === EOS) eos++;
      else {
        expect(t >= 0 && t < TOTAL).toBe(true);
        seen[t]!++;
      }
    }
    expect(eos).toBe(DOCS);
    expect(seen.every((c) => c === 1)).toBe(true);
    // each piece between EOS is one whole original document
    const starts = new Map<number, number>();
    let first = 0;
    DOC_LENGTHS.forEach((n) => {
      if (n > 0) starts.set(first, n);
      first += n;
    });
    const docs = documents(epoch);
    expect(docs.length).toBe(DOCS);
    for (const d of docs) {
      if (d.length === 0) continue;
      expect(starts.get(d[0]!)).toBe(d.length);
      d.forEach((t, i) => expect(t).toBe(d[0]! + i));
    }
    // the epoch ends exactly at an EOS and the next epoch starts after it
    expect(epoch[EPOCH - 1]).toBe(EOS);
  });

  it('ranks are disjoint and together cover the epoch', () => {
    const g = { seqLen: 37, batch: 4, world: 3, seed: 3, shuffleBuffer: 32 };
    const steps = stepsForEpoch(g);
    const cols = g.seqLen + 1;
    const owner = new Int8Array(TOTAL).fill(-1);
    for (let rank = 0; rank < g.world; rank++) {
      const loader = new TokenLoader(dataset, { ...g, rank });
      for (let s = 0; s < steps; s++) {
        const b = loader.next();
        for (let row = 0; row < g.batch; row++) {
          const k = (s * g.batch + row) * g.world + rank;
          for (let c = 0; c < cols; c++) {
            if (k * cols + c >= EPOCH) continue; // next epoch
            const t = b.tokens[row * cols + c]!;
            if (t === EOS) continue;
            expect(owner[t]).toBe(-1);
            owner[t] = rank;
          }
        }
      }
    }
    expect(owner.every((o) => o >= 0)).toBe(true);
    const perRank = [0, 1, 2].map((r) => owner.filter((o) => o === r).length);
    for (const n of perRank) expect(n).toBeGreaterThan(TOTAL / 6);
  });

  it('a second epoch is a different permutation of the same tokens', () => {
    const g = { seqLen: 37, batch: 4, world: 1, seed: 7, shuffleBuffer: 16 };
    const { tokens } = globalStream(g, 2 * stepsForEpoch(g) + 1);
    const e0 = tokens.subarray(0, EPOCH);
    const e1 = tokens.subarray(EPOCH, 2 * EPOCH);
    expect(Array.from(e1).sort((a, b) => a - b)).toEqual(Array.from(e0).sort((a, b) => a - b));
    expect(Buffer.from(e1.buffer, e1.byteOffset, e1.byteLength).equals(Buffer.from(e0.buffer, e0.byteOffset, e0.byteLength))).toBe(false);
  });

  it('with one shard and a buffer of 1 the stream is the dataset in order, EOS after each document', async () => {
    const one = tempDir('sluice-loader-ordered-');
    try {
      const lens = [3, 0, 5, 1, 2];
      await writeTokenDataset(one, identityDocs(lens), { tokenizer: tokenizerFacts(100, 99) });
      const loader = await TokenLoader.open(one, { seqLen: 4, batch: 2, shuffleBuffer: 1 });
      const b = loader.next();
      // 0 1 2 E | E | 3 4 5 6 7 E | 8 E | 9 10 E
      expect(Array.from(b.tokens)).toEqual([0, 1, 2, 99, 99, 3, 4, 5, 6, 7]);
      expect(Array.from(loader.next().tokens)).toEqual([99, 8, 99, 9, 10, 99, 0, 1, 2, 99]);
    } finally {
      rmSync(one, { recursive: true, force: true });
    }
  });

  it('the document mask marks exactly the first token of every document', () => {
    const g = { seqLen: 37, batch: 4, world: 2, seed: 7, shuffleBuffer: 16 };
    const { tokens, mask } = globalStream(g, stepsForEpoch(g) + 2, true);
    for (let p = 0; p < tokens.length; p++) {
      const start = p === 0 || tokens[p - 1] === EOS;
      expect(mask[p]).toBe(start ? 1 : 0);
    }
  });

  it('holds no more documents than the shuffle buffer, plus the one a sequence cut in two', () => {
    for (const shuffleBuffer of [1, 8, 64]) {
      const loader = new TokenLoader(dataset, { seqLen: 50, batch: 2, world: 2, rank: 1, seed: 1, shuffleBuffer });
      let most = 0;
      for (let s = 0; s < 200; s++) {
        loader.next();
        most = Math.max(most, loader.heldDocs);
      }
      expect(most).toBeLessThanOrEqual(shuffleBuffer + 1);
    }
  });
});

describe('resume', () => {
  const g = { seqLen: 37, batch: 4, world: 2, seed: 7, shuffleBuffer: 16 };

  it.each([0, 1, 5, 17, 40])('stopping at step %i and resuming reproduces the uninterrupted stream', (k) => {
    for (let rank = 0; rank < g.world; rank++) {
      const total = 45; // more than two epochs at this geometry
      const straight = take(new TokenLoader(dataset, { ...g, rank, docMask: true }), total);
      const first = new TokenLoader(dataset, { ...g, rank, docMask: true });
      take(first, k);
      const saved = JSON.parse(JSON.stringify(first.state())) as unknown;
      const resumed = new TokenLoader(dataset, { ...g, rank, docMask: true });
      resumed.resume(parseState(saved));
      const rest = take(resumed, total - k);
      rest.forEach((b, i) => {
        expect(b.step).toBe(k + i);
        expect(Buffer.from(b.tokens.buffer).equals(Buffer.from(straight[k + i]!.tokens.buffer))).toBe(true);
        expect(Buffer.from(b.docStart!).equals(Buffer.from(straight[k + i]!.docStart!))).toBe(true);
      });
    }
  });

  it('state() is a few integers naming the next step', () => {
    const loader = new TokenLoader(dataset, { ...g, rank: 1 });
    take(loader, 3);
    expect(loader.state()).toEqual({ version: 1, step: 3, seed: 7, rank: 1, world: 2, seq_len: 37, batch: 4, shuffle_buffer: 16, dataset: dataset.fingerprint, mixture: 0 });
  });

  it('refuses a state saved with another seed, world or dataset', () => {
    const loader = new TokenLoader(dataset, { ...g, rank: 0 });
    const state = loader.state();
    expect(() => loader.resume({ ...state, seed: 8 })).toThrow(/seed is 8/);
    expect(() => loader.resume({ ...state, world: 4 })).toThrow(/world is 4/);
    expect(() => loader.resume({ ...state, dataset: state.dataset ^ 1 })).toThrow(/dataset/);
  });
});

describe('seeds', () => {
  it('a different seed gives a different order of the same tokens', () => {
    const base = { seqLen: 37, batch: 4, world: 1, shuffleBuffer: 16 };
    const steps = stepsForEpoch({ ...base, seed: 0 });
    const a = globalStream({ ...base, seed: 1 }, steps).tokens.subarray(0, EPOCH);
    const b = globalStream({ ...base, seed: 2 }, steps).tokens.subarray(0, EPOCH);
    expect(Buffer.from(a.buffer, 0, a.byteLength).equals(Buffer.from(b.buffer, 0, b.byteLength))).toBe(false);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from(b).sort((x, y) => x - y));
    // and the same seed gives the same order
    const a2 = globalStream({ ...base, seed: 1 }, steps).tokens.subarray(0, EPOCH);
    expect(Buffer.from(a2.buffer, 0, a2.byteLength).equals(Buffer.from(a.buffer, 0, a.byteLength))).toBe(true);
  });
});

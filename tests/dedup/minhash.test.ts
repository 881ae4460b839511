import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { SluiceError } from '../../src/core/errors.js';
import { ledgerBalance } from '../../src/core/stats.js';
import { minhashDedupStage } from '../../src/dedup/minhash/stage.js';
import { decisions, runBarrier, type BarrierRun } from './barrier-harness.js';
import { familyCorpus, qualityCorpus, scoreRemovals, type GeneratedDoc, type QualityScore } from '../corpora/dedup-families.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-minhash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const workDir = (): string => join(root, `run-${runs++}`);

const asDocs = (g: GeneratedDoc[]): Doc[] => g.map((d) => ({ id: d.id, text: d.text, source: 'test', meta: {} }));

function expectBalanced(run: BarrierRun, docsIn: number): void {
  const ledger = run.stats.stats.ledger;
  expect(ledger.docs_in).toBe(docsIn);
  expect(ledger.kept + ledger.duplicates).toBe(docsIn);
  expect(ledgerBalance(ledger)).toBe(0);
  expect(run.stats.stats.stages['minhash_dedup']!.duplicates).toBe(run.removed.length);
}

/** Near-duplicate families at several edit rates, chains of small edits, and unrelated documents. */
function mixedCorpus(): Doc[] {
  const families = familyCorpus({ families: 60, rates: [0, 0.01, 0.02, 0.03, 0.1, 0.3], unrelated: 150, words: 200, seed: 42 });
  const docs = asDocs(families);
  // a chain: each link 1.5% away from the previous one, so the ends are far apart and the
  // components take several clustering rounds to settle
  let words = families[0]!.text.split(' ');
  for (let i = 0; i < 40; i++) {
    words = words.map((w, j) => ((j * 7 + i * 13) % 67 === 0 ? `chain${i}x${j}` : w));
    docs.push({ id: `chain-${String(i).padStart(2, '0')}`, text: words.join(' '), source: 'test', meta: {} });
  }
  return docs;
}

describe('minhash_dedup: streaming and scale-out remove exactly the same documents', () => {
  const docs = mixedCorpus();
  const results = new Map<string, string[]>();

  const variants: [string, Record<string, unknown>, number][] = [
    ['streaming, 1 task', { mode: 'streaming' }, 1],
    ['streaming, 3 tasks', { mode: 'streaming' }, 3],
    ['scale_out, 1 task', { mode: 'scale_out' }, 1],
    ['scale_out, 3 tasks (default)', {}, 3],
    ['scale_out, 4 tasks, 7 step tasks', { tasks: 7 }, 4],
    ['scale_out, 5 tasks, 7 step tasks, 1 round (fallback)', { tasks: 7, cluster_rounds: 1 }, 5],
  ];

  it.each(variants)('%s', async (name, params, world) => {
    const run = await runBarrier(minhashDedupStage, params, docs, { workDir: workDir(), world });
    expectBalanced(run, docs.length);
    expect(run.removed.length).toBeGreaterThan(200);
    for (const r of run.removed) {
      expect(r.reason).toBe('minhash_duplicate');
      expect(typeof r.detail['kept_id']).toBe('string');
      expect(r.detail['similarity']).toBeGreaterThanOrEqual(0);
      expect(r.detail['similarity']).toBeLessThanOrEqual(1);
    }
    const kept = new Set(run.kept.map((d) => d.id));
    for (const r of run.removed) expect(kept.has(String(r.detail['kept_id']))).toBe(true);
    // one histogram entry per cluster, whichever task found it
    const histogram = run.stats.stats.histograms['minhash_cluster_size'] ?? {};
    const clusters = run.stats.stats.stages['minhash_dedup']!.counters['minhash_clusters'];
    expect(Object.values(histogram).reduce((a, b) => a + b, 0)).toBe(clusters);
    if (name.includes('fallback')) expect(run.stats.stats.stages['minhash_dedup']!.counters['minhash_cluster_fallback_edges']).toBeGreaterThan(0);
    else if (name.startsWith('scale_out')) expect(run.stats.stats.stages['minhash_dedup']!.counters['minhash_cluster_fallback_edges']).toBeUndefined();
    results.set(name, [...decisions(run), `histogram ${JSON.stringify(Object.entries(histogram).sort())}`]);
  });

  it('every variant made the same decisions (removed ids, kept ids, similarities, histogram)', () => {
    expect(results.size).toBe(variants.length);
    const [first, ...rest] = [...results.values()];
    for (const r of rest) expect(r).toEqual(first);
  });
});

describe('minhash_dedup quality on near-duplicates with known ground truth', () => {
  // the benchmark prints these scores (quality rows); here they are held to a floor
  const gen = qualityCorpus();
  let score: QualityScore;

  it('runs', async () => {
    const run = await runBarrier(minhashDedupStage, {}, asDocs(gen), { workDir: workDir(), world: 1 });
    expectBalanced(run, gen.length);
    score = scoreRemovals(
      gen,
      run.removed.map((r) => ({ id: r.doc.id, keptId: String(r.detail['kept_id']) })),
    );
  });

  it('precision >= 0.99 and recall >= 0.95 against the generated truth; unrelated documents stay', () => {
    expect(score.removed).toBeGreaterThan(900);
    expect(score.precision).toBeGreaterThanOrEqual(0.99);
    expect(score.recall).toBeGreaterThanOrEqual(0.95);
    expect(score.unrelatedRemoved).toBe(0);
  });

  it('recall >= 0.95 of the pairs whose true Jaccard is >= 0.8', () => {
    expect(score.closePairs).toBeGreaterThan(1000);
    expect(score.closePairsJoined).toBeGreaterThanOrEqual(0.95);
  });
});

describe('minhash_dedup edge cases', () => {
  it('a cluster of 10,000 copies collapses to one, in both modes', async () => {
    const text = familyCorpus({ families: 1, rates: [], unrelated: 0, words: 120, seed: 3 })[0]!.text;
    const docs: Doc[] = [];
    for (let i = 0; i < 10_000; i++) docs.push({ id: `copy-${String(i).padStart(5, '0')}`, text, source: 'test', meta: {} });
    for (const d of asDocs(familyCorpus({ families: 0, rates: [], unrelated: 50, words: 120, seed: 4 }))) docs.push(d);
    for (const [params, world] of [
      [{ mode: 'streaming' }, 1],
      [{ mode: 'scale_out' }, 4],
    ] as const) {
      const run = await runBarrier(minhashDedupStage, params, docs, { workDir: workDir(), world });
      expectBalanced(run, docs.length);
      expect(run.kept.length).toBe(51);
      expect(run.kept.filter((d) => d.id.startsWith('copy-')).map((d) => d.id)).toEqual(['copy-00000']);
      expect(run.removed.every((r) => r.detail['kept_id'] === 'copy-00000' && r.detail['similarity'] === 1)).toBe(true);
      expect(run.stats.stats.histograms['minhash_cluster_size']).toEqual({ '8192-16383': 1 });
    }
  });

  it('empty and one-word documents neither crash nor all collide', async () => {
    const docs: Doc[] = [];
    for (let i = 0; i < 50; i++) docs.push({ id: `empty-${i}`, text: i % 2 ? '' : ' ... ', source: 'test', meta: {} });
    for (let i = 0; i < 50; i++) docs.push({ id: `word-${i}`, text: `word${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, source: 'test', meta: {} });
    docs.push({ id: 'word-repeat', text: 'Wordaa!', source: 'test', meta: {} });
    for (const world of [1, 3]) {
      const run = await runBarrier(minhashDedupStage, {}, docs, { workDir: workDir(), world });
      expectBalanced(run, docs.length);
      expect(run.removed.map((r) => [r.doc.id, r.detail['kept_id']])).toEqual([['word-repeat', 'word-0']]);
      expect(run.stats.stats.stages['minhash_dedup']!.counters['minhash_no_shingles']).toBe(50);
    }
  });

  it('keep rules: smallest id, longest, first', async () => {
    const base = familyCorpus({ families: 1, rates: [], unrelated: 0, words: 200, seed: 5 })[0]!.text;
    const docs: Doc[] = [
      { id: 'b', text: base, source: 'test', meta: {} },
      { id: 'c', text: `${base} tail`, source: 'test', meta: {} },
      { id: 'a', text: base.replace(/^\S+/, 'x'), source: 'test', meta: {} },
    ];
    const kept = async (keep: string): Promise<string> => (await runBarrier(minhashDedupStage, { keep }, docs, { workDir: workDir(), world: 1 })).kept.map((d) => d.id).join();
    expect(await kept('smallest_id')).toBe('a');
    expect(await kept('longest')).toBe('c');
    expect(await kept('first')).toBe('b');
  });

  it('a pass whose input pass has not finished stops with SLUICE_ARTEFACT and says which', async () => {
    const docs = asDocs(familyCorpus({ families: 5, rates: [0, 0.01], unrelated: 5, words: 100, seed: 6 }));
    const failure = async (params: Record<string, unknown>, world: number, after: string, marker: (dir: string) => string): Promise<SluiceError> => {
      const dir = workDir();
      const betweenPhases = (phase: string): void => {
        if (phase === after) rmSync(marker(dir));
      };
      const err = await runBarrier(minhashDedupStage, params, docs, { workDir: dir, world, betweenPhases }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).code).toBe('SLUICE_ARTEFACT');
      return err as SluiceError;
    };
    const collect = await failure({ mode: 'scale_out' }, 2, 'collect', (dir) =>
      join(
        dir,
        'collect',
        readdirSync(join(dir, 'collect'))
          .filter((n) => n.endsWith('.json'))
          .sort()[1]!,
      ),
    );
    expect(collect.message).toMatch(/task 1 has not finished collecting .*ENOENT/);
    const removals = await failure({}, 1, 'index', (dir) =>
      join(
        dir,
        'removals',
        readdirSync(join(dir, 'removals')).find((n) => n.endsWith('.json'))!,
      ),
    );
    expect(removals.message).toMatch(/task 0 has not written its removal list/);
    const round = await failure({ mode: 'scale_out', cluster_rounds: 2 }, 2, 'cc2', (dir) =>
      join(
        dir,
        'edges',
        'cc2',
        readdirSync(join(dir, 'edges', 'cc2'))
          .filter((n) => n.startsWith('t'))
          .sort()[0]!,
      ),
    );
    expect(round.message).toMatch(/clustering round 2 task 0 has not finished/);
  });

  it('a damaged intermediate file stops the run with SLUICE_ARTEFACT', async () => {
    const docs = asDocs(familyCorpus({ families: 5, rates: [0, 0.01], unrelated: 5, words: 100, seed: 6 }));
    const dir = workDir();
    const damage = (phase: string): void => {
      if (phase !== 'collect') return;
      const file = join(
        dir,
        'collect',
        readdirSync(join(dir, 'collect')).find((n) => n.endsWith('.b003.keys'))!,
      );
      const bytes = readFileSync(file);
      bytes.writeUInt8(bytes.readUInt8(40) ^ 0xff, 40);
      writeFileSync(file, bytes);
    };
    const err = await runBarrier(minhashDedupStage, { mode: 'scale_out' }, docs, { workDir: dir, world: 2, betweenPhases: damage }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('SLUICE_ARTEFACT');
    expect((err as SluiceError).message).toMatch(/b003\.keys: block 0 .* fails its CRC-32/);
  });
});

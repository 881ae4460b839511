import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { ledgerBalance } from '../../src/core/stats.js';
import { exactDedupStage } from '../../src/dedup/exact.js';
import { decisions, runBarrier } from './barrier-harness.js';
import { randomWords, vocabulary } from '../corpora/dedup-families.js';
import { mulberry32 } from '../../src/core/random.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-exact-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let runs = 0;
const workDir = (): string => join(root, `run-${runs++}`);
const d = (id: string, text: string, meta: Doc['meta'] = {}): Doc => ({ id, text, source: 'test', meta });

describe('exact_dedup', () => {
  it('simple normalization makes case, punctuation, digits and accents irrelevant; none does not', async () => {
    const docs = [d('a', 'Hello, World! 2024 café'), d('b', 'hello world 1999 CAFE'), d('c', 'hello world 1999 cafe extra'), d('d', 'Hello, World! 2024 café')];
    const simple = await runBarrier(exactDedupStage, {}, docs, { workDir: workDir(), world: 1 });
    expect(simple.kept.map((x) => x.id).sort()).toEqual(['a', 'c']);
    expect(simple.removed.map((r) => [r.doc.id, r.reason, r.detail['kept_id']]).sort()).toEqual([
      ['b', 'exact_duplicate', 'a'],
      ['d', 'exact_duplicate', 'a'],
    ]);
    const none = await runBarrier(exactDedupStage, { normalize: 'none' }, docs, { workDir: workDir(), world: 1 });
    expect(none.removed.map((r) => r.doc.id)).toEqual(['d']);
  });

  it('deduplicates on a meta field; documents without it pass and are counted', async () => {
    const docs = [
      d('1', 'first text', { url: 'https://example.com/a' }),
      d('2', 'other text', { url: 'https://example.com/a' }),
      d('3', 'third text', { url: 'https://example.com/A' }),
      d('4', 'no url here'),
      d('5', 'no url here', { url: 42 }),
    ];
    const run = await runBarrier(exactDedupStage, { field: 'url', normalize: 'none' }, docs, { workDir: workDir(), world: 2 });
    expect(run.kept.map((x) => x.id).sort()).toEqual(['1', '3', '4', '5']);
    expect(run.removed.map((r) => [r.doc.id, r.detail['kept_id']])).toEqual([['2', '1']]);
    expect(run.stats.stats.stages['exact_dedup']!.counters['exact_missing_field']).toBe(2);
  });

  it('keep rules', async () => {
    const docs = [d('m', 'Same text.'), d('z', 'same TEXT'), d('a', 'same text!!!')];
    const kept = async (keep: string): Promise<string> => (await runBarrier(exactDedupStage, { keep }, docs, { workDir: workDir(), world: 1 })).kept.map((x) => x.id).join();
    expect(await kept('smallest_id')).toBe('a');
    expect(await kept('longest')).toBe('a');
    expect(await kept('first')).toBe('m');
  });

  it('streaming and scale-out, any task split: the same removals, a balanced ledger, one histogram entry per group', async () => {
    const vocab = vocabulary(2000, 1);
    const r = mulberry32(2);
    const texts = Array.from({ length: 300 }, () => randomWords(20, vocab, r).join(' '));
    const docs: Doc[] = [];
    for (let i = 0; i < 3000; i++) docs.push(d(`doc-${(i * 7919) % 3000}`, texts[Math.floor(r() ** 2 * texts.length)]!));
    const results: string[][] = [];
    for (const [params, world] of [
      [{ mode: 'streaming' }, 1],
      [{ mode: 'streaming' }, 4],
      [{}, 3],
      [{ tasks: 16 }, 5],
    ] as const) {
      const run = await runBarrier(exactDedupStage, params, docs, { workDir: workDir(), world });
      const ledger = run.stats.stats.ledger;
      expect(ledger.docs_in).toBe(3000);
      expect(ledgerBalance(ledger)).toBe(0);
      expect(ledger.duplicates).toBe(run.removed.length);
      const groups = run.stats.stats.stages['exact_dedup']!.counters['exact_clusters']!;
      expect(run.kept.length + run.removed.length).toBe(3000);
      expect(Object.values(run.stats.stats.histograms['exact_cluster_size']!).reduce((a, b) => a + b, 0)).toBe(groups);
      results.push(decisions(run));
    }
    expect(results[0]!.length).toBeGreaterThan(2500);
    for (const r2 of results.slice(1)) expect(r2).toEqual(results[0]);
  });

  it('empty documents are duplicates of each other', async () => {
    const run = await runBarrier(exactDedupStage, {}, [d('x', ''), d('y', '  '), d('w', '...')], { workDir: workDir(), world: 1 });
    expect(run.kept.map((x) => x.id)).toEqual(['w']);
  });
});

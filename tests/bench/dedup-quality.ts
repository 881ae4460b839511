/**
 * Dedup quality rows: minhash_dedup over the family corpus with known ground truth (the one
 * tests/dedup/minhash.test.ts holds to a floor), with and without the candidate check, and the
 * signature estimate's error against the true Jaccard (tests/dedup/signature.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { RejectDetail, StageContext } from '../../src/core/stage.js';
import type { StageRecorder } from '../../src/core/stats.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { minhashParams } from '../../src/dedup/minhash/config.js';
import { minhashDedupStage } from '../../src/dedup/minhash/stage.js';
import { estimateErrors, estimatePairs, qualityCorpus, scoreRemovals, type EstimateErrors, type QualityScore, type RemovalDecision } from '../corpora/dedup-families.js';
import type { BenchRow } from './types.js';

/** A stage context for running barrier phases outside the runner; rejects are not expected. */
export function benchStageContext(rank: number, world: number, stats: StageRecorder, onDuplicate: (doc: Doc, detail: RejectDetail) => void): StageContext {
  return {
    rank,
    world,
    stage: 'minhash_dedup',
    stats,
    signal: new AbortController().signal,
    log: silentLogger,
    strict: false,
    reject() {
      throw new Error('unexpected reject');
    },
    duplicate(doc, _reason, detail) {
      onDuplicate(doc, detail ?? {});
    },
  };
}

async function* each(docs: Doc[]): AsyncIterable<Doc> {
  yield* docs;
}

/** Runs minhash_dedup on `docs` as one task (collect, the steps, apply) and returns its removals. */
async function minhashRemovals(docs: Doc[], params: Record<string, unknown>): Promise<RemovalDecision[]> {
  const workDir = mkdtempSync(join(tmpdir(), 'sluice-bench-quality-'));
  try {
    const built = await minhashDedupStage.build(minhashParams.parse(params), { workDir, world: 1, configDir: '.', log: silentLogger });
    if (built.kind !== 'barrier') throw new Error('minhash_dedup is not a barrier');
    const { collect, steps, apply } = built.barrier;
    const stats = new StatsRecorder().stage('minhash_dedup');
    const removals: RemovalDecision[] = [];
    const ctx = benchStageContext(0, 1, stats, (doc, detail) => removals.push({ id: doc.id, keptId: String(detail['kept_id']) }));
    const spilled: Doc[] = [];
    for await (const d of collect(each(docs), ctx)) spilled.push(d);
    for (const step of steps) {
      const tasks = Math.max(1, step.tasks(1));
      for (let t = 0; t < tasks; t++) await step.run(t, tasks, { signal: ctx.signal, log: silentLogger, stats });
    }
    for await (const _ of apply(each(spilled), ctx));
    return removals;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export interface QualityResult {
  checked: QualityScore;
  unchecked: QualityScore;
  estimates: EstimateErrors;
  estimates448: EstimateErrors;
}

/** Child: the quality figures. */
export async function qualityChild(): Promise<QualityResult> {
  const gen = qualityCorpus();
  const docs: Doc[] = gen.map((d) => ({ id: d.id, text: d.text, source: 'bench', meta: {} }));
  const pairs = estimatePairs();
  return {
    checked: scoreRemovals(gen, await minhashRemovals(docs, {})),
    unchecked: scoreRemovals(gen, await minhashRemovals(docs, { min_similarity: 0 })),
    estimates: estimateErrors(pairs),
    estimates448: estimateErrors(pairs, { bands: 56, rows: 8 }),
  };
}

export function qualityRows(q: QualityResult): BenchRow[] {
  const corpus = 'quality corpus (250 families of 300 words, 500 unrelated)';
  const rows: BenchRow[] = [];
  for (const [name, s] of [
    ['minhash_dedup, 14x8, min_similarity 0.7', q.checked],
    ['minhash_dedup, 14x8, min_similarity 0', q.unchecked],
  ] as const) {
    const variant = `${name}, ${corpus}`;
    rows.push(
      {
        bench: 'dedup',
        variant,
        metric: 'precision',
        value: s.precision,
        unit: '',
        note: `generated truth: removed and kept are duplicates of one base; ${s.removed} removed, ${s.unrelatedRemoved} unrelated`,
      },
      { bench: 'dedup', variant, metric: 'recall', value: s.recall, unit: '', note: 'generated truth: all but one of each base and its 0-1.5% edits' },
      { bench: 'dedup', variant, metric: 'precision at Jaccard 0.8', value: s.precisionAtJaccard08, unit: '', note: 'removals whose true Jaccard to the kept document is >= 0.8' },
      {
        bench: 'dedup',
        variant,
        metric: 'close pairs joined',
        value: s.closePairsJoined,
        unit: '',
        note: `of the ${s.closePairs} pairs in a family with true Jaccard >= 0.8, the share in one cluster`,
      },
    );
  }
  for (const [hashes, e] of [
    [112, q.estimates],
    [448, q.estimates448],
  ] as const) {
    const variant = `Jaccard estimate, ${hashes} hashes, 400 pairs at 0.1-1.0`;
    rows.push(
      { bench: 'dedup', variant, metric: 'mean abs error', value: e.meanAbsolute, unit: '', note: `largest ${e.maxAbsolute.toFixed(3)}` },
      { bench: 'dedup', variant, metric: 'within 0.1', value: e.within01, unit: '', note: 'share of pairs' },
      { bench: 'dedup', variant, metric: 'max decile bias', value: e.maxDecileBias, unit: '', note: 'largest mean signed error over a decile of true Jaccard' },
    );
  }
  return rows;
}

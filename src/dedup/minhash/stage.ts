import { basename } from 'node:path';
import { defineStage, type GlobalStep, type RemovedDocs } from '../../core/stage.js';
import { applyRemovals } from '../apply.js';
import { fusibleBarrier } from '../upstream.js';
import { DedupWorkLayout } from '../work-layout.js';
import { bucketsStep } from './buckets.js';
import { clustersStep } from './clusters.js';
import { collectSignatures, NO_SHINGLES } from './collect.js';
import { describeConfig, hashingParams, minhashParams, paramsDigest, resolveMinhashConfig, type MinhashConfig } from './config.js';
import { streamingIndexStep } from './index-step.js';
import { curveThreshold } from './lsh.js';
import { starRoundStep } from './star-rounds.js';

/** The global steps of a configuration, in order; `upstream`: fused after barriers whose removed documents they leave out. */
export function minhashSteps(layout: DedupWorkLayout, c: MinhashConfig, digest: string, upstream?: RemovedDocs): GlobalStep[] {
  if (c.mode === 'streaming') return [streamingIndexStep(layout, c, digest, upstream)];
  const rounds = Array.from({ length: c.rounds }, (_, i) => starRoundStep(layout, c, i + 1));
  return [bucketsStep(layout, c, digest, upstream), ...rounds, clustersStep(layout, c)];
}

/** How many step tasks write removal lists (what apply reads). */
export function minhashRemovalTasks(c: MinhashConfig): number {
  return c.mode === 'streaming' ? 1 : c.tasks;
}

/**
 * Near-duplicate removal with MinHash and LSH, as a barrier:
 *   collect (every task): signatures, band keys sorted per band, document table
 *   streaming:  index (1 task: in-memory band index + union-find)
 *   scale_out:  buckets (band/key-range cells) -> cc1..ccN (distributed components) -> clusters
 *   apply (every task): drop the removed documents, each with the kept id and similarity
 */
export const minhashDedupStage = defineStage({
  name: 'minhash_dedup',
  summary: 'remove near-duplicates: MinHash signatures, LSH bands, clusters joined across bands; keeps one document per cluster',
  params: minhashParams,
  build(params, env) {
    const c = resolveMinhashConfig(params, env.world, env.stepTasks);
    const layout = new DedupWorkLayout(env.workDir);
    const hashing = hashingParams(c);
    const digest = paramsDigest({ ...hashing, world: c.world });
    env.log.debug(describeConfig(c));
    return {
      kind: 'barrier',
      barrier: fusibleBarrier(layout, minhashRemovalTasks(c), (upstream) => ({
        collect: collectSignatures(layout, c, hashing, digest, upstream !== undefined),
        steps: minhashSteps(layout, c, digest, upstream),
        apply: applyRemovals(layout, minhashRemovalTasks(c), 'minhash_duplicate', true, upstream && { upstream, counter: NO_SHINGLES }),
      })),
      manifest: {
        [basename(env.workDir)]: {
          config: describeConfig(c),
          shingle: c.shingle,
          ngram: c.ngram,
          bands: c.bands,
          rows: c.rows,
          seed: c.seed,
          keep: c.keep,
          mode: c.mode,
          s_curve_threshold: Math.round(curveThreshold(c) * 1000) / 1000,
          constants_sha256: String(hashing['constants_sha256']),
        },
      },
    };
  },
});

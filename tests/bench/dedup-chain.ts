/**
 * How many scale-out clustering rounds a long chain of near-duplicates (each document joined
 * only to the next) needs before it settles into one star: the worst case for the rounds of
 * local contraction (star-rounds.ts), whose default budget is `cluster_rounds: 8`.
 */
import { rmSync } from 'node:fs';
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { docRef } from '../../src/dedup/doc-ref.js';
import { bucketTasks } from '../../src/dedup/minhash/buckets.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';
import { PartitionedEdgeWriter } from '../../src/dedup/minhash/edges.js';
import { roundSettled, starRoundStep } from '../../src/dedup/minhash/star-rounds.js';
import { DedupWorkLayout } from '../../src/dedup/work-layout.js';

const MAX_ROUNDS = 64;

/**
 * Child: the chain's edges as the buckets step's tasks would hand them on (spread over them),
 * documents as if collected by 5 tasks; runs rounds until one finds its input settled.
 * Returns that round (0: not within MAX_ROUNDS).
 */
export async function chainRoundsChild(args: { workDir: string; docs: number; tasks: number }): Promise<number> {
  const { docs, tasks } = args;
  rmSync(args.workDir, { recursive: true, force: true });
  const layout = new DedupWorkLayout(args.workDir);
  try {
    const c = resolveMinhashConfig(minhashParams.parse({ mode: 'scale_out', tasks, cluster_rounds: MAX_ROUNDS }), tasks);
    const ref = (i: number): number => docRef(i % 5, Math.floor(i / 5));
    const writers = Array.from({ length: bucketTasks(c) }, (_, t) => new PartitionedEdgeWriter(layout, 'buckets', t, tasks));
    for (let i = 0; i + 1 < docs; i++) writers[i % writers.length]!.add(ref(i), ref(i + 1));
    for (const w of writers) await w.close();
    const stats = new StatsRecorder().stage('minhash_dedup');
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      const step = starRoundStep(layout, c, round);
      for (let p = 0; p < tasks; p++) await step.run(p, tasks, { signal: new AbortController().signal, log: silentLogger, stats });
      if (roundSettled(layout, round, tasks).settled) return round;
    }
    return 0;
  } finally {
    rmSync(args.workDir, { recursive: true, force: true });
  }
}

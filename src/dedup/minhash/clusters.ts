import type { GlobalStep } from '../../core/stage.js';
import { refPartition } from '../doc-ref.js';
import { ClusterResolver } from '../resolve.js';
import { writeRemovals } from '../removals.js';
import type { DedupWorkLayout } from '../work-layout.js';
import type { MinhashConfig } from './config.js';
import { forEachNeighbourhood, readEdges, sortUniquePairs } from './edges.js';
import { CLUSTER_HISTOGRAM } from './index-step.js';
import { SignatureStore } from './signature-store.js';
import { roundName, roundSettled } from './star-rounds.js';
import { RefUnionFind } from './union-find.js';

export const CLUSTERS_STEP = 'clusters';

/**
 * Scale-out final step, one task per document partition. When the last round confirmed that
 * the edges had settled into stars, each task reads its own partition: every star centre it
 * owns is a whole component (the centre and its neighbours). It applies the keep rule, estimates
 * each removed document's similarity to the kept one from the stored signatures, records the
 * cluster size once per cluster, and writes the removals sorted by the task that collected them.
 *
 * Fallback, when the rounds did not settle (long chains of near-duplicates need more rounds
 * than `cluster_rounds`): every task reads all remaining edges and runs a union-find over them,
 * keeping the components whose smallest document it owns. Correct, but each task then holds
 * every remaining edge; it is logged as a warning with the count, and more rounds avoid it.
 */
export function clustersStep(layout: DedupWorkLayout, c: MinhashConfig): GlobalStep {
  return {
    name: CLUSTERS_STEP,
    tasks: () => c.tasks,
    async run(p, tasks, ctx) {
      const last = roundName(c.rounds);
      const { settled, unsettled, edges: final } = roundSettled(layout, c.rounds, tasks);
      const resolver = new ClusterResolver(layout, c.keep, ctx.stats, CLUSTER_HISTOGRAM, new SignatureStore(layout, c.numHashes));
      try {
        if (settled) {
          forEachNeighbourhood(sortUniquePairs(readEdges(layout, final, tasks, p)), (u, nb) => {
            if (nb[0]! > u) resolver.add([u, ...nb]);
          });
        } else {
          const all: Float64Array[] = [];
          for (let q = 0; q < tasks; q++) all.push(readEdges(layout, last, tasks, q));
          const uf = new RefUnionFind();
          let edges = 0;
          for (const pairs of all) {
            for (let i = 0; i < pairs.length; i += 2) uf.union(pairs[i]!, pairs[i + 1]!);
            edges += pairs.length / 2;
          }
          ctx.log.warn(`clustering did not settle in ${c.rounds} rounds (${unsettled} documents unsettled): this task held all ${edges} remaining edge records; raise cluster_rounds`);
          ctx.stats.count('minhash_cluster_fallback_edges', edges);
          for (const members of uf.components()) if (refPartition(members[0]!, tasks) === p) resolver.add(members);
        }
      } finally {
        resolver.close();
      }
      ctx.stats.count('minhash_clusters', resolver.clusters);
      await writeRemovals(layout, p, resolver.removals);
      ctx.log.debug(`${resolver.clusters} clusters, ${resolver.removals.length} documents to remove`);
    },
  };
}

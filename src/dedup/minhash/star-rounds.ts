/**
 * Connected components split across tasks, in rounds of local contraction. Documents are
 * hash-partitioned over the tasks and every edge is stored in the partitions of both its ends,
 * so a task sees all edges of the documents it owns (and no task holds more than that). A round
 * runs a union-find over its partition's edges and replaces them with one edge from every
 * document it saw to the smallest document of its local component: connectivity is kept, and
 * chains that one task sees in pieces are shortened every round. The rounds settle into one star
 * per component centred on the component's smallest document, a fixed point of the rewrite.
 *
 * Measured (tests/dedup/star-rounds.test.ts and the benchmark, tests/bench/dedup-chain.ts): the
 * stars the buckets step emits settle in 2 rounds; a chain of 50,000 near-duplicates settles in
 * 2 rounds with 1 task, 6 with 7 tasks and 9 with 32. The Large-Star/Small-Star alternation (Kiveris et al. 2014)
 * that this replaced needed 2 log2(n) rounds on chains: 20 for 1,000 documents.
 *
 * Each round also checks, for its own documents, whether its input already was such a star
 * forest (every document has either no smaller neighbour, or exactly one neighbour and it is
 * smaller). Once every task of a round says so, the rounds after it have nothing to do and only
 * pass on where the final edges are; the final step reads each component whole from the
 * partition of its centre. If the last round still found unsettled documents, it falls back to a
 * union-find over the remaining edges (see clusters.ts).
 */
import type { GlobalStep } from '../../core/stage.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { readMarker } from '../marker.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { BUCKETS_STEP, bucketTasks } from './buckets.js';
import type { MinhashConfig } from './config.js';
import { RefUnionFind } from './union-find.js';
import { forEachNeighbourhood, PartitionedEdgeWriter, readEdges, sortUniquePairs } from './edges.js';

export interface RoundStatus {
  task: number;
  /** Documents whose neighbourhood was not yet a star leaf or centre. */
  unsettled: number;
  edgesIn: number;
  edgesOut: number;
  /** The round whose edge files hold this round's output (itself, or an earlier one when skipped). */
  edges: string;
  /** Nothing to do: the previous round's input had already settled, so its output is final. */
  skipped?: boolean;
}

export function roundName(round: number): string {
  return `cc${round}`;
}

/** The step whose edges round `round` reads, and how many tasks wrote them. */
function inputOf(c: MinhashConfig, round: number): { name: string; producers: number } {
  return round === 1 ? { name: BUCKETS_STEP, producers: bucketTasks(c) } : { name: roundName(round - 1), producers: c.tasks };
}

export function starRoundStep(layout: DedupWorkLayout, c: MinhashConfig, round: number): GlobalStep {
  return {
    name: roundName(round),
    tasks: () => c.tasks,
    async run(p, tasks, ctx) {
      if (round > 1) {
        const previous = roundSettled(layout, round - 1, tasks);
        if (previous.settled) {
          const status: RoundStatus = { task: p, unsettled: 0, edgesIn: 0, edgesOut: 0, edges: previous.edges, skipped: true };
          await writeFileAtomic(layout.roundStatus(roundName(round), p), JSON.stringify(status) + '\n');
          ctx.log.debug(`round ${round}: settled before, nothing to do`);
          return;
        }
      }
      const input = inputOf(c, round);
      const edges = sortUniquePairs(readEdges(layout, input.name, input.producers, p));
      let unsettled = 0;
      forEachNeighbourhood(edges, (u, nb) => {
        if (nb[0]! < u && nb.length > 1) unsettled++;
      });
      const uf = new RefUnionFind();
      for (let i = 0; i < edges.length; i += 2) uf.union(edges[i]!, edges[i + 1]!);
      const writer = new PartitionedEdgeWriter(layout, roundName(round), p, tasks);
      for (const [member, root] of uf.pairs()) if (member !== root) writer.add(member, root);
      await writer.close();
      const status: RoundStatus = { task: p, unsettled, edgesIn: edges.length / 2, edgesOut: writer.edges, edges: roundName(round) };
      await writeFileAtomic(layout.roundStatus(roundName(round), p), JSON.stringify(status) + '\n');
      ctx.log.debug(`round ${round}: ${status.edgesIn} edges in, ${status.edgesOut} out, ${unsettled} documents not yet in a star`);
    },
  };
}

/**
 * Whether every task of round `round` found its input already settled into stars (then that
 * round's output, in the edge files of round `edges`, is the final star forest).
 */
export function roundSettled(layout: DedupWorkLayout, round: number, tasks: number): { settled: boolean; unsettled: number; edges: string } {
  let unsettled = 0;
  let edges = roundName(round);
  for (let p = 0; p < tasks; p++) {
    const path = layout.roundStatus(roundName(round), p);
    const s = readMarker<RoundStatus>(path, `clustering round ${round} task ${p} has not finished`);
    unsettled += s.unsettled;
    edges = s.edges;
  }
  return { settled: unsettled === 0, unsettled, edges };
}

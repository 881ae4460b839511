/**
 * Connected components split across tasks: the alternating Large-Star / Small-Star algorithm
 * (Kiveris et al., "Connected Components in MapReduce and Beyond", SoCC 2014). Documents are
 * hash-partitioned over the tasks; a round reads the edges of the documents it owns, rewrites
 * them, and sends each new edge to the owners of both ends. No task ever holds more than its own
 * partition's edges. The rounds converge to one star per component, centred on the component's
 * smallest document, which is a fixed point of both operations.
 *
 * Each round also checks, for its own documents, whether its input already was such a star
 * forest (every document has either no smaller neighbour, or exactly one neighbour and it is
 * smaller). If every task of the last round says so, the final step reads each component
 * whole from the partition of its centre; otherwise it falls back to a union-find over the
 * remaining edges (see clusters.ts).
 */
import { readFileSync } from 'node:fs';
import type { GlobalStep } from '../../core/stage.js';
import { SluiceError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { BUCKETS_STEP, bucketTasks } from './buckets.js';
import type { MinhashConfig } from './config.js';
import { forEachNeighbourhood, PartitionedEdgeWriter, readEdges, sortUniquePairs } from './edges.js';

export interface RoundStatus {
  task: number;
  /** Documents whose neighbourhood was not yet a star leaf or centre. */
  unsettled: number;
  edgesIn: number;
  edgesOut: number;
}

export function roundName(round: number): string {
  return `cc${round}`;
}

/** The step whose edges round `round` reads, and how many tasks wrote them. */
function inputOf(c: MinhashConfig, round: number): { name: string; producers: number } {
  return round === 1 ? { name: BUCKETS_STEP, producers: bucketTasks(c) } : { name: roundName(round - 1), producers: c.tasks };
}

export function starRoundStep(layout: DedupWorkLayout, c: MinhashConfig, round: number): GlobalStep {
  const large = round % 2 === 1;
  return {
    name: roundName(round),
    tasks: () => c.tasks,
    async run(p, tasks, ctx) {
      const input = inputOf(c, round);
      const edges = sortUniquePairs(readEdges(layout, input.name, input.producers, p));
      const writer = new PartitionedEdgeWriter(layout, roundName(round), p, tasks);
      let unsettled = 0;
      try {
        forEachNeighbourhood(edges, (u, nb) => {
          const smallest = nb[0]!;
          if (smallest < u && nb.length > 1) unsettled++;
          if (large) {
            // Large-Star: every larger neighbour links to the smallest of the neighbourhood
            const m = Math.min(smallest, u);
            for (let i = nb.length - 1; i >= 0 && nb[i]! > u; i--) writer.add(nb[i]!, m);
          } else {
            // Small-Star: u and its smaller neighbours link to the smallest of them
            if (smallest > u) return;
            for (let i = 1; i < nb.length && nb[i]! < u; i++) writer.add(nb[i]!, smallest);
            writer.add(u, smallest);
          }
        });
        writer.close();
      } catch (err) {
        writer.abort();
        throw err;
      }
      const status: RoundStatus = { task: p, unsettled, edgesIn: edges.length / 2, edgesOut: writer.edges };
      await writeFileAtomic(layout.roundStatus(roundName(round), p), JSON.stringify(status) + '\n');
      ctx.log.info(`${large ? 'large' : 'small'}-star round ${round}: ${status.edgesIn} edges in, ${status.edgesOut} out, ${unsettled} documents unsettled`);
    },
  };
}

/** Whether every task of round `round` found its input already settled into stars. */
export function roundSettled(layout: DedupWorkLayout, round: number, tasks: number): { settled: boolean; unsettled: number } {
  let unsettled = 0;
  for (let p = 0; p < tasks; p++) {
    const path = layout.roundStatus(roundName(round), p);
    let s: RoundStatus;
    try {
      s = JSON.parse(readFileSync(path, 'utf8')) as RoundStatus;
    } catch (err) {
      throw new SluiceError('SLUICE_ARTEFACT', `clustering round ${round} task ${p} has not finished (${path}: ${(err as Error).message})`, { file: path });
    }
    unsettled += s.unsettled;
  }
  return { settled: unsettled === 0, unsettled };
}

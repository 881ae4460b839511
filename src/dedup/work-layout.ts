import { join } from 'node:path';
import { pad } from '../core/pad.js';

/**
 * Where a dedup stage keeps its intermediate files, under the stage instance's private work
 * directory (so two dedup stages in one pipeline never share files). One place for every path.
 *
 *   collect/r<rank>.json            what one task collected (written last: its completion marker)
 *   collect/r<rank>.docs.idx|.ids   document ids and lengths, by ordinal
 *   collect/r<rank>.sig             MinHash signatures, by ordinal
 *   collect/r<rank>.b<band>.keys    band keys (or exact keys), sorted, with key-range offsets
 *   collect/r<rank>.deferred        ordinals a fused collect left for apply to count (upstream.ts)
 *   params.json                     hashing parameters and permutation constants
 *   edges/<round>/f<from>.edges     cluster edges one round task passes on, grouped by destination
 *   edges/<round>/f<from>.json      each destination's byte range in f<from>.edges (written last)
 *   edges/<round>/t<task>.json      what one round task saw (convergence check)
 *   removals/t<task>.rm             documents to remove found by step task <task>, sorted by rank
 *   removals/t<task>.ord            their ordinals alone, u32, in the same order (for fused stages)
 *   removals/t<task>.json           each rank's byte range in t<task>.rm and .ord (written last)
 */
export class DedupWorkLayout {
  constructor(readonly dir: string) {}

  get params(): string {
    return join(this.dir, 'params.json');
  }
  collectManifest(rank: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.json`);
  }
  docIndex(rank: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.docs.idx`);
  }
  docIds(rank: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.docs.ids`);
  }
  signatures(rank: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.sig`);
  }
  deferred(rank: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.deferred`);
  }
  keys(rank: number, band: number): string {
    return join(this.dir, 'collect', `r${pad(rank)}.b${String(band).padStart(3, '0')}.keys`);
  }
  edges(round: string, from: number): string {
    return join(this.dir, 'edges', round, `f${pad(from)}.edges`);
  }
  edgeIndex(round: string, from: number): string {
    return join(this.dir, 'edges', round, `f${pad(from)}.json`);
  }
  roundStatus(round: string, task: number): string {
    return join(this.dir, 'edges', round, `t${pad(task)}.json`);
  }
  removals(task: number): string {
    return join(this.dir, 'removals', `t${pad(task)}.rm`);
  }
  removedOrdinals(task: number): string {
    return join(this.dir, 'removals', `t${pad(task)}.ord`);
  }
  removalIndex(task: number): string {
    return join(this.dir, 'removals', `t${pad(task)}.json`);
  }
}

import { SluiceError } from '../../core/errors.js';
import type { GlobalStep, RemovedDocs } from '../../core/stage.js';
import { readCollectManifests, slicesOf } from '../collect-manifest.js';
import { KEY_RANGES, mergeGroups } from '../sorted-keys.js';
import type { DedupWorkLayout } from '../work-layout.js';
import type { MinhashConfig } from './config.js';
import { PartitionedEdgeWriter } from './edges.js';
import { RefUnionFind } from './union-find.js';
import { PairVerifier } from './verify.js';
import { bucketHead } from './bucket-head.js';
import { BAND_ROW_WIDTH } from './collect.js';
import { DocLookup } from '../doc-table.js';
import type { DocRef } from '../doc-ref.js';
import { LeftOut } from '../upstream.js';

export const BUCKETS_STEP = 'buckets';

/** Tasks of the buckets step: one per cell at most (a cell is one key range of one band). */
export function bucketTasks(c: MinhashConfig): number {
  return Math.min(c.tasks, c.bands * KEY_RANGES);
}

/**
 * Scale-out step 1, one task per slice of (band, key range) cells. For each of its cells it
 * k-way merges every collect task's sorted run, so equal band keys meet; each member of a
 * bucket that passes the similarity check against the bucket's head (see bucket-head.ts) is
 * joined to it in a union-find local to this task. It then writes only that forest
 * (each document to the smallest document of its local set), partitioned by document for the
 * clustering rounds: at most one edge per document it saw, however many bands collided.
 * Memory: one chunk per collect task while merging, plus the documents it joins.
 * `upstream`: fused after barriers whose removed documents it leaves out of every bucket.
 */
export function bucketsStep(layout: DedupWorkLayout, c: MinhashConfig, digest: string, upstream?: RemovedDocs): GlobalStep {
  return {
    name: BUCKETS_STEP,
    tasks: () => bucketTasks(c),
    async run(t, tasks, ctx) {
      const manifests = readCollectManifests(layout, c.world, digest);
      const cells = c.bands * KEY_RANGES;
      const first = Math.floor((cells * t) / tasks);
      const last = Math.floor((cells * (t + 1)) / tasks);
      const uf = new RefUnionFind();
      const verifier = new PairVerifier(layout, c.numHashes, c.minSimilarity);
      const docs = new DocLookup(layout);
      const leftOut = upstream && new LeftOut(upstream);
      let collisions = 0;
      let buckets = 0;
      try {
        for (let b = Math.floor(first / KEY_RANGES); b * KEY_RANGES < last; b++) {
          if (ctx.signal.aborted) throw new SluiceError('SLUICE_TASK_FAILED', 'minhash buckets step was cancelled');
          const q0 = Math.max(first - b * KEY_RANGES, 0);
          const q1 = Math.min(last - b * KEY_RANGES, KEY_RANGES);
          mergeGroups(slicesOf(layout, manifests, b, q0, q1), BAND_ROW_WIDTH, 2, (all, allTags) => {
            const [members, tags] = leftOut ? without(leftOut, all, allTags) : [all, allTags];
            if (members.length < 2) return;
            buckets++;
            collisions += members.length - 1;
            const head = members[bucketHead(members, tags, docs)]!;
            for (const m of members) if (m !== head && !uf.connected(head, m) && verifier.accept(head, m)) uf.union(head, m);
          });
        }
      } finally {
        verifier.close();
        docs.close();
      }
      verifier.record(ctx.stats);
      const writer = new PartitionedEdgeWriter(layout, BUCKETS_STEP, t, c.tasks);
      for (const [member, root] of uf.pairs()) if (member !== root) writer.add(member, root);
      await writer.close();
      ctx.stats.count('minhash_band_collisions', collisions);
      ctx.log.debug(`cells ${first}..${last - 1}: ${buckets} shared buckets, ${uf.size} documents, ${writer.edges} edges out`);
    },
  };
}

/** A bucket's members and their tags, less the documents left out. */
function without(leftOut: LeftOut, members: DocRef[], tags: number[]): [DocRef[], number[]] {
  const m: DocRef[] = [];
  const t: number[] = [];
  for (let i = 0; i < members.length; i++) {
    if (leftOut.has(members[i]!)) continue;
    m.push(members[i]!);
    t.push(tags[i]!);
  }
  return [m, t];
}

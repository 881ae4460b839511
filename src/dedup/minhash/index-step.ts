import type { GlobalStep } from '../../core/stage.js';
import { ArtefactKind, CheckedReader, RecordCursor } from '../checked-file.js';
import { readCollectManifests } from '../collect-manifest.js';
import { docRef, type DocRef } from '../doc-ref.js';
import { ClusterResolver } from '../resolve.js';
import { writeRemovals } from '../removals.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { BandTable } from './band-table.js';
import type { MinhashConfig } from './config.js';
import { SignatureStore } from './signature-store.js';
import { UnionFind } from './union-find.js';

export const CLUSTER_HISTOGRAM = 'minhash_cluster_size';

/**
 * Streaming mode's one global step, a single task: an in-memory band index, one band at a
 * time. For each band it streams every task's (key, ordinal) run through a hash table of
 * key -> first document; a hit joins the two documents in a union-find over all documents.
 * Memory: one band's table (about 17 bytes per document) plus the union-find (4 bytes per
 * document); the signatures and ids stay on disk until a cluster needs them.
 */
export function streamingIndexStep(layout: DedupWorkLayout, c: MinhashConfig, digest: string): GlobalStep {
  return {
    name: 'index',
    tasks: () => 1,
    async run(_rank, _tasks, ctx) {
      const manifests = readCollectManifests(layout, c.world, digest);
      const base = [0];
      for (const m of manifests) base.push(base[base.length - 1]! + m.docs);
      const total = base[base.length - 1]!;
      let maxRows = 0;
      for (let b = 0; b < c.bands; b++) maxRows = Math.max(maxRows, manifests.reduce((s, m) => s + m.runs[b]!.rows, 0));

      const uf = new UnionFind(total);
      let table: BandTable | undefined = new BandTable(maxRows);
      let collisions = 0;
      for (let b = 0; b < c.bands; b++) {
        if (ctx.signal.aborted) throw new Error('cancelled');
        table.clear();
        for (const m of manifests) {
          const rows = m.runs[b]!.rows;
          if (rows === 0) continue;
          const reader = CheckedReader.open(layout.keys(m.rank, b), ArtefactKind.SortedKeys);
          try {
            const cursor = new RecordCursor(reader, 12, 0, rows * 12, 8192);
            const offset = base[m.rank]!;
            while (cursor.advanceChunk()) {
              const w = cursor.words;
              for (let i = 0, at = 0; i < cursor.count; i++, at += 3) {
                const g = offset + w[at + 2]!;
                const first = table.getOrInsert(w[at]!, w[at + 1]!, g);
                if (first >= 0) {
                  uf.union(first, g);
                  collisions++;
                }
              }
            }
          } finally {
            reader.close();
          }
        }
      }
      const indexBytes = table.bytes + uf.parent.byteLength;
      table = undefined;
      ctx.stats.count('minhash_band_collisions', collisions);

      const resolver = new ClusterResolver(layout, c.keep, ctx.stats, CLUSTER_HISTOGRAM, new SignatureStore(layout, c.numHashes));
      try {
        forEachCluster(uf, (members) => resolver.add(Array.from(members, (g) => refOf(base, g))));
      } finally {
        resolver.close();
      }
      ctx.stats.count('minhash_clusters', resolver.clusters);
      await writeRemovals(layout, 0, resolver.removals);
      ctx.log.info(`${total} documents, ${resolver.clusters} clusters, ${resolver.removals.length} to remove; index ${(indexBytes / 2 ** 20).toFixed(1)} MiB (${total > 0 ? (indexBytes / total).toFixed(1) : 0} bytes/document)`);
    },
  };
}

/** The ref of global document number `g`, given each task's first number. */
function refOf(base: number[], g: number): DocRef {
  let lo = 0;
  let hi = base.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (base[mid]! <= g) lo = mid;
    else hi = mid - 1;
  }
  return docRef(lo, g - base[lo]!);
}

/** Calls `onCluster` with the members (ascending) of every set of two or more. */
export function forEachCluster(uf: UnionFind, onCluster: (members: Int32Array) => void): void {
  const parent = uf.parent;
  const n = parent.length;
  // parents always point to smaller numbers, so one ascending pass resolves every root
  for (let g = 0; g < n; g++) parent[g] = parent[parent[g]!]!;
  const counts = new Int32Array(n);
  for (let g = 0; g < n; g++) counts[parent[g]!]!++;
  const starts = new Int32Array(n);
  let clustered = 0;
  for (let g = 0; g < n; g++) {
    if (parent[g] === g && counts[g]! > 1) {
      starts[g] = clustered;
      clustered += counts[g]!;
    }
  }
  const members = new Int32Array(clustered);
  for (let g = 0; g < n; g++) {
    const r = parent[g]!;
    if (counts[r]! > 1) members[starts[r]!++] = g; // starts[r] ends one past the cluster
  }
  for (let g = 0; g < n; g++) {
    if (parent[g] === g && counts[g]! > 1) onCluster(members.subarray(starts[g]! - counts[g]!, starts[g]!));
  }
}

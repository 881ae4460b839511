import { SluiceError } from '../../core/errors.js';
import type { GlobalStep, RemovedDocs } from '../../core/stage.js';
import { ArtefactKind, CheckedReader, RecordCursor } from '../checked-file.js';
import { readCollectManifests, type CollectManifest } from '../collect-manifest.js';
import { docRef, type DocRef } from '../doc-ref.js';
import { ClusterResolver } from '../resolve.js';
import { writeRemovals } from '../removals.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { BandTable } from './band-table.js';
import { headsBefore } from './bucket-head.js';
import type { MinhashConfig } from './config.js';
import { SignatureStore } from './signature-store.js';
import { UnionFind } from './union-find.js';
import { BAND_ROW_WIDTH } from './collect.js';
import { DocLookup } from '../doc-table.js';
import { PairVerifier } from './verify.js';
import { LeftOut } from '../upstream.js';

export const CLUSTER_HISTOGRAM = 'minhash_cluster_size';

/**
 * Streaming mode's one global step, a single task: an in-memory band index, one band at a
 * time. For each band it streams every task's rows through a hash table of band key -> bucket
 * head; each other member of a bucket is joined to the head in a union-find over all documents
 * (after the pair passes the similarity check, when it is not already in one cluster).
 * Memory: one band's table (about 23 bytes per document) plus the union-find (4 bytes per
 * document); the signatures and ids stay on disk until a cluster needs them.
 * `upstream`: fused after barriers whose removed documents it leaves out of every band (1 byte
 * per document more).
 */
export function streamingIndexStep(layout: DedupWorkLayout, c: MinhashConfig, digest: string, upstream?: RemovedDocs): GlobalStep {
  return {
    name: 'index',
    tasks: () => 1,
    async run(_rank, _tasks, ctx) {
      const manifests = readCollectManifests(layout, c.world, digest);
      const base = [0];
      for (const m of manifests) base.push(base[base.length - 1]! + m.docs);
      const total = base[base.length - 1]!;
      const uf = new UnionFind(total);
      const verifier = new PairVerifier(layout, c.numHashes, c.minSimilarity);
      const skip = upstream && leftOutByNumber(layout, new LeftOut(upstream), manifests, base);
      let joined: { collisions: number; tableBytes: number };
      try {
        joined = joinBandCollisions(layout, c, manifests, base, uf, verifier, ctx.signal, skip);
      } finally {
        verifier.close();
      }
      verifier.record(ctx.stats);
      ctx.stats.count('minhash_band_collisions', joined.collisions);
      const indexBytes = joined.tableBytes + uf.parent.byteLength;

      const resolver = new ClusterResolver(layout, c.keep, ctx.stats, CLUSTER_HISTOGRAM, new SignatureStore(layout, c.numHashes));
      try {
        forEachCluster(uf, (members) => resolver.add(Array.from(members, (g) => refOf(base, g))));
      } finally {
        resolver.close();
      }
      ctx.stats.count('minhash_clusters', resolver.clusters);
      await writeRemovals(layout, 0, resolver.removals);
      ctx.log.info(
        `${total - (skip?.reduce((n, x) => n + x, 0) ?? 0)} documents, ${resolver.clusters} clusters, ${resolver.removals.length} to remove; index ${(indexBytes / 2 ** 20).toFixed(1)} MiB (${total > 0 ? (indexBytes / total).toFixed(1) : 0} bytes/document)`,
      );
    },
  };
}

/**
 * Streams every task's run of each band twice through one reused hash table of band key ->
 * bucket head: once to find each bucket's head, once to join the other members to it.
 */
function joinBandCollisions(
  layout: DedupWorkLayout,
  c: MinhashConfig,
  manifests: CollectManifest[],
  base: number[],
  uf: UnionFind,
  verifier: PairVerifier,
  signal: AbortSignal,
  skip: Uint8Array | undefined,
): { collisions: number; tableBytes: number } {
  let maxRows = 0;
  for (let b = 0; b < c.bands; b++)
    maxRows = Math.max(
      maxRows,
      manifests.reduce((s, m) => s + m.runs[b]!.rows, 0),
    );
  const table = new BandTable(maxRows);
  const docs = new DocLookup(layout);
  let collisions = 0;
  try {
    for (let b = 0; b < c.bands; b++) {
      if (signal.aborted) throw new SluiceError('SLUICE_TASK_FAILED', 'minhash index was cancelled');
      table.clear();
      // pass 1: each bucket's head, by the rule the scale-out buckets step uses
      forEachBandRow(layout, manifests, base, b, (hi, lo, tag, g) => {
        if (skip?.[g] === 1) return;
        const s = table.slot(hi, lo);
        const head = table.doc[s]!;
        if (head === -1 || headsBefore(refOf(base, g), tag, refOf(base, head), table.tag[s]!, docs)) {
          table.doc[s] = g;
          table.tag[s] = tag;
        }
      });
      // pass 2: every other member is checked against its head and joined to it
      forEachBandRow(layout, manifests, base, b, (hi, lo, _tag, g) => {
        if (skip?.[g] === 1) return;
        const head = table.doc[table.slot(hi, lo)]!;
        if (head === g) return;
        collisions++;
        if (uf.find(head) !== uf.find(g) && verifier.accept(refOf(base, head), refOf(base, g))) uf.union(head, g);
      });
    }
  } finally {
    docs.close();
  }
  return { collisions, tableBytes: table.bytes };
}

/** Calls `onRow(keyHi, keyLo, tag, globalNumber)` for every row of band `b` of every task. */
function forEachBandRow(layout: DedupWorkLayout, manifests: CollectManifest[], base: number[], b: number, onRow: (hi: number, lo: number, tag: number, g: number) => void): void {
  const rowBytes = BAND_ROW_WIDTH * 4;
  for (const m of manifests) {
    const rows = m.runs[b]!.rows;
    if (rows === 0) continue;
    const reader = CheckedReader.open(layout.keys(m.rank, b), ArtefactKind.SortedKeys);
    try {
      const cursor = new RecordCursor(reader, rowBytes, 0, rows * rowBytes, 8192);
      const offset = base[m.rank]!;
      while (cursor.advanceChunk()) {
        const w = cursor.words;
        for (let i = 0, at = 0; i < cursor.count; i++, at += BAND_ROW_WIDTH) onRow(w[at]!, w[at + 1]!, w[at + 2]!, offset + w[at + 3]!);
      }
    } finally {
      reader.close();
    }
  }
}

/** 1 for each global document number the step leaves out. */
function leftOutByNumber(layout: DedupWorkLayout, leftOut: LeftOut, manifests: CollectManifest[], base: number[]): Uint8Array {
  const skip = new Uint8Array(base[base.length - 1]!);
  for (const [rank, ordinals] of leftOut.byTask()) {
    const docs = manifests[rank]?.docs ?? 0;
    for (const o of ordinals) {
      if (o >= docs)
        throw new SluiceError('SLUICE_ARTEFACT', `a stage fused before this one removes document ${o} of task ${rank}, which collected ${docs}`, { file: layout.dir, hint: 'rerun with --fresh' });
      skip[base[rank]! + o] = 1;
    }
  }
  return skip;
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

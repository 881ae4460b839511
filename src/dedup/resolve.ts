import { log2Bucket, type StageRecorder } from '../core/stats.js';
import { DocLookup } from './doc-table.js';
import type { DocRef } from './doc-ref.js';
import { chooseKept, type Candidate, type KeepRule } from './keep.js';
import { refOrdinal, refRank } from './doc-ref.js';
import type { Removal } from './removals.js';
import type { DedupWorkLayout } from './work-layout.js';

/** Estimates how similar a removed document is to the kept one (MinHash); exact dedup has none. */
export interface SimilaritySource {
  similarity(kept: DocRef, removed: DocRef): number;
  close(): void;
}

/**
 * Turns duplicate clusters into removal decisions: looks up the members' ids and lengths,
 * applies the keep rule, and records the cluster size once per cluster.
 */
export class ClusterResolver {
  readonly removals: Removal[] = [];
  clusters = 0;
  private readonly docs: DocLookup;

  constructor(
    layout: DedupWorkLayout,
    private readonly rule: KeepRule,
    private readonly stats: StageRecorder,
    private readonly histogram: string,
    private readonly similarity?: SimilaritySource,
  ) {
    this.docs = new DocLookup(layout);
  }

  /** One cluster of two or more documents. */
  add(members: readonly DocRef[]): void {
    const candidates: Candidate[] = members.map((ref) => ({ ref, ...this.docs.entry(ref) }));
    const kept = chooseKept(this.rule, candidates);
    for (const c of candidates) {
      if (c === kept) continue;
      const sim = this.similarity ? Math.round(this.similarity.similarity(kept.ref, c.ref) * 1000) / 1000 : 1;
      this.removals.push({ rank: refRank(c.ref), ordinal: refOrdinal(c.ref), id: c.id, keptId: kept.id, similarity: sim });
    }
    this.clusters++;
    this.stats.histogram(this.histogram, log2Bucket(members.length));
  }

  close(): void {
    this.docs.close();
    this.similarity?.close();
  }
}

/**
 * A dedup stage fused after another (Barrier.after in core/stage.ts): both collect in one pass, so
 * this one sees documents the other will remove, and must decide as if they were not there. Here:
 * what a dedup stage removes (from its removal lists), the documents a fused stage leaves out of
 * its steps, and the per-document counts its collect defers to apply, which sees only survivors.
 */
import type { RemovedDocs } from '../core/stage.js';
import { ArtefactKind, bytesOf, CheckedReader, writeChecked } from './checked-file.js';
import { refOrdinal, refRank, type DocRef } from './doc-ref.js';
import { loadRemovals, loadRemovedOrdinals } from './removals.js';
import type { DedupWorkLayout } from './work-layout.js';

const NONE = new Uint32Array(0);

/** Ascending union of two ascending lists. */
function mergeSorted(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i++]! : b[j++]!;
    if (n === 0 || out[n - 1] !== x) out[n++] = x;
  }
  return out.subarray(0, n);
}

/** Both sets' documents: a stage fused after two others leaves out what either removes. */
export function unionOf(a: RemovedDocs, b: RemovedDocs): RemovedDocs {
  return {
    ofRank: (rank) => mergeSorted(a.ofRank(rank), b.ofRank(rank)),
    all() {
      const out = a.all();
      for (const [rank, ordinals] of b.all()) out.set(rank, mergeSorted(out.get(rank) ?? NONE, ordinals));
      return out;
    },
  };
}

/**
 * What a dedup stage removes, from the removal lists its `tasks` step tasks write, with what the
 * stages fused before it remove (`upstream`): everything a stage fused after it must leave out.
 */
export function removedDocs(layout: DedupWorkLayout, tasks: number, upstream?: RemovedDocs): RemovedDocs {
  const own: RemovedDocs = {
    ofRank: (rank) => Uint32Array.from(loadRemovals(layout, tasks, rank).keys()).sort(),
    all: () => loadRemovedOrdinals(layout, tasks),
  };
  return upstream === undefined ? own : unionOf(upstream, own);
}

/**
 * The documents a fused stage's global step leaves out, for lookups by ref. Holds 4 bytes per
 * left-out document (every task's), which a step task reads once.
 */
export class LeftOut {
  private readonly byRank: Map<number, Uint32Array>;

  constructor(upstream: RemovedDocs) {
    this.byRank = upstream.all();
  }

  /** Each rank's left-out ordinals, ascending. */
  byTask(): Iterable<[rank: number, ordinals: Uint32Array]> {
    return this.byRank.entries();
  }

  has(ref: DocRef): boolean {
    return this.hasOrdinal(refRank(ref), refOrdinal(ref));
  }

  hasOrdinal(rank: number, ordinal: number): boolean {
    const list = this.byRank.get(rank);
    if (list === undefined) return false;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]! < ordinal) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && list[lo] === ordinal;
  }
}

/**
 * Ordinals of the documents a fused collect would have counted under one counter (a missing key
 * field, no shingles): it writes them, and apply counts those that survive the stages before it,
 * so the counter reads what it would have unfused.
 */
export class DeferredCount {
  private ordinals = new Uint32Array(256);
  private length = 0;

  add(ordinal: number): void {
    if (this.length === this.ordinals.length) {
      const grown = new Uint32Array(this.length * 2);
      grown.set(this.ordinals);
      this.ordinals = grown;
    }
    this.ordinals[this.length++] = ordinal;
  }

  write(layout: DedupWorkLayout, rank: number): void {
    writeChecked(layout.deferred(rank), ArtefactKind.Ordinals, bytesOf(this.ordinals.subarray(0, this.length)));
  }
}

/** The ordinals task `rank`'s fused collect deferred, ascending. */
export function readDeferred(layout: DedupWorkLayout, rank: number): Uint32Array {
  const reader = CheckedReader.open(layout.deferred(rank), ArtefactKind.Ordinals);
  try {
    const bytes = reader.readAll();
    return bytes.byteLength === 0 ? NONE : new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  } finally {
    reader.close();
  }
}

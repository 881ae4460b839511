/**
 * A dedup stage fused after another (Barrier.after in core/stage.ts): both collect in one pass, so
 * this one sees documents the other will remove, and must decide as if they were not there. Here:
 * what a dedup stage removes (from its removal lists), the documents a fused stage leaves out of
 * its steps, and the per-document counts its collect defers to apply, which sees only survivors.
 */
import { IdBuffer } from '../core/id-buffer.js';
import type { Barrier, RemovedDocs } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { ArtefactKind, bytesOf, CheckedReader, writeChecked } from './checked-file.js';
import { refOrdinal, refRank, type DocRef } from './doc-ref.js';
import { loadRemovedOrdinals } from './removals.js';
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
    ofRank: (rank) => loadRemovedOrdinals(layout, tasks, rank).get(rank) ?? NONE,
    all: () => loadRemovedOrdinals(layout, tasks),
  };
  return upstream === undefined ? own : unionOf(upstream, own);
}

/**
 * A dedup stage's barrier that can run fused after others: `parts(upstream)` builds its collect,
 * steps and apply, leaving `upstream`'s documents out where given; `removalTasks` step tasks
 * write its removal lists.
 */
export function fusibleBarrier(layout: DedupWorkLayout, removalTasks: number, parts: (upstream?: RemovedDocs) => Pick<Barrier, 'collect' | 'steps' | 'apply'>, upstream?: RemovedDocs): Barrier {
  return {
    ...parts(upstream),
    removed: removedDocs(layout, removalTasks, upstream),
    after: (more) => fusibleBarrier(layout, removalTasks, parts, upstream === undefined ? more : unionOf(upstream, more)),
  };
}

/**
 * The documents a fused stage's global step leaves out, for lookups by ref. Each task's set is
 * held as its sorted ordinals (4 bytes a left-out document) or, where that is smaller, as a bitmap
 * up to its largest ordinal (1 bit a document of the task): whichever costs less, so a step task
 * after a stage that removes many documents holds an eighth of a byte per document at most.
 */
export class LeftOut {
  /** Per rank: its sorted ordinals (Uint32Array) or its bitmap (Uint8Array). */
  private readonly byRank = new Map<number, Uint32Array | Uint8Array>();

  constructor(upstream: RemovedDocs) {
    for (const [rank, ordinals] of upstream.all()) {
      const last = ordinals.length === 0 ? -1 : ordinals[ordinals.length - 1]!;
      // 32 bits a listed ordinal against one bit a document up to the last
      this.byRank.set(rank, ordinals.length * 32 <= last + 1 ? ordinals : bitmapOf(ordinals, last));
    }
  }

  /** Each rank's left-out ordinals, ascending (a bitmap's are listed on the way). */
  *byTask(): Iterable<[rank: number, ordinals: Uint32Array]> {
    for (const [rank, set] of this.byRank) yield [rank, set instanceof Uint32Array ? set : ordinalsOf(set)];
  }

  has(ref: DocRef): boolean {
    return this.hasOrdinal(refRank(ref), refOrdinal(ref));
  }

  hasOrdinal(rank: number, ordinal: number): boolean {
    const set = this.byRank.get(rank);
    if (set === undefined) return false;
    if (set instanceof Uint8Array) return ordinal >>> 3 < set.length && ((set[ordinal >>> 3]! >> (ordinal & 7)) & 1) === 1;
    let lo = 0;
    let hi = set.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (set[mid]! < ordinal) lo = mid + 1;
      else hi = mid;
    }
    return lo < set.length && set[lo] === ordinal;
  }
}

function bitmapOf(ordinals: Uint32Array, last: number): Uint8Array {
  const bits = new Uint8Array((last >>> 3) + 1);
  for (const o of ordinals) bits[o >>> 3]! |= 1 << (o & 7);
  return bits;
}

function ordinalsOf(bits: Uint8Array): Uint32Array {
  let n = 0;
  for (const byte of bits) for (let b = byte; b !== 0; b &= b - 1) n++;
  const out = new Uint32Array(n);
  let k = 0;
  for (let i = 0; i < bits.length; i++) for (let j = 0; j < 8; j++) if ((bits[i]! >> j) & 1) out[k++] = i * 8 + j;
  return out;
}

/**
 * A counter collect keeps per document (a missing key field, no shingles). Unfused it counts at
 * once. Fused after other stages, it writes the documents' ordinals instead, and apply counts
 * those that survive the stages before it, so the counter reads what it would have unfused.
 */
export class CollectCounter {
  private readonly deferred: IdBuffer | undefined;

  constructor(
    private readonly stats: StageRecorder,
    private readonly name: string,
    fused: boolean,
  ) {
    this.deferred = fused ? new IdBuffer(256) : undefined;
  }

  add(ordinal: number): void {
    if (this.deferred) this.deferred.push(ordinal);
    else this.stats.count(this.name);
  }

  /** At the end of collect: the deferred ordinals (an Int32 buffer holds the u32 bits apply reads). */
  write(layout: DedupWorkLayout, rank: number): void {
    if (this.deferred) writeChecked(layout.deferred(rank), ArtefactKind.Ordinals, bytesOf(this.deferred.view()));
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

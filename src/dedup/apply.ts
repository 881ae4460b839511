import { SluiceError } from '../core/errors.js';
import type { RejectDetail, RemovedDocs, Stage } from '../core/stage.js';
import { readCollectManifest } from './collect-manifest.js';
import { loadRemovals } from './removals.js';
import { readDeferred } from './upstream.js';
import type { DedupWorkLayout } from './work-layout.js';

/** A dedup stage fused after others (upstream.ts): the documents they remove, and the counter its collect deferred. */
export interface FusedApply {
  upstream: RemovedDocs;
  counter: string;
}

const NONE = new Uint32Array(0);

/**
 * The barrier's last part, at the start of the next phase: drops the documents the clustering
 * pass decided to remove. Each task loads only the removals of the documents it collected
 * (same rank, same order: the runner hands a task back its own spilled documents), and checks
 * ids as it goes, so a mismatch between collect and apply fails instead of removing wrong docs.
 * Fused after other barriers, it counts the ordinals of the documents they removed (its collect
 * saw them) without seeing them, and counts its collect's deferred counter for the survivors.
 */
export function applyRemovals(layout: DedupWorkLayout, removalTasks: number, reason: string, withSimilarity: boolean, fused?: FusedApply): Stage {
  return async function* (docs, ctx) {
    const removals = loadRemovals(layout, removalTasks, ctx.rank);
    const collected = readCollectManifest(layout, ctx.rank);
    const gone = fused?.upstream.ofRank(ctx.rank) ?? NONE;
    const deferred = fused === undefined ? NONE : readDeferred(layout, ctx.rank);
    let g = 0;
    let d = 0;
    let ordinal = 0;
    let removed = 0;
    for await (const doc of docs) {
      while (g < gone.length && gone[g] === ordinal) {
        g++;
        ordinal++;
      }
      while (d < deferred.length && deferred[d]! < ordinal) d++;
      if (d < deferred.length && deferred[d] === ordinal) ctx.stats.count(fused!.counter);
      const r = removals.get(ordinal);
      if (r === undefined) yield doc;
      else {
        if (r.id !== doc.id) {
          throw new SluiceError('SLUICE_ARTEFACT', `task ${ctx.rank}: document ${ordinal} is "${doc.id}" but the removal list names "${r.id}"`, {
            file: layout.dir,
            hint: 'the documents changed between collect and apply; rerun with --fresh',
          });
        }
        const detail: RejectDetail = withSimilarity ? { kept_id: r.keptId, similarity: r.similarity } : { kept_id: r.keptId };
        ctx.duplicate(doc, reason, detail);
        removed++;
      }
      ordinal++;
    }
    while (g < gone.length && gone[g] === ordinal) {
      g++;
      ordinal++;
    }
    if (ordinal !== collected.docs || removed !== removals.size || g !== gone.length) {
      throw new SluiceError('SLUICE_ARTEFACT', `task ${ctx.rank}: apply saw ${ordinal} documents and removed ${removed}; collect saw ${collected.docs} and ${removals.size} were to be removed`, {
        file: layout.collectManifest(ctx.rank),
        hint: 'the documents changed between collect and apply; rerun with --fresh',
      });
    }
  };
}

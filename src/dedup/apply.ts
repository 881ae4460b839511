import { SluiceError } from '../core/errors.js';
import type { RejectDetail, Stage } from '../core/stage.js';
import { readCollectManifest } from './collect-manifest.js';
import { loadRemovals } from './removals.js';
import type { DedupWorkLayout } from './work-layout.js';

/**
 * The barrier's last part, at the start of the next phase: drops the documents the clustering
 * pass decided to remove. Each task loads only the removals of the documents it collected
 * (same rank, same order: the runner hands a task back its own spilled documents), and checks
 * ids as it goes, so a mismatch between collect and apply fails instead of removing wrong docs.
 */
export function applyRemovals(layout: DedupWorkLayout, removalTasks: number, reason: string, withSimilarity: boolean): Stage {
  return async function* (docs, ctx) {
    const removals = loadRemovals(layout, removalTasks, ctx.rank);
    const collected = readCollectManifest(layout, ctx.rank);
    let ordinal = 0;
    let removed = 0;
    for await (const doc of docs) {
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
    if (ordinal !== collected.docs || removed !== removals.size) {
      throw new SluiceError('SLUICE_ARTEFACT', `task ${ctx.rank}: apply saw ${ordinal} documents and removed ${removed}; collect saw ${collected.docs} and ${removals.size} were to be removed`, {
        file: layout.collectManifest(ctx.rank),
        hint: 'the documents changed between collect and apply; rerun with --fresh',
      });
    }
  };
}

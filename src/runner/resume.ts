/**
 * What a rerun must redo before it skips anything: tasks whose inputs changed (when allowed) and
 * finished tasks whose files are missing or damaged run again, and so does every task of every
 * later phase, since a barrier's global steps read all tasks of the phase before them. Markers are
 * the only record of completion, so resetting a task is deleting its marker; manifest.json and
 * stats.json go first, so a crash halfway never leaves a manifest that claims a complete output.
 */
import { rm, unlink } from 'node:fs/promises';
import type { Logger } from '../core/log.js';
import type { OutputLayout } from './layout.js';
import { readMarker } from './marker.js';
import { forgetScratchRemoval, scratchWasRemoved } from './scratch.js';
import { describeProblems, verifyMarker, type OutputProblem } from './verify.js';

export interface ResumeCheck {
  /** docs-0 ranks that read an input that changed. */
  changedRanks: ReadonlySet<number>;
  checksums: boolean;
  log: Logger;
}

export interface ResumeResult {
  /** Tasks whose markers were removed. */
  reset: number;
  problems: OutputProblem[];
}

export async function resetForResume(layout: OutputLayout, phases: readonly { id: string; tasks: number }[], check: ResumeCheck): Promise<ResumeResult> {
  const scratchRemoved = await scratchWasRemoved(layout);
  const found = await findRedo(layout, phases, check, scratchRemoved);
  // the finished run's spills and dedup scratch are gone: a barrier's later phases cannot be redone for some tasks only
  if (scratchRemoved && found.reset > 0 && phases.length > 1) {
    check.log.info('resume: this run finished and its scratch (spills, dedup work files) was removed, so every task runs again');
    const reset = await resetAll(layout, phases);
    await forgetScratchRemoval(layout);
    return { reset, problems: found.problems };
  }
  if (scratchRemoved && found.reset > 0) await forgetScratchRemoval(layout);
  return found;
}

async function resetAll(layout: OutputLayout, phases: readonly { id: string; tasks: number }[]): Promise<number> {
  let reset = 0;
  for (const phase of phases) {
    for (let rank = 0; rank < phase.tasks; rank++) {
      if (!(await readMarker(layout, phase.id, rank))) continue;
      await unlink(layout.taskMarker(phase.id, rank)).catch(() => undefined);
      reset++;
    }
  }
  return reset;
}

async function findRedo(layout: OutputLayout, phases: readonly { id: string; tasks: number }[], check: ResumeCheck, scratchRemoved: boolean): Promise<ResumeResult> {
  const problems: OutputProblem[] = [];
  let reset = 0;
  let downstream = false;
  let finalOutputsRemoved = false;
  for (const [index, phase] of phases.entries()) {
    const redo: number[] = [];
    for (let rank = 0; rank < phase.tasks; rank++) {
      const marker = await readMarker(layout, phase.id, rank);
      if (!marker) continue;
      if (downstream || (index === 0 && check.changedRanks.has(rank))) {
        redo.push(rank);
        continue;
      }
      const found = await verifyMarker(layout, marker, { checksums: check.checksums, scratchRemoved });
      if (found.length > 0) {
        problems.push(...found);
        redo.push(rank);
      }
    }
    if (redo.length === 0) continue;
    if (!finalOutputsRemoved) {
      await rm(layout.manifest, { force: true });
      await rm(layout.stats, { force: true });
      await rm(layout.reportData, { force: true });
      finalOutputsRemoved = true;
    }
    for (const rank of redo) await unlink(layout.taskMarker(phase.id, rank)).catch(() => undefined);
    reset += redo.length;
    downstream = true;
  }
  if (problems.length > 0) check.log.warn(`finished outputs are damaged; their tasks and everything after them run again:\n${describeProblems(problems)}`);
  if (reset > 0) check.log.info(`resume: ${reset} finished task(s) will run again`);
  return { reset, problems };
}

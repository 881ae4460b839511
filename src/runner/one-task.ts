/**
 * One task of one phase (`sluice run P --phase X --rank R --world W`): the entry a scheduler's
 * array task runs (Slurm, a Kubernetes Indexed Job, a shell loop). The first task to start
 * commits the plan; the last to finish writes stats and manifest.
 */
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { LoadedPipeline } from '../config/load.js';
import { finalizeRun, type FinalReport } from './finalize.js';
import { describeHolder, lockPath, readLock, staleReason } from './lock.js';
import type { PhaseSpec } from './pipeline.js';
import { outputDirOf, prepareRun, type PreparedRun } from './prepare.js';
import { allTasksFinished, markerExists } from './marker.js';
import { newProgress, runTask, taskRun } from './task.js';

export interface OneTaskOptions {
  loaded: LoadedPipeline;
  out?: string;
  world?: number;
  phase?: string;
  rank: number;
  strict: boolean;
  allowChangedInputs: boolean;
  verifyInputs: boolean;
  log: Logger;
  signal: AbortSignal;
}

export async function runOneTask(opts: OneTaskOptions): Promise<{ prepared: PreparedRun; report?: FinalReport }> {
  await refuseIfLocalRunHolds(outputDirOf(opts.loaded, opts.out));
  const prepared = await prepareRun({
    loaded: opts.loaded,
    ...(opts.out === undefined ? {} : { out: opts.out }),
    ...(opts.world === undefined ? {} : { world: opts.world }),
    allowChangedInputs: opts.allowChangedInputs,
    verifyInputs: opts.verifyInputs,
    log: opts.log,
    role: 'task',
  });
  const { layout, phases } = prepared;
  const phase = pickPhase(phases, opts.phase);
  // a global step may have more or fewer tasks than the docs phases' world
  if (opts.rank < 0 || opts.rank >= phase.tasks) throw new SluiceError('SLUICE_USAGE', `--rank ${opts.rank} is outside 0..${phase.tasks - 1}: phase ${phase.id} has ${phase.tasks} task(s)`);
  if (await markerExists(layout, phase.id, opts.rank)) opts.log.info(`${phase.id} task ${opts.rank} already done`);
  else await runTask(taskRun(prepared, { phase, rank: opts.rank, strict: opts.strict, log: opts.log, signal: opts.signal, progress: newProgress() }));
  // only the last task to finish reads every marker (and two finishing at once both may: finalizing is idempotent)
  if (!(await allTasksFinished(layout, phases, phase.id, opts.rank))) return { prepared };
  const report = await finalizeRun(layout, prepared.loaded, prepared.plan, phases, prepared.pipeline.manifest, opts.log);
  return report ? { prepared, report } : { prepared };
}

function pickPhase(phases: PhaseSpec[], wanted: string | undefined): PhaseSpec {
  if (wanted === undefined) {
    if (phases.length === 1) return phases[0]!;
    throw new SluiceError('SLUICE_USAGE', `this pipeline has ${phases.length} phases; --rank needs --phase`, { hint: `phases, in order: ${phases.map((p) => p.id).join(', ')}` });
  }
  const phase = phases.find((p) => p.id === wanted);
  if (!phase) throw new SluiceError('SLUICE_USAGE', `no phase "${wanted}" in this pipeline`, { hint: `phases, in order: ${phases.map((p) => p.id).join(', ')}` });
  return phase;
}

/**
 * A scheduler task (--rank) writes beside the other tasks of its run; under a Slurm submitter's
 * lock that is by design, but beside a local run it would fight that run over the same files.
 */
async function refuseIfLocalRunHolds(dir: string): Promise<void> {
  const held = await readLock(dir);
  if (held && held.holder.kind === 'run' && staleReason(held.holder, held.mtimeMs) === undefined) {
    throw new SluiceError('SLUICE_LOCKED', `${dir} is in use by ${describeHolder(held.holder)}`, {
      file: lockPath(dir),
      hint: 'wait for that run to finish, or write to another directory with --out',
    });
  }
}

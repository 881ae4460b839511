import { availableParallelism } from 'node:os';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadPipeline, type LoadedPipeline } from '../config/load.js';
import { OutputLayout } from './layout.js';
import { finalizeRun, type FinalReport } from './finalize.js';
import { runPhasesLocally } from './local-executor.js';
import { serveTasks } from './worker.js';
import type { PhaseSpec } from './pipeline.js';
import { checkPlan, commitPlan, configHash, fingerprintUnits, planRun, resolveUnits, updateFingerprints, type ChangedInput, type Plan, type RunShape } from './plan.js';
import { newProgress, readMarker, runTask } from './task.js';
import { checkFreshTarget, moveAside, removeDiscarded, removeTempFiles } from './fresh.js';
import { describeHolder, lockPath, OutputLock, readLock, staleReason, type LockHolder } from './lock.js';
import { resetForResume } from './resume.js';
import { checkOutputDir, resolveOutputDir } from './output-dir.js';
import { runOnSlurm } from './slurm/executor.js';
import type { SlurmFlags } from './slurm/options.js';

export interface RunOptions {
  pipelineFile: string;
  /** Overrides `output.dir`. */
  out?: string;
  workers?: number;
  /** Run only this task (with `world`), as a scheduler would. */
  rank?: number;
  world?: number;
  phase?: string;
  strict?: boolean;
  /** Discard an existing output directory first (only a sluice output or an empty directory). */
  fresh?: boolean;
  /** Resume although inputs changed: the tasks that read them, and everything after, run again. */
  allowChangedInputs?: boolean;
  /** Record (and on resume compare) a SHA-256 of every input's content, not only size and mtime. */
  verifyInputs?: boolean;
  /** This process is a worker of a local run: serve tasks sent over IPC, never finalize. */
  worker?: boolean;
  /** Where the tasks run (default: the pipeline's `executor.type`, else local). */
  executor?: 'local' | 'slurm';
  /** Command-line overrides of the pipeline's `executor.slurm` options. */
  slurm?: SlurmFlags;
  log: Logger;
  signal?: AbortSignal;
}

/** Everything a run needs once the configuration is loaded and the inputs resolved. */
export interface PreparedRun extends RunShape {
  loaded: LoadedPipeline;
  layout: OutputLayout;
  plan: Plan;
}

/**
 * `leader`: the one process that owns the output (a local run, a Slurm submitter): it may discard
 * it (--fresh), fingerprints every input, commits or checks the plan and resets what must run again.
 * `task`: one scheduler task (--rank): checks the plan, or creates it if it is the first.
 * `worker`: a local run's worker: the plan must exist and match.
 */
export type RunRole = 'leader' | 'task' | 'worker';

export interface PrepareOptions {
  pipelineFile: string;
  out?: string;
  world?: number;
  fresh?: boolean;
  allowChangedInputs?: boolean;
  verifyInputs?: boolean;
  log: Logger;
  loaded?: LoadedPipeline;
  role: RunRole;
}

/** The output directory a run will write, refusing what sluice cannot write to. */
export function outputDirOf(loaded: LoadedPipeline, out: string | undefined): string {
  return resolveOutputDir(out ?? loaded.config.output.dir);
}

function changedInputsError(changed: ChangedInput[]): SluiceError {
  const lines = changed.slice(0, 20).map((c) => `  ${c.uri}: ${c.changes.join('; ')}`);
  if (changed.length > 20) lines.push(`  ... and ${changed.length - 20} more`);
  return new SluiceError('SLUICE_INPUT_CHANGED', `${changed.length} input(s) changed since this output was planned:\n${lines.join('\n')}`, {
    hint: 'rerun with --allow-changed-inputs to redo the tasks that read them (and every later phase), or with --fresh to start over',
  });
}

export async function prepareRun(opts: PrepareOptions): Promise<PreparedRun> {
  const loaded = opts.loaded ?? (await loadPipeline(opts.pipelineFile));
  loaded.config.output.dir = outputDirOf(loaded, opts.out);
  const layout = new OutputLayout(loaded.config.output.dir);
  const units = await resolveUnits(loaded);
  if (opts.fresh && opts.role === 'leader') {
    await checkFreshTarget(layout, [opts.pipelineFile, ...units.flatMap((u) => (u.file.localPath === undefined ? [] : [u.file.localPath]))]);
    await moveAside(layout);
  }
  const shape = await planRun(loaded, layout, units, opts.world, opts.log);
  const draft: Plan = {
    version: 1,
    name: loaded.config.name,
    config_sha256: configHash(loaded),
    world: shape.world,
    units: units.map(({ input, uri, isDirectory }) => ({ input, uri, isDirectory })),
    phases: shape.phases.map((p) => ({ id: p.id, tasks: p.tasks })),
    created: new Date().toISOString(),
  };
  let plan = opts.role === 'leader' ? undefined : await checkPlan(layout, draft);
  if (!plan) {
    if (opts.role === 'worker') throw new SluiceError('SLUICE_INTERNAL', `worker found no plan in ${layout.dir}`, { file: layout.plan });
    const fingerprints = await fingerprintUnits(units, opts.verifyInputs ?? false);
    draft.units.forEach((u, i) => {
      const fp = fingerprints[i];
      if (fp !== undefined) u.fingerprint = fp;
    });
    const committed = await commitPlan(layout, draft);
    plan = committed.plan;
    if (committed.changed.length > 0 && !(opts.allowChangedInputs && opts.role === 'leader')) throw changedInputsError(committed.changed);
    if (!committed.created && opts.role === 'leader') {
      for (const c of committed.changed) opts.log.warn(`input changed, its task reruns: ${c.uri} (${c.changes.join('; ')})`);
      await resetForResume(layout, plan.phases, { changedRanks: new Set(committed.changed.map((c) => c.rank)), checksums: true, log: opts.log });
      if (committed.changed.length > 0 || opts.verifyInputs) plan = await updateFingerprints(layout, plan, draft);
    }
  }
  // the leader alone may write the directory outside tasks: the old output (--fresh) or a crash's leftover
  if (opts.role === 'leader') await removeDiscarded(layout);
  plan.units.forEach((u, i) => {
    if (u.fingerprint !== undefined) units[i]!.fingerprint = u.fingerprint;
  });
  return { loaded, layout, ...shape, plan };
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

export interface RunResult {
  prepared: PreparedRun;
  /** Present when the whole run is complete (every task of every phase). */
  report?: FinalReport;
}

export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const loaded = await loadPipeline(opts.pipelineFile);
  // one task (--rank) or a local run's worker is always local, whatever the pipeline's executor
  const executor = opts.executor ?? (opts.rank === undefined && !opts.worker ? loaded.config.executor.type : 'local');
  if (executor === 'local' && opts.slurm && Object.keys(opts.slurm).length > 0) {
    throw new SluiceError('SLUICE_USAGE', `--${Object.keys(opts.slurm)[0]!.replace(/_/g, '-').replace(/s$/, '')} is a Slurm option; add --executor slurm`);
  }
  const signal = opts.signal ?? new AbortController().signal;
  const strict = opts.strict ?? false;
  const prepareOpts = {
    pipelineFile: opts.pipelineFile,
    ...(opts.out === undefined ? {} : { out: opts.out }),
    ...(opts.world === undefined ? {} : { world: opts.world }),
    fresh: opts.fresh ?? false,
    allowChangedInputs: opts.allowChangedInputs ?? false,
    verifyInputs: opts.verifyInputs ?? false,
    log: opts.log,
    loaded,
  };

  if (opts.worker) {
    const prepared = await prepareRun({ ...prepareOpts, role: 'worker' });
    await serveTasks(prepared, { strict, log: opts.log, signal });
    return { prepared };
  }

  if (opts.rank !== undefined) {
    if (executor === 'slurm') throw new SluiceError('SLUICE_USAGE', '--rank runs one task here; it does not combine with --executor slurm', { hint: 'the Slurm executor submits the --rank commands itself' });
    await refuseIfLocalRunHolds(outputDirOf(loaded, opts.out));
    const prepared = await prepareRun({ ...prepareOpts, role: 'task' });
    const { layout, phases } = prepared;
    const phase = pickPhase(phases, opts.phase);
    // a global step may have more or fewer tasks than the docs phases' world
    if (opts.rank < 0 || opts.rank >= phase.tasks) throw new SluiceError('SLUICE_USAGE', `--rank ${opts.rank} is outside 0..${phase.tasks - 1}: phase ${phase.id} has ${phase.tasks} task(s)`);
    if (await readMarker(layout, phase.id, opts.rank)) opts.log.info(`${phase.id} task ${opts.rank} already done`);
    else await runTask({ ...prepared, phase, rank: opts.rank, strict, log: opts.log, signal, progress: newProgress() });
    const report = await finalizeRun(layout, prepared.loaded, prepared.plan, phases, prepared.pipeline.manifest);
    return report ? { prepared, report } : { prepared };
  }

  // the leader: holds the output's lock from before it touches the directory until it is done
  const lost = new AbortController();
  const runSignal = AbortSignal.any([signal, lost.signal]);
  let lock: OutputLock | undefined;
  const takeLock = async (dir: string, kind: LockHolder['kind']): Promise<void> => {
    await checkOutputDir(dir);
    lock = await OutputLock.acquire(dir, { kind, log: opts.log, onLost: (why) => lost.abort(new SluiceError('SLUICE_LOCKED', why, { file: dir })) });
  };
  let prepared: PreparedRun | undefined;
  try {
    if (executor === 'slurm') {
      prepared = await runOnSlurm({
        ...prepareOpts,
        strict,
        flags: opts.slurm ?? {},
        log: opts.log,
        signal: runSignal,
        lock: (dir) => takeLock(dir, 'slurm'),
      });
    } else {
      await takeLock(outputDirOf(loaded, opts.out), 'run');
      prepared = await prepareRun({ ...prepareOpts, role: 'leader' });
      await removeTempFiles(prepared.layout);
      const { layout, phases, world } = prepared;
      const ready = prepared;
      const workers = Math.max(1, opts.workers ?? loaded.config.runner.workers ?? availableParallelism());
      await runPhasesLocally({
        layout,
        phases,
        workers,
        log: opts.log,
        signal: runSignal,
        runInProcess: async (phase, rank, progress) => {
          await runTask({ ...ready, phase, rank, strict, log: opts.log, signal: runSignal, progress });
        },
        workerArgs: ['run', opts.pipelineFile, '--out', layout.dir, '--world', String(world), '--worker', ...(strict ? ['--strict'] : [])],
      });
    }
    if (runSignal.aborted) throw await stopped(runSignal, prepared);
    const report = await finalizeAll(prepared);
    await removeTempFiles(prepared.layout);
    return { prepared, report };
  } catch (err) {
    if (runSignal.aborted) throw await stopped(runSignal, prepared);
    throw err;
  } finally {
    await lock?.release();
  }
}

/** The error a stopped run ends with: the lock was lost, or a signal asked it to stop. */
async function stopped(signal: AbortSignal, prepared: PreparedRun | undefined): Promise<SluiceError> {
  if (signal.reason instanceof SluiceError) return signal.reason;
  let progress = '';
  if (prepared) {
    let done = 0;
    let total = 0;
    for (const phase of prepared.phases) {
      total += phase.tasks;
      for (let rank = 0; rank < phase.tasks; rank++) if (await readMarker(prepared.layout, phase.id, rank)) done++;
    }
    progress = `; ${done} of ${total} tasks done`;
  }
  return new SluiceError('SLUICE_INTERRUPTED', `interrupted${progress}; rerun the same command to resume`);
}

/**
 * A scheduler task (--rank) writes beside the other tasks of its run; under a Slurm submitter's
 * lock that is by design, but beside a local run it would fight that run over the same files.
 */
async function refuseIfLocalRunHolds(dir: string): Promise<void> {
  const held = await readLock(dir);
  if (held && held.holder.kind === 'run' && staleReason(held.holder, held.mtimeMs) === undefined) {
    throw new SluiceError('SLUICE_LOCKED', `${dir} is in use by ${describeHolder(held.holder)}`, { file: lockPath(dir), hint: 'wait for that run to finish, or write to another directory with --out' });
  }
}

/** stats.json and manifest.json once every phase ran; a missing marker then is a bug. */
async function finalizeAll(prepared: PreparedRun): Promise<FinalReport> {
  const { layout, loaded, plan, phases, pipeline } = prepared;
  const report = await finalizeRun(layout, loaded, plan, phases, pipeline.manifest);
  if (!report) throw new SluiceError('SLUICE_INTERNAL', 'all phases ran but some task markers are missing', { file: layout.stateDir });
  return report;
}

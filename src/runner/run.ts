/**
 * `runPipeline`: a whole run, or one scheduler task of it.
 *
 * A whole run is three steps whatever executes it: prepare (load, plan, resume checks; see
 * prepare.ts) → an Executor runs every unfinished task (local.ts: this machine; slurm/: job
 * arrays) → finalize (stats.json and manifest.json from the task markers). The leader holds the
 * output's lock from before it touches the directory until it is done.
 */
import { resolve } from 'node:path';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { LoadedPipeline } from '../config/load.js';
import type { Executor } from './executor.js';
import { finalizeRun, type FinalReport } from './finalize.js';
import { removeTempFiles } from './fresh.js';
import { LocalExecutor } from './local-executor.js';
import { OutputLock } from './lock.js';
import { loadPipelineSource, type PipelineSource } from './pipeline-source.js';
import { runOneTask } from './one-task.js';
import { checkOutputDir, resolveOutputDir } from './output-dir.js';
import { outputDirOf, prepareRun, type PreparedRun } from './prepare.js';
import { removeScratch } from './scratch.js';
import { SlurmExecutor } from './slurm/executor.js';
import { withFlags, type SlurmFlags } from './slurm/options.js';
import { readMarker } from './marker.js';

export type { PreparedRun } from './prepare.js';

/** A pipeline file, or a pipeline given as an object: exactly one of `pipelineFile` and `pipeline`. */
export interface RunOptions {
  /** The pipeline file (YAML). */
  pipelineFile?: string;
  /**
   * The pipeline as an object (what the YAML file would parse to), validated exactly like a file.
   * It must be plain JSON: a local run's workers receive a copy. The Slurm executor needs a file.
   */
  pipeline?: unknown;
  /** Where a `pipeline` object's relative paths and plugins resolve from (default: the working directory). */
  baseDir?: string;
  /** Overrides `output.dir`. */
  out?: string;
  /** Parallel tasks of a local run (default: the pipeline's `runner.workers`, else the CPU count). */
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
  /** Keep the spills and stages' scratch once the run has finished (by default they are removed; see scratch.ts). */
  keepScratch?: boolean;
  /** Where the tasks run (default: the pipeline's `executor.type`, else local). */
  executor?: 'local' | 'slurm';
  /** Command-line overrides of the pipeline's `executor.slurm` options. */
  slurm?: SlurmFlags;
  log: Logger;
  signal?: AbortSignal;
}

export interface RunResult {
  prepared: PreparedRun;
  /** Present when the whole run is complete (every task of every phase). */
  report?: FinalReport;
}

export async function runPipeline(opts: RunOptions): Promise<RunResult> {
  const source = sourceOf(opts);
  const loaded = await loadPipelineSource(source);
  const signal = opts.signal ?? new AbortController().signal;
  const strict = opts.strict ?? false;
  const common = {
    ...(opts.world === undefined ? {} : { world: opts.world }),
    allowChangedInputs: opts.allowChangedInputs ?? false,
    verifyInputs: opts.verifyInputs ?? false,
    log: opts.log,
    loaded,
  };
  if (opts.rank !== undefined) {
    if (opts.slurm && Object.keys(opts.slurm).length > 0) throw slurmOptionError(opts.slurm);
    if (opts.executor === 'slurm')
      throw new SluiceError('SLUICE_USAGE', '--rank runs one task here; it does not combine with --executor slurm', { hint: 'the Slurm executor submits the --rank commands itself' });
    // one scheduler task always runs here, whatever the pipeline's executor
    return runOneTask({ ...common, ...(opts.out === undefined ? {} : { out: opts.out }), ...(opts.phase === undefined ? {} : { phase: opts.phase }), rank: opts.rank, strict, signal });
  }

  const executor = chooseExecutor(loaded, source, opts);
  // absolute before the executor may change directory: the tasks are started with these paths
  const pipeline: PipelineSource = 'file' in source ? { file: resolve(source.file) } : source;
  const out = opts.out === undefined ? undefined : resolveOutputDir(opts.out);
  if (executor.workdir !== undefined) process.chdir(resolve(executor.workdir));

  const lost = new AbortController();
  const runSignal = AbortSignal.any([signal, lost.signal]);
  let lock: OutputLock | undefined;
  let prepared: PreparedRun | undefined;
  try {
    const outDir = outputDirOf(loaded, out);
    await checkOutputDir(outDir);
    lock = await OutputLock.acquire(outDir, {
      kind: executor.name === 'slurm' ? 'slurm' : 'run',
      log: opts.log,
      onLost: (why) => lost.abort(new SluiceError('SLUICE_LOCKED', why, { file: outDir })),
    });
    const fresh = opts.fresh ?? false;
    await executor.check?.(outDir, { fresh });
    prepared = await prepareRun({ ...common, out: outDir, fresh, role: 'leader' });
    await executor.execute(prepared, { pipeline, strict, log: opts.log, signal: runSignal });
    if (runSignal.aborted) throw await stopped(runSignal, prepared);
    const report = await finalizeAll(prepared, opts.log);
    await removeTempFiles(prepared.layout);
    if (!opts.keepScratch) {
      const freed = await removeScratch(prepared.layout);
      if (freed.bytes > 0) opts.log.info(`removed ${(freed.bytes / 1e6).toFixed(1)} MB of scratch (spills, stage work files); --keep-scratch keeps it`);
    }
    return { prepared, report };
  } catch (err) {
    if (runSignal.aborted) throw await stopped(runSignal, prepared);
    throw err;
  } finally {
    await lock?.release();
  }
}

function sourceOf(opts: RunOptions): PipelineSource {
  if ((opts.pipelineFile === undefined) === (opts.pipeline === undefined)) throw new SluiceError('SLUICE_USAGE', 'runPipeline needs exactly one of pipelineFile and pipeline');
  if (opts.pipelineFile !== undefined) return { file: opts.pipelineFile };
  let object: unknown;
  try {
    // what the workers will receive, so the leader validates the very same thing
    object = JSON.parse(JSON.stringify(opts.pipeline)) as unknown;
  } catch (err) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `the pipeline object is not plain JSON: ${errorMessage(err)}`);
  }
  return { object, baseDir: resolve(opts.baseDir ?? '.') };
}

function chooseExecutor(loaded: LoadedPipeline, source: PipelineSource, opts: RunOptions): Executor {
  const kind = opts.executor ?? loaded.config.executor.type;
  const slurmFlags = opts.slurm ?? {};
  if (kind === 'slurm' && !('file' in source)) {
    throw new SluiceError('SLUICE_USAGE', 'the Slurm executor needs a pipeline file: its array tasks load the pipeline from it', {
      hint: 'write the object with writePipelineFile() and pass pipelineFile',
    });
  }
  if (kind === 'slurm') return new SlurmExecutor(withFlags(loaded.config.executor.slurm, slurmFlags));
  if (Object.keys(slurmFlags).length > 0) throw slurmOptionError(slurmFlags);
  return new LocalExecutor(opts.workers);
}

function slurmOptionError(flags: SlurmFlags): SluiceError {
  return new SluiceError('SLUICE_USAGE', `--${Object.keys(flags)[0]!.replace(/_/g, '-').replace(/s$/, '')} is a Slurm option; add --executor slurm`);
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

/** stats.json and manifest.json once every phase ran; a missing marker then is a bug. */
async function finalizeAll(prepared: PreparedRun, log: Logger): Promise<FinalReport> {
  const { layout, loaded, plan, phases, pipeline } = prepared;
  const report = await finalizeRun(layout, loaded, plan, phases, pipeline.manifest, log);
  if (!report) throw new SluiceError('SLUICE_INTERNAL', 'all phases ran but some task markers are missing', { file: layout.stateDir });
  return report;
}

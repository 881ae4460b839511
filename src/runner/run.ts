import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadPipeline, type LoadedPipeline } from '../config/load.js';
import { OutputLayout } from './layout.js';
import { finalizeRun, type FinalReport } from './finalize.js';
import { runPhasesLocally } from './local-executor.js';
import { serveTasks } from './worker.js';
import type { PhaseSpec } from './pipeline.js';
import { commitPlan, configHash, planRun, type Plan, type RunShape } from './plan.js';
import { newProgress, readMarker, runTask, type TaskProgress } from './task.js';
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
  /** Discard an existing output directory first. */
  fresh?: boolean;
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

export async function prepareRun(opts: Pick<RunOptions, 'pipelineFile' | 'out' | 'world' | 'fresh' | 'log'> & { loaded?: LoadedPipeline }): Promise<PreparedRun> {
  const loaded = opts.loaded ?? (await loadPipeline(opts.pipelineFile));
  if (opts.out !== undefined) loaded.config.output.dir = opts.out;
  const layout = new OutputLayout(resolve(loaded.config.output.dir));
  if (opts.fresh) await rm(layout.dir, { recursive: true, force: true });
  const { units, world, pipeline, phases } = await planRun(loaded, layout, opts.world, opts.log);
  const plan = await commitPlan(layout, {
    version: 1,
    name: loaded.config.name,
    config_sha256: configHash(loaded),
    world,
    units: units.map(({ input, uri, isDirectory }) => ({ input, uri, isDirectory })),
    phases: phases.map((p) => ({ id: p.id, tasks: p.tasks })),
    created: new Date().toISOString(),
  });
  return { loaded, layout, units, world, pipeline, phases, plan };
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
  if (executor === 'slurm') {
    if (opts.rank !== undefined) throw new SluiceError('SLUICE_USAGE', '--rank runs one task here; it does not combine with --executor slurm', { hint: 'the Slurm executor submits the --rank commands itself' });
    const prepared = await runOnSlurm({
      loaded,
      pipelineFile: opts.pipelineFile,
      ...(opts.out === undefined ? {} : { out: opts.out }),
      ...(opts.world === undefined ? {} : { world: opts.world }),
      fresh: opts.fresh ?? false,
      strict: opts.strict ?? false,
      flags: opts.slurm ?? {},
      log: opts.log,
      signal: opts.signal ?? new AbortController().signal,
    });
    return { prepared, report: await finalizeAll(prepared) };
  }
  const prepared = await prepareRun({ ...opts, loaded });
  const { layout, phases, world } = prepared;
  const signal = opts.signal ?? new AbortController().signal;
  const strict = opts.strict ?? false;
  const runOne = (phase: PhaseSpec, rank: number, progress: TaskProgress) =>
    runTask({ ...prepared, phase, rank, strict, log: opts.log, signal, progress });

  if (opts.rank !== undefined) {
    const phase = pickPhase(phases, opts.phase);
    // a global step may have more or fewer tasks than the docs phases' world
    if (opts.rank < 0 || opts.rank >= phase.tasks) throw new SluiceError('SLUICE_USAGE', `--rank ${opts.rank} is outside 0..${phase.tasks - 1}: phase ${phase.id} has ${phase.tasks} task(s)`);
    if (await readMarker(layout, phase.id, opts.rank)) opts.log.info(`${phase.id} task ${opts.rank} already done`);
    else await runOne(phase, opts.rank, newProgress());
    const report = await finalizeRun(layout, prepared.loaded, prepared.plan, phases, prepared.pipeline.manifest);
    return report ? { prepared, report } : { prepared };
  }

  if (opts.worker) {
    await serveTasks(prepared, { strict, log: opts.log, signal });
    return { prepared };
  }

  const workers = Math.max(1, opts.workers ?? prepared.loaded.config.runner.workers ?? availableParallelism());
  const strictArg = strict ? ['--strict'] : [];
  await runPhasesLocally({
    layout,
    phases,
    workers,
    log: opts.log,
    signal,
    runInProcess: async (phase, rank, progress) => {
      await runOne(phase, rank, progress);
    },
    workerArgs: ['run', opts.pipelineFile, '--out', layout.dir, '--world', String(world), '--worker', ...strictArg],
  });
  return { prepared, report: await finalizeAll(prepared) };
}

/** stats.json and manifest.json once every phase ran; a missing marker then is a bug. */
async function finalizeAll(prepared: PreparedRun): Promise<FinalReport> {
  const { layout, loaded, plan, phases, pipeline } = prepared;
  const report = await finalizeRun(layout, loaded, plan, phases, pipeline.manifest);
  if (!report) throw new SluiceError('SLUICE_INTERNAL', 'all phases ran but some task markers are missing', { file: layout.stateDir });
  return report;
}

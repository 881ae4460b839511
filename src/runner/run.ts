import { availableParallelism } from 'node:os';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { loadPipeline, type LoadedPipeline } from '../config/load.js';
// side effect: http(s) inputs (and path lists that name them) resolve through undici
import { OutputLayout } from './layout.js';
import { finalizeRun, type FinalReport } from './finalize.js';
import { runPhasesLocally } from './local-executor.js';
import { serveTasks } from './worker.js';
import { buildPipeline, phasesOf, type BuiltPipeline, type PhaseSpec } from './pipeline.js';
import { commitPlan, configHash, defaultWorld, resolveUnits, type Plan, type ResolvedUnit } from './plan.js';
import { newProgress, readMarker, runTask, type TaskProgress } from './task.js';

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
  log: Logger;
  signal?: AbortSignal;
}

/** Everything a run needs once the configuration is loaded and the inputs resolved. */
export interface PreparedRun {
  loaded: LoadedPipeline;
  layout: OutputLayout;
  units: ResolvedUnit[];
  world: number;
  pipeline: BuiltPipeline;
  phases: PhaseSpec[];
  plan: Plan;
}

export async function prepareRun(opts: Pick<RunOptions, 'pipelineFile' | 'out' | 'world' | 'fresh' | 'log'>): Promise<PreparedRun> {
  const loaded = await loadPipeline(opts.pipelineFile);
  if (opts.out !== undefined) loaded.config.output.dir = opts.out;
  const layout = new OutputLayout(resolve(loaded.config.output.dir));
  if (opts.fresh) await rm(layout.dir, { recursive: true, force: true });
  const units = await resolveUnits(loaded);
  const world = opts.world ?? defaultWorld(loaded, units.length);
  const pipeline = await buildPipeline(loaded, layout, world, opts.log);
  const phases = phasesOf(pipeline, world);
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
  const prepared = await prepareRun(opts);
  const { layout, phases, world } = prepared;
  const signal = opts.signal ?? new AbortController().signal;
  const strict = opts.strict ?? false;
  const runOne = (phase: PhaseSpec, rank: number, progress: TaskProgress) =>
    runTask({ ...prepared, phase, rank, strict, log: opts.log, signal, progress });

  if (opts.rank !== undefined) {
    if (opts.rank < 0 || opts.rank >= world) throw new SluiceError('SLUICE_USAGE', `--rank ${opts.rank} is outside 0..${world - 1}`);
    const phase = pickPhase(phases, opts.phase);
    if (opts.rank >= phase.tasks) throw new SluiceError('SLUICE_USAGE', `phase ${phase.id} has ${phase.tasks} tasks; --rank ${opts.rank} has nothing to do`);
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
  const report = await finalizeRun(layout, prepared.loaded, prepared.plan, phases, prepared.pipeline.manifest);
  if (!report) throw new SluiceError('SLUICE_INTERNAL', 'all phases ran but some task markers are missing', { file: layout.stateDir });
  return { prepared, report };
}

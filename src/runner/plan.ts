import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { LoadedPipeline } from '../config/load.js';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { createFileExclusive } from '../io/atomic.js';
import { expandPath } from '../io/resolve.js';
import type { InputFile } from '../io/input.js';
import { readers } from '../registry.js';
import type { OutputLayout } from './layout.js';
import { buildPipeline, phasesOf, type BuiltPipeline, type PhaseSpec } from './pipeline.js';

/** One unit of input work: a file, URL or tree, tagged with the `inputs[]` entry it came from. */
export interface Unit {
  input: number;
  uri: string;
  isDirectory: boolean;
}

export interface ResolvedUnit extends Unit {
  file: InputFile;
}

/** What a run committed to on its first start; reruns must agree with it to resume. */
export interface Plan {
  version: 1;
  name: string;
  config_sha256: string;
  world: number;
  units: Unit[];
  phases: { id: string; tasks: number }[];
  created: string;
}

/** Every input entry expanded, sorted by uri so the split is the same on every machine. */
export async function resolveUnits(loaded: LoadedPipeline): Promise<ResolvedUnit[]> {
  const units: ResolvedUnit[] = [];
  const seen = new Set<string>();
  for (const [i, input] of loaded.config.inputs.entries()) {
    const reader = readers[input.reader]!;
    for (const [j, pattern] of input.paths.entries()) {
      const files = await expandPath({ pattern, yamlPath: `inputs[${i}].paths[${j}]`, ...(input.base_url === undefined ? {} : { baseUrl: input.base_url }) }, reader.acceptsDirectories ?? false);
      for (const file of files) {
        const key = `${i}\u0000${file.uri}`;
        if (seen.has(key)) continue;
        seen.add(key);
        units.push({ input: i, uri: file.uri, isDirectory: file.isDirectory, file });
      }
    }
  }
  units.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.input - b.input));
  return units;
}

export interface RunShape {
  units: ResolvedUnit[];
  world: number;
  pipeline: BuiltPipeline;
  phases: PhaseSpec[];
}

/** What a run decides before it writes anything: the input units, the task count, the built stages and the phases. */
export async function planRun(loaded: LoadedPipeline, layout: OutputLayout, world: number | undefined, log: Logger): Promise<RunShape> {
  const units = await resolveUnits(loaded);
  const w = world ?? defaultWorld(loaded, units.length);
  const pipeline = await buildPipeline(loaded, layout, w, log);
  return { units, world: w, pipeline, phases: phasesOf(pipeline, w) };
}

/** Units of task `rank`: sorted(units)[rank::world]. */
export function unitsOfTask<T>(units: readonly T[], rank: number, world: number): T[] {
  const out: T[] = [];
  for (let i = rank; i < units.length; i += world) out.push(units[i]!);
  return out;
}

/** Hash of everything that decides the output (not where it goes, nor where the tasks run). */
export function configHash(loaded: LoadedPipeline): string {
  const { output, executor: _executor, ...rest } = loaded.config;
  const { dir: _dir, ...outputRest } = output;
  return createHash('sha256').update(JSON.stringify({ ...rest, output: outputRest })).digest('hex');
}

export function defaultWorld(loaded: LoadedPipeline, unitCount: number): number {
  return loaded.config.runner.tasks ?? Math.max(1, unitCount);
}

/**
 * Records the plan the first time; afterwards checks that a rerun is the same run (same config,
 * same inputs, same split), because resuming a different run would mix outputs.
 */
export async function commitPlan(layout: OutputLayout, plan: Plan): Promise<Plan> {
  if (await createFileExclusive(layout.plan, JSON.stringify(plan, null, 2) + '\n')) return plan;
  const existing = JSON.parse(await readFile(layout.plan, 'utf8')) as Plan;
  const why: string[] = [];
  if (existing.config_sha256 !== plan.config_sha256) why.push('the pipeline configuration changed');
  if (existing.world !== plan.world) why.push(`it was split into ${existing.world} tasks, now ${plan.world}`);
  if (JSON.stringify(existing.units) !== JSON.stringify(plan.units)) why.push(`the input files changed (${existing.units.length} then, ${plan.units.length} now)`);
  if (why.length > 0) {
    throw new SluiceError('SLUICE_RESUME_MISMATCH', `${layout.dir} holds a different run: ${why.join('; ')}`, {
      file: layout.plan,
      hint: `rerun with --fresh to discard it, or write to another directory with --out`,
    });
  }
  return existing;
}

/**
 * Where a 1-worker run's CPU time goes, from its task markers: the leader's own work outside any
 * task (start-up, plan, merge), the JIT warm-up the first tasks of each docs phase pay while V8
 * still interprets and compiles the code they are the first to run, and the steady state the
 * later tasks reach. A worker process that runs many tasks (a long local run, a Slurm task given
 * many pieces with `runner.tasks`) approaches the steady rate; one process per small task pays
 * the warm-up every time.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskMarker } from '../../src/runner/marker.js';
import { median } from './median.js';

/** Tasks at the start of each docs phase counted as warming up (the third is still about 20% over the later ones on 172 MB). */
export const WARM_TASKS = 3;
/**
 * Later tasks needed to take their median as the steady cost of a task: on 43 MB (6 tasks a
 * phase) the fourth to sixth tasks are still warming up, and the last is a short remainder.
 */
const STEADY_TASKS = 8;

export interface TaskFigures {
  phase: string;
  started: number;
  /** Undefined in markers written before sluice recorded it. */
  cpu: number | undefined;
  peakRssMb: number;
}

/** Every task marker of a finished run (they stay in `.sluice/tasks/` after the run). */
export function tasksOf(out: string): TaskFigures[] {
  const dir = join(out, '.sluice', 'tasks');
  const tasks: TaskFigures[] = [];
  for (const phase of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, phase))) {
      const m = JSON.parse(readFileSync(join(dir, phase, f), 'utf8')) as TaskMarker;
      tasks.push({ phase, started: Date.parse(m.started), cpu: m.cpu_seconds, peakRssMb: m.peak_rss_mb });
    }
  }
  return tasks;
}

/** Phases of a run that move no documents: the dedup barriers' global steps. */
export function isStepPhase(phase: string): boolean {
  return !phase.startsWith('docs-');
}

/**
 * What the first WARM_TASKS tasks of every docs phase took beyond WARM_TASKS steady tasks (the
 * median of the later ones); undefined when a docs phase has too few tasks to tell them apart,
 * or a marker lacks its CPU time. Step phases are short and run once per run: they count as steady.
 */
export function warmupCpu(tasks: readonly TaskFigures[]): number | undefined {
  const byPhase = new Map<string, { started: number; cpu: number }[]>();
  for (const { phase, started, cpu } of tasks) {
    if (cpu === undefined) return undefined;
    if (isStepPhase(phase)) continue;
    const list = byPhase.get(phase) ?? [];
    list.push({ started, cpu });
    byPhase.set(phase, list);
  }
  let warmup = 0;
  for (const list of byPhase.values()) {
    if (list.length < WARM_TASKS + STEADY_TASKS) return undefined;
    const inOrder = [...list].sort((a, b) => a.started - b.started);
    const steady = median(inOrder.slice(WARM_TASKS).map((t) => t.cpu));
    for (const t of inOrder.slice(0, WARM_TASKS)) warmup += Math.max(0, t.cpu - steady);
  }
  return warmup;
}

/**
 * Expected scaling to more cores than this machine has, simulated from a measured run: every
 * task's own seconds (its marker), phase by phase, scheduled on P workers longest first, with
 * each phase waiting for its slowest task (the barriers) and the leader's own time (start-up,
 * planning, the final merge into stats and manifest) serial. A corpus k times larger is k times
 * the tasks of every phase (pieces of a fixed size). A dedup step's tasks are taken k times too,
 * since its work grows with the corpus; a real run gives a step fewer, longer tasks
 * (src/core/step-tasks.ts), which the cores share as well while there are at least as many.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskMarker } from '../../src/runner/marker.js';
import type { Plan } from '../../src/runner/plan-file.js';
import type { BenchRow } from './types.js';

/**
 * Longest-processing-time-first on `workers` machines (within 4/3 of the best schedule);
 * `busyUntil` gives machines a late start (worker processes still starting).
 */
export function makespan(durations: readonly number[], workers: number, busyUntil: readonly number[] = []): number {
  const loads = Array.from({ length: Math.max(1, workers) }, (_, i) => busyUntil[i] ?? 0);
  for (const d of [...durations].sort((a, b) => b - a)) {
    let min = 0;
    for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[min]!) min = i;
    loads[min]! += d;
  }
  return Math.max(...loads);
}

export interface MeasuredRun {
  /** Output directory of a finished run (its plan and task markers are read). */
  out: string;
  /** Wall seconds of the whole `sluice run`. */
  wall: number;
}

/** Seconds per task, per phase in plan order. */
function taskSeconds(out: string): { phase: string; seconds: number[] }[] {
  const plan = JSON.parse(readFileSync(join(out, '.sluice', 'plan.json'), 'utf8')) as Plan;
  return plan.phases.map(({ id }) => {
    const dir = join(out, '.sluice', 'tasks', id);
    const seconds = readdirSync(dir).map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as TaskMarker).seconds);
    return { phase: id, seconds };
  });
}

export interface ScalingOptions {
  cores: number[];
  scales: number[];
  label: string;
}

/** Rows: simulated wall and speed-up against one worker for each core count and corpus scale. */
export function scalingRows(run: MeasuredRun, opts: ScalingOptions): BenchRow[] {
  const phases = taskSeconds(run.out);
  const work = phases.reduce((s, p) => s + makespan(p.seconds, 1), 0);
  // what the leader does alone: start-up, plan, finalize. The first lane runs in the leader; the
  // other lanes' processes start while it works, and are taken to cost as much as the leader's part
  const serial = Math.max(0, run.wall - work);
  const rows: BenchRow[] = [
    {
      bench: 'e2e',
      variant: `${opts.label}, scaling model`,
      metric: 'serial share of one worker',
      value: serial / run.wall,
      unit: 'x',
      note: `${serial.toFixed(2)} s of ${run.wall.toFixed(2)} s outside tasks; ${phases.length} phases, ${phases[0]?.seconds.length ?? 0} tasks each`,
    },
  ];
  for (const k of opts.scales) {
    const scaled = phases.map((p) => Array.from({ length: k }, () => p.seconds).flat());
    const one = serial + scaled.reduce((s, d) => s + makespan(d, 1), 0);
    for (const p of opts.cores) {
      const starting = [0, ...new Array<number>(p - 1).fill(serial)];
      const spans = scaled.map((d, i) => makespan(d, p, i === 0 ? starting : []));
      const wall = serial + spans.reduce((a, b) => a + b, 0);
      const stragglers = spans.reduce((s, span, i) => s + span - scaled[i]!.reduce((a, b) => a + b, 0) / p, 0);
      rows.push({
        bench: 'e2e',
        variant: `${opts.label}, ${p} cores, corpus x${k}`,
        metric: 'simulated speed-up',
        value: one / wall,
        unit: 'x',
        note: `${scaled[0]?.length ?? 0} tasks a phase; ${wall.toFixed(1)} s, of which the leader alone ${serial.toFixed(1)} s and lanes idle at barriers or starting ${Math.max(0, stragglers).toFixed(1)} s`,
      });
    }
  }
  return rows;
}

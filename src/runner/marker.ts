/**
 * The task marker, `.sluice/tasks/<phase>/<task>.json`: written last and atomically by a task
 * (task.ts), so its presence means the task's outputs are complete; what resume, verify, stats
 * and finalize read. Kept apart from task.ts so reading a run's state loads no reader or stage.
 */
import { access, readFile } from 'node:fs/promises';
import type { Logger } from '../core/log.js';
import type { RunStats } from '../core/stats.js';
import type { ReportData } from '../report/collect.js';
import type { ShardInfo } from '../shard/shard-writer.js';
import type { OutputLayout } from './layout.js';

/** A file a task wrote, as its marker records it so a resume can check it is still intact. */
export interface WrittenFile {
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

/** Written last, atomically: its presence means the task's outputs are complete. */
export interface TaskMarker {
  phase: string;
  rank: number;
  world: number;
  stats: RunStats;
  /** What `sluice report` needs, merged like `stats` (src/report/collect.ts); absent from docs phases run with SLUICE_REPORT=off, from step phases, and from older versions' markers. */
  report?: ReportData;
  shards: ShardInfo[];
  /** Paths relative to `rejects/`. (Markers of older versions hold absolute paths and no digest.) */
  rejects: ({ stage: string } & WrittenFile)[];
  /** The documents this task hands to the next phase (barrier segments only); path relative to `.sluice/`. */
  spill?: WrittenFile;
  started: string;
  seconds: number;
  /**
   * CPU time (user + system, all threads: V8's compiler and GC included) of the process while
   * the task ran; a leader that also runs a lane counts its own bookkeeping in it. Absent from
   * older versions' markers.
   */
  cpu_seconds?: number;
  host: string;
  pid: number;
  /** Peak resident memory of the process that ran the task, in MiB. */
  peak_rss_mb: number;
}

export async function readMarker(layout: OutputLayout, phase: string, rank: number): Promise<TaskMarker | undefined> {
  try {
    return JSON.parse(await readFile(layout.taskMarker(phase, rank), 'utf8')) as TaskMarker;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Whether task `rank` of `phase` has finished: its marker exists (read it with `readMarker`). */
export function markerExists(layout: OutputLayout, phase: string, rank: number): Promise<boolean> {
  return access(layout.taskMarker(phase, rank)).then(
    () => true,
    () => false,
  );
}

/**
 * Whether every task of `phases` has finished, by its marker's existence alone: what a scheduler's
 * task asks as it ends, to learn whether it is the last and should finalize. It looks first where
 * a marker is likeliest missing (the ranks after `rank` in its own `phase`, then the phases from
 * the last), so a task that is not the last learns it from a stat or a few, where reading the
 * markers (a few hundred kB each, with report data) cost every task of a phase of W tasks on the
 * order of W reads: W^2 a phase.
 */
export async function allTasksFinished(layout: OutputLayout, phases: readonly { id: string; tasks: number }[], phase: string, rank: number): Promise<boolean> {
  const own = phases.find((p) => p.id === phase);
  if (own) for (let i = 1; i < own.tasks; i++) if (!(await markerExists(layout, own.id, (rank + i) % own.tasks))) return false;
  for (const p of [...phases].reverse()) {
    if (p === own) continue;
    for (let r = 0; r < p.tasks; r++) if (!(await markerExists(layout, p.id, r))) return false;
  }
  return true;
}

/** Ranks of `phase` without a completion marker, the ones a (re)run still has to run; says what it skips. */
export async function unfinishedRanks(layout: OutputLayout, phase: { id: string; tasks: number }, log: Logger): Promise<number[]> {
  const ranks: number[] = [];
  // existence alone: a resume has read and checked the finished tasks' markers already (resume.ts)
  for (let rank = 0; rank < phase.tasks; rank++) if (!(await markerExists(layout, phase.id, rank))) ranks.push(rank);
  if (ranks.length === 0) log.info(`${phase.id}: all ${phase.tasks} tasks already done`);
  else if (ranks.length < phase.tasks) log.info(`${phase.id}: resuming, ${phase.tasks - ranks.length}/${phase.tasks} tasks already done`);
  return ranks;
}

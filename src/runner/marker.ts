/**
 * The task marker, `.sluice/tasks/<phase>/<task>.json`: written last and atomically by a task
 * (task.ts), so its presence means the task's outputs are complete; what resume, verify, stats
 * and finalize read. Kept apart from task.ts so reading a run's state loads no reader or stage.
 */
import { readFile } from 'node:fs/promises';
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

/** Ranks of `phase` without a completion marker, the ones a (re)run still has to run; says what it skips. */
export async function unfinishedRanks(layout: OutputLayout, phase: { id: string; tasks: number }, log: Logger): Promise<number[]> {
  const ranks: number[] = [];
  for (let rank = 0; rank < phase.tasks; rank++) if (!(await readMarker(layout, phase.id, rank))) ranks.push(rank);
  if (ranks.length === 0) log.info(`${phase.id}: all ${phase.tasks} tasks already done`);
  else if (ranks.length < phase.tasks) log.info(`${phase.id}: resuming, ${phase.tasks - ranks.length}/${phase.tasks} tasks already done`);
  return ranks;
}

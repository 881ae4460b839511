/**
 * Each task of a local run keeps its own log, where a Slurm run's array task writes its output:
 * `.sluice/logs/<phase>/<rank>.log` (the same names as Slurm's `%a.log`). The task's lines still
 * go to stderr as well; the file adds when each attempt started and how it ended, so a finished
 * run can be read task by task. Attempts append: a failed one stays above the rerun.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errorMessage } from '../core/errors.js';
import { createLogger, logLevelFromEnv, teeLogger } from '../core/log.js';
import { orderedStages } from '../core/stats.js';
import { reportableError } from '../core/system-error.js';
import { inParentDirSync } from '../io/parent-dir.js';
import type { OutputLayout } from './layout.js';
import type { TaskMarker } from './marker.js';
import { runTask, taskRun, type TaskRun } from './task.js';

export function taskLogPath(layout: OutputLayout, phase: string, rank: number): string {
  return join(layout.logsDir, phase, `${rank}.log`);
}

/** What the task moved: documents in and out, shards, and its rejects by stage and reason. */
function outcome(run: TaskRun, marker: TaskMarker): string {
  if (run.phase.kind === 'step') return 'step done';
  const rejected = orderedStages(marker.stats).flatMap(([stage, counts]) => Object.entries(counts.rejected).map(([reason, n]) => `${stage}/${reason} ${n}`));
  const { docsIn, docsOut } = run.progress;
  return `${docsIn} docs in, ${docsOut} out, ${marker.shards.length} shard(s), rejected: ${rejected.length === 0 ? 'none' : rejected.join(', ')}`;
}

/** Runs the task with its lines also written, time-stamped, to its log file. */
export async function runTaskLogged(run: TaskRun): Promise<TaskMarker> {
  const path = taskLogPath(run.layout, run.phase.id, run.rank);
  // written line by line, unbuffered: a worker that crashes leaves every line it logged
  const fd = inParentDirSync(path, () => openSync(path, 'a'));
  const write = (line: string): void => {
    try {
      writeSync(fd, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // the log shares the output's disk: when that is full, the task's own error (a
      // SLUICE_OUTPUT naming the file it could not write) must be what is reported, not this line's
    }
  };
  const file = createLogger(logLevelFromEnv(), '', write);
  const name = `task ${run.phase.id}/${run.rank}`;
  try {
    write(`${name} started on ${hostname()} (pid ${process.pid})`);
    const marker = await runTask(taskRun(run, { phase: run.phase, rank: run.rank, strict: run.strict, log: teeLogger(run.log, file), signal: run.signal, progress: run.progress, fileLog: file }));
    const cpu = marker.cpu_seconds === undefined ? '' : ` (${marker.cpu_seconds.toFixed(1)} s CPU)`;
    write(`${name} finished in ${marker.seconds.toFixed(1)} s${cpu}: ${outcome(run, marker)}, peak RSS ${marker.peak_rss_mb} MiB`);
    return marker;
  } catch (err) {
    const reportable = reportableError(err);
    write(`${name} failed: ${reportable ? reportable.describe() : err instanceof Error ? (err.stack ?? errorMessage(err)) : errorMessage(err)}`);
    throw err;
  } finally {
    closeSync(fd);
  }
}

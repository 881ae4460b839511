import { open, readdir } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SluiceError, errorMessage } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import type { OutputLayout } from '../layout.js';
import { readMarker, type TaskMarker } from '../marker.js';
import { isTransientFailure, type SlurmClient } from './client.js';
import { classify, isKnownState, type QueueEntry, type TaskRecord } from './status.js';
import { commentOf, taskLog, type Submission } from './submission.js';

export interface MonitoredPhase {
  id: string;
  tasks: number;
}

/** How one submitted task ended, when it did not end well. */
export interface FailedTask extends TaskRecord {
  phase: string;
  rank: number;
  /** `state` is Slurm's last word on it (FAILED, TIMEOUT, ...), or what sluice saw. */
  log: string;
  /** The log's last lines. */
  tail: string[];
}

export interface MonitorResult {
  failed: FailedTask[];
  /** Tasks that never ran because an earlier phase failed, per phase. */
  cancelledUpstream: Map<string, number>;
}

interface Tracked {
  phase: string;
  rank: number;
  jobId: string;
  index: number;
  seen: boolean;
  state?: string;
  reason?: string;
  /** When it left the queue, or completed, without a marker visible here. */
  markerWait?: number;
  outcome?: 'done' | 'failed' | 'upstream_failed';
  why?: string;
}

export interface MonitorOptions {
  client: SlurmClient;
  layout: OutputLayout;
  phases: MonitoredPhase[];
  submission: Submission;
  pollSeconds: number;
  markerGraceSeconds: number;
  log: Logger;
  signal: AbortSignal;
}

const MAX_POLL_FAILURES = 10;

/**
 * Watches submitted array tasks until none is pending or running. Completion markers decide what
 * finished: finished jobs vanish from squeue after MinJobAge, and sacct needs a database many
 * clusters do not expose. squeue says what is still queued and how the rest ended.
 */
export async function monitorSubmission(opts: MonitorOptions): Promise<MonitorResult> {
  const { client, layout, submission, log } = opts;
  const tracked: Tracked[] = submission.arrays.flatMap((a) => a.ranks.map((rank) => ({ phase: a.phase, rank, jobId: a.jobId, index: rank - a.offset, seen: false })));
  const jobIds = submission.arrays.map((a) => a.jobId);
  const comment = commentOf(submission.token);
  const progress = new SlurmProgress(opts.phases, tracked);
  await progress.countEarlierTasks(layout);
  const started = Date.now();
  const warnedStates = new Set<string>();
  const cancelled = new Set<string>();
  let pollFailures = 0;

  for (;;) {
    if (opts.signal.aborted) {
      await client.cancel(jobIds);
      throw new SluiceError('SLUICE_TASK_FAILED', `interrupted: cancelled Slurm jobs ${jobIds.join(', ')}`, {
        hint: 'run the same command again to resume: finished tasks are kept (closing the terminal instead leaves the jobs running, and a rerun watches them)',
      });
    }
    let entries: QueueEntry[] = [];
    try {
      entries = (await client.queue(jobIds)).filter((e) => e.comment === comment);
      pollFailures = 0;
    } catch (err) {
      if (!isTransientFailure(err) || ++pollFailures >= MAX_POLL_FAILURES) throw err;
      log.warn(`squeue failed (${pollFailures}/${MAX_POLL_FAILURES}), trying again: ${errorMessage(err)}`);
    }
    const byTask = new Map(entries.map((e) => [`${e.jobId}_${e.index}`, e]));
    const now = Date.now();
    const toCancel: string[] = [];
    // one directory listing per phase rather than a file open per task: cheap on Lustre and NFS
    const markers = await listMarkers(layout, new Set(tracked.filter((t) => !t.outcome).map((t) => t.phase)));
    for (const t of tracked) {
      if (t.outcome) continue;
      const marker = markers.get(t.phase)?.has(basename(layout.taskMarker(t.phase, t.rank))) ? await readMarker(layout, t.phase, t.rank) : undefined;
      if (marker) {
        t.outcome = 'done';
        progress.taskDone(marker);
        continue;
      }
      const entry = pollFailures === 0 ? byTask.get(`${t.jobId}_${t.index}`) : undefined;
      if (entry) {
        t.seen = true;
        t.state = entry.state;
        t.reason = entry.reason;
        if (!isKnownState(entry.state) && !warnedStates.has(entry.state)) {
          warnedStates.add(entry.state);
          log.warn(`unfamiliar Slurm job state ${entry.state} (task ${t.phase}/${t.rank}): treating it as running`);
        }
        const view = classify(entry.state, entry.reason);
        if (view === 'failed' || view === 'cancelled') {
          t.outcome = 'failed';
        } else if (view === 'upstream_failed') {
          t.outcome = 'upstream_failed';
          if (entry.state !== 'CANCELLED') toCancel.push(`${t.jobId}_${t.index}`);
        } else if (view === 'completed') {
          t.markerWait ??= now;
          if (now - t.markerWait > opts.markerGraceSeconds * 1000) {
            t.outcome = 'failed';
            t.why = `exited 0 but no completion marker appeared at ${layout.taskMarker(t.phase, t.rank)}: is ${layout.dir} on a filesystem the compute nodes share?`;
          }
        }
      } else if (pollFailures === 0 && (t.seen || now - started > opts.markerGraceSeconds * 1000)) {
        // slurmctld forgot it (MinJobAge) or never had it: only a marker can say it finished
        t.markerWait ??= now;
        if (now - t.markerWait > opts.markerGraceSeconds * 1000) {
          t.outcome = 'failed';
          t.state ??= 'UNKNOWN';
          t.why = 'left the queue without a completion marker (its record was purged, so the exit status is unknown)';
        }
      }
    }
    const fresh = toCancel.filter((id) => !cancelled.has(id));
    if (fresh.length > 0) {
      // clusters that ignore --kill-on-invalid-dep leave these pending forever
      fresh.forEach((id) => cancelled.add(id));
      await client.cancel(fresh);
    }
    progress.report(log);
    if (tracked.every((t) => t.outcome)) break;
    // short runs finish soon after submission: poll every second at first, backing off to pollSeconds
    const waitSeconds = Math.min(opts.pollSeconds, Math.max(1, (Date.now() - started) / 30_000));
    await sleep(waitSeconds * 1000, undefined, { signal: opts.signal }).catch(() => {});
  }
  progress.report(log, true);

  const failed = tracked.filter((t) => t.outcome === 'failed');
  const records = new Map<string, TaskRecord>();
  for (const jobId of new Set(failed.map((t) => t.jobId))) for (const r of await client.tasks(jobId)) records.set(`${r.jobId}_${r.index}`, r);
  const cancelledUpstream = new Map<string, number>();
  for (const t of tracked) if (t.outcome === 'upstream_failed') cancelledUpstream.set(t.phase, (cancelledUpstream.get(t.phase) ?? 0) + 1);
  return {
    failed: await Promise.all(
      failed.map(async (t) => {
        const r = records.get(`${t.jobId}_${t.index}`);
        const logPath = taskLog(layout, t.phase, t.rank);
        return {
          phase: t.phase,
          rank: t.rank,
          jobId: t.jobId,
          index: t.index,
          state: r?.state ?? t.state ?? 'UNKNOWN',
          reason: t.why ?? r?.reason ?? t.reason ?? '',
          ...(r?.exitCode === undefined ? {} : { exitCode: r.exitCode, signal: r.signal ?? 0 }),
          ...(r?.node === undefined ? {} : { node: r.node }),
          log: logPath,
          tail: await tailLines(logPath, 20),
        };
      }),
    ),
    cancelledUpstream,
  };
}

async function listMarkers(layout: OutputLayout, phases: Set<string>): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const phase of phases) {
    try {
      out.set(phase, new Set(await readdir(layout.taskMarkerDir(phase))));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return out;
}

/** The last `n` lines of a file (from its last 16 KiB), or a note that it is missing. */
export async function tailLines(path: string, n: number): Promise<string[]> {
  let file;
  try {
    file = await open(path, 'r');
  } catch (err) {
    return [`(no log: ${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`];
  }
  try {
    const { size } = await file.stat();
    const length = Math.min(size, 16 * 1024);
    const buf = Buffer.alloc(length);
    await file.read(buf, 0, length, size - length);
    const lines = buf.toString('utf8').replace(/\n$/, '').split('\n');
    return lines.slice(-n);
  } finally {
    await file.close();
  }
}

/** Pending reasons that say nothing a user needs to act on. */
const ROUTINE_PENDING = new Set(['None', 'Dependency', 'JobArrayTaskLimit', 'BeginTime']);

interface PhaseCounts {
  total: number;
  done: number;
  running: number;
  pending: number;
  failed: number;
  cancelled: number;
}

/** Progress lines: tasks per phase (done, running, pending, failed) and the ledger of finished tasks. */
class SlurmProgress {
  private readonly ledger = { docs_in: 0, kept: 0, rejected: 0, duplicates: 0 };
  private readonly started = Date.now();
  private last = '';
  private lastAt = 0;
  private readonly intervalMs = Number(process.env['SLUICE_PROGRESS_MS'] ?? 30_000);

  constructor(
    private readonly phases: MonitoredPhase[],
    private readonly tracked: Tracked[],
  ) {}

  /** Adds what tasks finished before this submission (not tracked) contributed. */
  async countEarlierTasks(layout: OutputLayout): Promise<void> {
    const mine = new Set(this.tracked.map((t) => `${t.phase}/${t.rank}`));
    for (const p of this.phases) {
      for (let rank = 0; rank < p.tasks; rank++) {
        if (mine.has(`${p.id}/${rank}`)) continue;
        const marker = await readMarker(layout, p.id, rank);
        if (marker) this.taskDone(marker);
      }
    }
  }

  taskDone(marker: TaskMarker): void {
    const l = marker.stats.ledger;
    this.ledger.docs_in += l.docs_in;
    this.ledger.kept += l.kept;
    this.ledger.rejected += l.rejected;
    this.ledger.duplicates += l.duplicates;
  }

  line(): string {
    const parts: string[] = [];
    for (const p of this.phases) {
      const mine = this.tracked.filter((t) => t.phase === p.id);
      const c: PhaseCounts = { total: p.tasks, done: p.tasks - mine.length, running: 0, pending: 0, failed: 0, cancelled: 0 };
      const reasons = new Set<string>();
      for (const t of mine) {
        if (t.outcome === 'done') c.done++;
        else if (t.outcome === 'failed') c.failed++;
        else if (t.outcome === 'upstream_failed') c.cancelled++;
        else if (t.state !== undefined && classify(t.state, t.reason ?? '') === 'running') c.running++;
        else {
          c.pending++;
          // why it waits, when that is news: Resources, Priority, QOSMaxJobsPerUserLimit, PartitionTimeLimit, ...
          if (t.reason && !ROUTINE_PENDING.has(t.reason)) reasons.add(t.reason);
        }
      }
      const pending = c.pending ? `${c.pending} pending${reasons.size ? `: ${[...reasons].sort().join(', ')}` : ''}` : 0;
      const extra = [c.running && `${c.running} running`, pending, c.failed && `${c.failed} failed`, c.cancelled && `${c.cancelled} cancelled`].filter(Boolean);
      parts.push(`${p.id} ${c.done}/${c.total}${extra.length ? ` (${extra.join(', ')})` : ''}`);
    }
    const l = this.ledger;
    return `${parts.join(' | ')} | docs in ${l.docs_in}, kept ${l.kept}, rejected ${l.rejected}, duplicates ${l.duplicates}`;
  }

  report(log: Logger, force = false): void {
    const text = this.line();
    const now = Date.now();
    if (!force && text === this.last && now - this.lastAt < this.intervalMs) return;
    if (force && text === this.last) return;
    this.last = text;
    this.lastAt = now;
    log.info(`slurm ${((now - this.started) / 1000).toFixed(0)}s | ${text}`);
  }
}

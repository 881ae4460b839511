/**
 * What Slurm's user commands print, parsed. Only squeue and scontrol are used: sacct needs the
 * accounting database, which many clusters do not run or do not expose to users.
 */
import { parseArraySpec } from './array-spec.js';

/** One array task as `squeue -h -r -t all -o '%i|%T|%r|%k'` prints it. */
export interface QueueEntry {
  /** The array's job id (what sbatch printed). */
  jobId: string;
  index: number;
  /** PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, ... */
  state: string;
  /** Why it is pending or how it ended: None, Dependency, DependencyNeverSatisfied, NonZeroExitCode, ... */
  reason: string;
  comment: string;
}

export const SQUEUE_FORMAT = '%i|%T|%r|%k';

/** Parses squeue lines; `-r` prints one line per task, but a bracketed range (`12_[4-7%2]`) is expanded too. */
export function parseSqueue(text: string): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [id = '', state = '', reason = '', ...rest] = line.split('|');
    const m = /^(\d+)_(\d+|\[.*\])$/.exec(id.trim());
    if (!m) continue; // not an array task: not one of ours
    const indices = m[2]!.startsWith('[') ? parseArraySpec(m[2]!) : [Number(m[2])];
    for (const index of indices) out.push({ jobId: m[1]!, index, state: state.trim(), reason: reason.trim(), comment: rest.join('|').trim() });
  }
  return out;
}

/** Where a task stands, as far as the scheduler knows. */
export type SchedulerView =
  | 'pending'
  | 'running'
  | 'completed'
  | 'failed'
  /** An upstream array failed, so this task can never start (cancelled, or pending forever). */
  | 'upstream_failed'
  /** Cancelled by someone (scancel, an administrator, preemption without requeue). */
  | 'cancelled';

const PENDING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED', 'RESIZING']);
const RUNNING = new Set(['RUNNING', 'CONFIGURING', 'COMPLETING', 'SIGNALING', 'STAGE_OUT', 'POWER_UP_NODE', 'UPDATE_DB']);
const FAILED = new Set(['FAILED', 'TIMEOUT', 'OUT_OF_MEMORY', 'NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT', 'REVOKED']);
const NEVER = 'DependencyNeverSatisfied';

/** A state Slurm may add later counts as running: the completion marker still decides in the end. */
export function classify(state: string, reason: string): SchedulerView {
  if (state === 'COMPLETED') return 'completed';
  if (reason === NEVER && (state === 'CANCELLED' || PENDING.has(state))) return 'upstream_failed';
  if (state === 'CANCELLED') return 'cancelled';
  if (FAILED.has(state)) return 'failed';
  if (PENDING.has(state)) return 'pending';
  if (RUNNING.has(state)) return 'running';
  return 'running';
}

export function isKnownState(state: string): boolean {
  return state === 'COMPLETED' || state === 'CANCELLED' || PENDING.has(state) || RUNNING.has(state) || FAILED.has(state);
}

/** `scontrol -o show job` prints one record per line as `Key=Value` pairs; values may hold `=` but keys follow a space. */
export function parseScontrolRecords(text: string): Record<string, string>[] {
  const records: Record<string, string>[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const record: Record<string, string> = {};
    const keys = [...line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9/:_]*)=/g)];
    keys.forEach((k, i) => {
      const start = k.index + k[0].length;
      const end = i + 1 < keys.length ? keys[i + 1]!.index : line.length;
      record[k[1]!] = line.slice(start, end).trim();
    });
    records.push(record);
  }
  return records;
}

/** An array task's record in slurmctld's memory (gone MinJobAge seconds after it ends). */
export interface TaskRecord {
  jobId: string;
  index: number;
  state: string;
  reason: string;
  /** Process exit code and the signal that ended it, from `ExitCode=code:signal`. */
  exitCode?: number;
  signal?: number;
  node?: string;
}

export function taskRecords(text: string): TaskRecord[] {
  const out: TaskRecord[] = [];
  for (const r of parseScontrolRecords(text)) {
    const jobId = r['ArrayJobId'];
    const tasks = r['ArrayTaskId'];
    if (jobId === undefined || tasks === undefined) continue;
    const exit = /^(\d+):(\d+)$/.exec(r['ExitCode'] ?? '');
    const node = r['NodeList'] || undefined;
    for (const index of parseArraySpec(tasks)) {
      out.push({
        jobId,
        index,
        state: r['JobState'] ?? 'UNKNOWN',
        reason: r['Reason'] ?? '',
        ...(exit ? { exitCode: Number(exit[1]), signal: Number(exit[2]) } : {}),
        ...(node && node !== '(null)' ? { node } : {}),
      });
    }
  }
  return out;
}

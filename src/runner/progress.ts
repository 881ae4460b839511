import { decimalAmount } from '../core/amount.js';
import type { TaskProgress } from './task.js';

export interface ProgressSnapshot {
  phase: string;
  /**
   * Where the phase's documents come from: the inputs (the first docs phase), the previous
   * phase's spill (a later docs phase), or nowhere (a step such as dedup's index building, which
   * moves no documents and shows tasks and time only).
   */
  reads: 'inputs' | 'spill' | 'none';
  tasksDone: number;
  tasksTotal: number;
  /** Sum over running and finished tasks of this phase. */
  counters: TaskProgress;
}

function rate(n: number, seconds: number): string {
  const r = n / seconds;
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
}

/** What a phase has moved so far, in words; no zeros before its first document. */
export function progressLine(s: ProgressSnapshot, phaseSeconds: number, runSeconds: number): string {
  const parts = [`${s.phase}: tasks ${s.tasksDone}/${s.tasksTotal}`];
  const c = s.counters;
  if (s.reads !== 'none') {
    const from = s.reads === 'spill' ? ' from spill' : '';
    if (c.docsIn === 0 && c.docsOut === 0) {
      parts.push(s.tasksDone < s.tasksTotal ? 'starting (no documents yet)' : 'no documents');
    } else {
      // rates over less than a second would mostly measure process start
      const rates = phaseSeconds >= 1;
      parts.push(`docs in ${c.docsIn}${from}${rates ? ` (${rate(c.docsIn, phaseSeconds)}/s)` : ''}`);
      parts.push(`${decimalAmount(c.charsIn)} text${rates ? ` (${decimalAmount(c.charsIn / phaseSeconds)}/s)` : ''}`);
      parts.push(`out ${c.docsOut}`);
    }
  }
  parts.push(`${runSeconds.toFixed(0)}s`);
  return parts.join(' | ');
}

/**
 * Progress for long runs. On a terminal a status line is redrawn in place; in logs (CI, Slurm)
 * a plain line is printed every few seconds so nothing fills up with carriage returns.
 */
export class ProgressReporter {
  private timer: NodeJS.Timeout | undefined;
  private readonly started = Date.now();
  private phaseStarted = Date.now();
  private phase = '';
  private lastLength = 0;

  constructor(
    private readonly sample: () => ProgressSnapshot,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly intervalMs = Number(process.env['SLUICE_PROGRESS_MS'] ?? (stream.isTTY ? 250 : 5000)),
  ) {}

  start(): void {
    this.phase = this.sample().phase;
    this.phaseStarted = Date.now();
    this.timer = setInterval(() => this.print(), this.intervalMs);
    this.timer.unref();
  }

  line(): string {
    const s = this.sample();
    if (s.phase !== this.phase) {
      this.phase = s.phase;
      this.phaseStarted = Date.now();
    }
    return progressLine(s, (Date.now() - this.phaseStarted) / 1000, (Date.now() - this.started) / 1000);
  }

  private print(): void {
    const text = this.line();
    if (this.stream.isTTY) {
      this.stream.write(`\r${text.padEnd(this.lastLength)}`);
      this.lastLength = text.length;
    } else {
      this.stream.write(`progress ${text}\n`);
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.stream.isTTY && this.lastLength > 0) this.stream.write(`\r${' '.repeat(this.lastLength)}\r`);
  }
}

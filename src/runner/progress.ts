import type { TaskProgress } from './task.js';

export interface ProgressSnapshot {
  phase: string;
  tasksDone: number;
  tasksTotal: number;
  /** Sum over running and finished tasks of this phase. */
  counters: TaskProgress;
}

function rate(n: number, seconds: number): string {
  const r = n / Math.max(seconds, 1e-3);
  return r >= 1e6 ? `${(r / 1e6).toFixed(1)}M` : r >= 1e3 ? `${(r / 1e3).toFixed(1)}k` : r.toFixed(0);
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
    const secs = (Date.now() - this.phaseStarted) / 1000;
    const c = s.counters;
    const mb = c.charsIn / 1e6;
    return `${s.phase}: tasks ${s.tasksDone}/${s.tasksTotal} | docs in ${c.docsIn} (${rate(c.docsIn, secs)}/s) | ${mb.toFixed(1)} MB text (${(mb / Math.max(secs, 1e-3)).toFixed(1)} MB/s) | out ${c.docsOut} | ${((Date.now() - this.started) / 1000).toFixed(0)}s`;
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

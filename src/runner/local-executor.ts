import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { PhaseSpec } from './pipeline.js';
import { newProgress, readMarker, type TaskProgress } from './task.js';
import type { OutputLayout } from './layout.js';
import { ProgressReporter } from './progress.js';

/** Messages a worker process sends its parent. */
export type WorkerMessage = { type: 'progress'; progress: TaskProgress };

export interface LocalExecution {
  layout: OutputLayout;
  phases: PhaseSpec[];
  workers: number;
  log: Logger;
  /** Runs one task in this process (used when workers = 1). */
  runInProcess(phase: PhaseSpec, rank: number, progress: TaskProgress): Promise<void>;
  /** Arguments that make `sluice` run one task as a worker. */
  workerArgs(phase: PhaseSpec, rank: number): string[];
  signal: AbortSignal;
}

/** The compiled CLI, whether this module runs from dist/ or from src/ under the test runner. */
export function cliEntry(): string {
  const here = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
  if (existsSync(built)) return built;
  throw new SluiceError('SLUICE_INTERNAL', 'the compiled CLI (dist/cli/main.js) is missing', { hint: 'run `make build` (or `npm run build`) first' });
}

function addInto(into: TaskProgress, from: TaskProgress): void {
  into.docsIn += from.docsIn;
  into.charsIn += from.charsIn;
  into.docsOut += from.docsOut;
}

/**
 * Runs the phases in order on this machine, `workers` tasks at a time, skipping tasks whose
 * marker exists. Workers are child processes running the same entry point a scheduler would.
 */
export async function runPhasesLocally(exec: LocalExecution): Promise<void> {
  for (const phase of exec.phases) {
    const pending: number[] = [];
    for (let rank = 0; rank < phase.tasks; rank++) if (!(await readMarker(exec.layout, phase.id, rank))) pending.push(rank);
    if (pending.length === 0) {
      exec.log.info(`${phase.id}: all ${phase.tasks} tasks already done`);
      continue;
    }
    if (pending.length < phase.tasks) exec.log.info(`${phase.id}: resuming, ${phase.tasks - pending.length}/${phase.tasks} tasks already done`);
    await runPhase(exec, phase, pending);
  }
}

async function runPhase(exec: LocalExecution, phase: PhaseSpec, pending: number[]): Promise<void> {
  const finished = newProgress();
  const live = new Map<number, TaskProgress>();
  let done = phase.tasks - pending.length;
  const reporter = new ProgressReporter(() => {
    const counters = { ...finished };
    for (const p of live.values()) addInto(counters, p);
    return { phase: phase.id, tasksDone: done, tasksTotal: phase.tasks, counters };
  });
  reporter.start();
  const failures: { rank: number; error: string }[] = [];
  const queue = [...pending];
  const slots = Math.max(1, Math.min(exec.workers, queue.length));

  const runOne = async (rank: number): Promise<void> => {
    const progress = newProgress();
    live.set(rank, progress);
    try {
      if (exec.workers <= 1) await exec.runInProcess(phase, rank, progress);
      else await runWorker(exec, phase, rank, progress);
      done++;
    } catch (err) {
      failures.push({ rank, error: err instanceof SluiceError ? err.describe() : String(err) });
    } finally {
      live.delete(rank);
      addInto(finished, progress);
    }
  };
  await Promise.all(
    Array.from({ length: slots }, async () => {
      for (let rank = queue.shift(); rank !== undefined; rank = queue.shift()) {
        if (exec.signal.aborted) break;
        await runOne(rank);
      }
    }),
  );
  reporter.stop();
  if (failures.length > 0) {
    const list = failures.sort((a, b) => a.rank - b.rank).map((f) => `  task ${f.rank}: ${f.error.split('\n').join('\n    ')}`);
    throw new SluiceError('SLUICE_TASK_FAILED', `${failures.length} of ${phase.tasks} tasks of phase ${phase.id} failed:\n${list.join('\n')}`, {
      hint: 'fix the cause and run the same command again: finished tasks are kept and skipped',
    });
  }
  exec.log.info(reporter.line());
}

function runWorker(exec: LocalExecution, phase: PhaseSpec, rank: number, progress: TaskProgress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(cliEntry(), exec.workerArgs(phase, rank), { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    let stderrTail = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString()).slice(-4000);
    });
    child.on('message', (msg: WorkerMessage) => {
      if (msg.type === 'progress') Object.assign(progress, msg.progress);
    });
    const onAbort = (): void => {
      child.kill('SIGTERM');
    };
    exec.signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      exec.signal.removeEventListener('abort', onAbort);
      if (code === 0) resolve();
      else reject(new Error(`worker exited with ${sig ?? `code ${code}`}${stderrTail ? `; last output:\n${stderrTail.trim().split('\n').slice(-8).join('\n')}` : ''}`));
    });
  });
}

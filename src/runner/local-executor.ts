/**
 * The local executor: the phases run in order on this machine, `workers` tasks at a time, skipping
 * tasks whose marker exists. The first lane runs its tasks in this process, which has loaded the
 * pipeline already; each further lane is a child process (worker-main.ts) that loads the pipeline
 * once and serves tasks over IPC. So `--workers N` starts N - 1 processes: a process start
 * (modules, vocabularies, models) is paid once less, and the first tasks begin while the
 * children are still starting.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { workerEntry } from './entry-points.js';
import { applyLaneJitFlags } from './jit-budget.js';
import { removeTempFiles } from './fresh.js';
import type { ExecuteContext, Executor } from './executor.js';
import type { PhaseSpec } from './pipeline.js';
import type { PreparedRun } from './prepare.js';
import { unfinishedRanks } from './marker.js';
import { newProgress, taskRun, type TaskProgress } from './task.js';
import { runTaskLogged } from './task-log.js';
import type { OutputLayout } from './layout.js';
import { ProgressReporter } from './progress.js';
import type { ParentMessage, WorkerInit, WorkerMessage } from './worker-protocol.js';

export class LocalExecutor implements Executor {
  readonly name = 'local';

  /** `workers`: parallel tasks (default: the pipeline's runner.workers, else the CPU count). */
  constructor(private readonly workers?: number) {}

  async execute(run: PreparedRun, ctx: ExecuteContext): Promise<void> {
    const workers = Math.max(1, this.workers ?? run.loaded.config.runner.workers ?? availableParallelism());
    // under the lock nobody else writes here: temp files are a crashed run's leftovers
    await removeTempFiles(run.layout);
    await runPhasesLocally(run.phases, {
      layout: run.layout,
      workers,
      workerExecArgv: applyLaneJitFlags(workers),
      log: ctx.log,
      signal: ctx.signal,
      runInProcess: async (phase, rank, progress) => {
        await runTaskLogged(taskRun(run, { phase, rank, strict: ctx.strict, log: ctx.log, signal: ctx.signal, progress }));
      },
      workerInit: { pipeline: ctx.pipeline, out: run.layout.dir, world: run.world, strict: ctx.strict },
    });
  }
}

/** How one phase's tasks run here: in this process, or in a pool of worker processes. */
interface LocalExecution {
  layout: OutputLayout;
  workers: number;
  log: Logger;
  signal: AbortSignal;
  /** Runs one task in this process (the first lane). */
  runInProcess(phase: PhaseSpec, rank: number, progress: TaskProgress): Promise<void>;
  /** What each worker process is started with. */
  workerInit: WorkerInit;
  /** Node flags for the worker processes, after the leader's own (jit-budget.ts). */
  workerExecArgv: string[];
}

function addInto(into: TaskProgress, from: TaskProgress): void {
  into.docsIn += from.docsIn;
  into.charsIn += from.charsIn;
  into.docsOut += from.docsOut;
}

/** A long-lived worker process: prepares the run once, then runs the tasks it is sent. */
class Worker {
  private readonly child: ChildProcess;
  private readonly ready: Promise<void>;
  private current: { resolve: () => void; reject: (err: Error) => void; progress: TaskProgress } | undefined;
  private stderrTail = '';
  private exited = false;

  constructor(init: WorkerInit, extraExecArgv: string[]) {
    const entry = workerEntry();
    this.child = fork(entry.module, [JSON.stringify(init)], { execArgv: [...process.execArgv, ...extraExecArgv, ...entry.execArgv], stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') resolve();
        else if (msg.type === 'progress' && this.current) Object.assign(this.current.progress, msg.progress);
        else if (msg.type === 'done') this.finish();
        else if (msg.type === 'failed') this.finish(new Error(msg.error));
      });
      this.child.on('exit', (code, sig) => {
        this.exited = true;
        const why = new Error(`worker exited with ${sig ?? `code ${code}`}${this.tail()}`);
        reject(why);
        this.finish(why);
      });
    });
    this.ready.catch(() => {});
  }

  private tail(): string {
    const lines = this.stderrTail.trim().split('\n').slice(-8).join('\n');
    return lines ? `; last output:\n${lines}` : '';
  }

  private finish(err?: Error): void {
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    if (err) c.reject(err);
    else c.resolve();
  }

  get alive(): boolean {
    return !this.exited;
  }

  async run(phase: string, rank: number, progress: TaskProgress): Promise<void> {
    await this.ready;
    return new Promise((resolve, reject) => {
      this.current = { resolve, reject, progress };
      this.child.send({ type: 'task', phase, rank } satisfies ParentMessage);
    });
  }

  stop(signal?: NodeJS.Signals): void {
    if (this.exited) return;
    if (signal) this.child.kill(signal);
    else if (this.child.connected) this.child.send({ type: 'exit' } satisfies ParentMessage);
  }

  /** Resolves when the worker has exited; one that has not after `graceMs` is killed (a read stuck on a FIFO). */
  exitedPromise(graceMs = 2000): Promise<void> {
    if (this.exited) return Promise.resolve();
    return new Promise((r) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        r();
      });
    });
  }
}

async function runPhasesLocally(phases: PhaseSpec[], exec: LocalExecution): Promise<void> {
  const pool: Worker[] = [];
  const onAbort = (): void => pool.forEach((w) => w.stop('SIGTERM'));
  exec.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (const phase of phases) {
      const pending = await unfinishedRanks(exec.layout, phase, exec.log);
      if (pending.length > 0) await runPhase(exec, phase, pending, pool);
    }
  } finally {
    exec.signal.removeEventListener('abort', onAbort);
    pool.forEach((w) => w.stop());
    await Promise.all(pool.map((w) => w.exitedPromise()));
  }
}

async function runPhase(exec: LocalExecution, phase: PhaseSpec, pending: number[], pool: Worker[]): Promise<void> {
  const finished = newProgress();
  const live = new Map<number, TaskProgress>();
  let done = phase.tasks - pending.length;
  const reporter = new ProgressReporter(() => {
    const counters = { ...finished };
    for (const p of live.values()) addInto(counters, p);
    return { phase: phase.id, reads: phase.kind === 'step' ? 'none' : phase.segment === 0 ? 'inputs' : 'spill', tasksDone: done, tasksTotal: phase.tasks, counters };
  });
  reporter.start();
  const failures: { rank: number; error: string }[] = [];
  const queue = [...pending];
  const slots = Math.max(1, Math.min(exec.workers, queue.length));

  const runOne = async (slot: number, rank: number): Promise<void> => {
    const progress = newProgress();
    live.set(rank, progress);
    try {
      if (slot === 0) await exec.runInProcess(phase, rank, progress);
      else {
        let worker = pool[slot - 1];
        if (!worker || !worker.alive) pool[slot - 1] = worker = new Worker(exec.workerInit, exec.workerExecArgv);
        await worker.run(phase.id, rank, progress);
      }
      done++;
    } catch (err) {
      failures.push({ rank, error: err instanceof SluiceError ? err.describe() : err instanceof Error ? err.message : String(err) });
    } finally {
      live.delete(rank);
      addInto(finished, progress);
    }
  };
  await Promise.all(
    Array.from({ length: slots }, async (_, slot) => {
      for (let rank = queue.shift(); rank !== undefined; rank = queue.shift()) {
        if (exec.signal.aborted) break;
        await runOne(slot, rank);
      }
    }),
  );
  reporter.stop();
  if (failures.length > 0) {
    const list = failures.sort((a, b) => a.rank - b.rank).map((f) => `  task ${f.rank}: ${f.error.split('\n').join('\n    ')}`);
    throw new SluiceError('SLUICE_TASK_FAILED', `${failures.length} of ${phase.tasks} tasks of phase ${phase.id} failed:\n${list.join('\n')}`, {
      hint: 'fix the cause and run the same command again: finished tasks are kept and skipped (after editing an input file, add --allow-changed-inputs)',
    });
  }
  exec.log.info(reporter.line());
}

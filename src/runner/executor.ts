/**
 * Where a run's tasks execute. Every run is the same three steps: `prepareRun` (plan, layout,
 * resume checks) → `Executor.execute` (every unfinished task of every phase, in phase order) →
 * `finalizeRun` (stats and manifest from the task markers). An executor decides only where the
 * tasks run; each task does exactly what `sluice run P --phase X --rank R --world W` does, which
 * is also the entry any other scheduler uses (a Kubernetes Indexed Job, a plain shell loop).
 */
import type { Logger } from '../core/log.js';
import type { PipelineSource } from './pipeline-source.js';
import type { PreparedRun } from './prepare.js';

export interface ExecuteContext {
  /** The pipeline (an absolute file path, or the object): processes that run tasks load it themselves. */
  readonly pipeline: PipelineSource;
  readonly strict: boolean;
  readonly log: Logger;
  /** Aborted when the run must stop (a signal, or the output's lock lost). */
  readonly signal: AbortSignal;
}

export interface Executor {
  readonly name: 'local' | 'slurm';
  /**
   * The directory the tasks run in, when the executor fixes one: the leader moves there before it
   * resolves any relative path, so every process means the same files.
   */
  readonly workdir?: string;
  /** Refuses what this executor cannot start in `outDir` (called under the output's lock, before prepare). */
  check?(outDir: string, opts: { fresh: boolean }): Promise<void>;
  /**
   * Runs every task without a completion marker, phase after phase. Resolves once every task has
   * run (or the signal stopped it: the caller then checks the markers); rejects naming the failed tasks.
   */
  execute(run: PreparedRun, ctx: ExecuteContext): Promise<void>;
}

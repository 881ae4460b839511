import type { PipelineSource } from './pipeline-source.js';
import type { TaskProgress } from './task.js';

/** What a worker is started with (its one command-line argument, as JSON). */
export interface WorkerInit {
  /** The leader's pipeline (an absolute file path, or the object): the worker loads it, and its plugins, itself. */
  pipeline: PipelineSource;
  /** The output directory, whose plan the leader has already written. */
  out: string;
  world: number;
  strict: boolean;
}

/** Parent -> worker: run one task, or leave. */
export type ParentMessage = { type: 'task'; phase: string; rank: number } | { type: 'exit' };

/** Worker -> parent. A worker prepares the run once and then serves tasks one at a time. */
export type WorkerMessage =
  { type: 'ready' } | { type: 'progress'; progress: TaskProgress } | { type: 'done'; phase: string; rank: number } | { type: 'failed'; phase: string; rank: number; error: string };

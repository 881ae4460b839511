import type { TaskProgress } from './task.js';

/** Parent -> worker: run one task, or leave. */
export type ParentMessage = { type: 'task'; phase: string; rank: number } | { type: 'exit' };

/** Worker -> parent. A worker prepares the run once and then serves tasks one at a time. */
export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; progress: TaskProgress }
  | { type: 'done'; phase: string; rank: number }
  | { type: 'failed'; phase: string; rank: number; error: string };

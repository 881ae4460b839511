/**
 * How many tasks a barrier's global steps (the dedup steps) get when the pipeline does not say.
 *
 * Each task of a step reads a small file from every task of the phase before it and pays a few ms
 * of bookkeeping (its log, its marker), and every docs task writes one shuffle file per step task:
 * a step's fixed cost grows with (docs tasks x step tasks), whatever the corpus size. Its work,
 * on the other hand, grows with the corpus: a few ms of CPU per MB of input over all the steps of
 * a MinHash stage. So a step gets the square root of the run's task count (the fixed cost then
 * grows as its 1.5th power instead of its square), or more where the input is large, a task per
 * STEP_TASK_BYTES; at most the run's task count and MAX_DEFAULT_STEP_TASKS. Where the input's
 * size is unknown (remote inputs, source trees), the run's task count up to that maximum. The
 * runner's README gives the figures.
 */

/** The most tasks a step gets by default: 64 cores busy on steps that move far less data than the documents phases. */
export const MAX_DEFAULT_STEP_TASKS = 64;

/** Input bytes per step task where the input is large: 1 GB cut into 128 pieces gives 12 step tasks (the square root), 4 GB in 128 pieces 29. */
export const STEP_TASK_BYTES = 128 * 1024 * 1024;

/** The rule in words, for the dedup stages' `tasks` parameter docs. */
export const STEP_TASKS_RULE = `the square root of the run's task count, or one per ${STEP_TASK_BYTES / 2 ** 20} MiB of input where more; at most the run's task count and ${MAX_DEFAULT_STEP_TASKS}`;

/** Tasks of a step by default, for a run of `world` tasks over `inputBytes` of input (undefined: unknown). */
export function defaultStepTasks(world: number, inputBytes?: number): number {
  const cap = Math.max(1, Math.min(world, MAX_DEFAULT_STEP_TASKS));
  if (inputBytes === undefined) return cap;
  return Math.min(cap, Math.max(Math.ceil(Math.sqrt(world)), Math.floor(inputBytes / STEP_TASK_BYTES)));
}

import type { z } from '../vendor/zod.js';
import type { Doc, JsonValue } from './doc.js';
import type { Logger } from './log.js';
import type { StageRecorder } from './stats.js';

/** What a rejected or removed document carries into `rejects/<stage>/`. */
export type RejectDetail = Record<string, JsonValue>;

/**
 * Per-task context every stage receives. Stages never reach for globals: rank, stats,
 * rejects and cancellation all come from here.
 */
export interface StageContext {
  readonly rank: number;
  readonly world: number;
  /** Instance name of this stage in the pipeline (its key in stats and rejects). */
  readonly stage: string;
  readonly stats: StageRecorder;
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly strict: boolean;
  /** Drop a document by policy: counted under `reason` and written to the rejects. */
  reject(doc: Doc, reason: string, detail?: RejectDetail): void;
  /** Remove a document as a duplicate: counted in the ledger's `duplicates` and written to the rejects with `reason`. */
  duplicate(doc: Doc, reason: string, detail?: RejectDetail): void;
}

/** One stage: a transformation of a document stream. Every document that goes in comes out, is rejected, or is a duplicate. */
export type Stage = (docs: AsyncIterable<Doc>, ctx: StageContext) => AsyncIterable<Doc>;

/** Where a stage's scratch files live and how many tasks share them. */
export interface BuildEnv {
  /** Directory private to this stage instance, shared by all tasks of the run. */
  readonly workDir: string;
  /** Number of tasks in the phases this stage runs in. */
  readonly world: number;
  /** Directory holding the pipeline file, for resolving relative data paths. */
  readonly configDir: string;
  /**
   * The run's output directory, for a stage whose files are part of the output (the fetch stage's
   * `fetched/` WARC files). Absent outside a run (tests, benchmarks).
   */
  readonly outputDir?: string;
  /**
   * Tasks a barrier's global steps take unless its params say otherwise: the runner's choice from
   * the input's size (`defaultStepTasks` in step-tasks.ts), or the count in the plan of the run it
   * resumes. Absent outside a run (tests, benchmarks): a barrier then takes `defaultStepTasks(world)`.
   */
  readonly stepTasks?: number;
  readonly log: Logger;
}

/** A global step between two phases, run as `tasks` independent tasks (the barrier's middle passes). */
export interface GlobalStep {
  readonly name: string;
  tasks(world: number): number;
  run(rank: number, tasks: number, ctx: StepContext): Promise<void>;
}

export interface StepContext {
  readonly signal: AbortSignal;
  readonly log: Logger;
  readonly stats: StageRecorder;
}

/**
 * The documents a barrier removes, named by their place in its collect: the task (rank) and the
 * position in that task's stream (the ordinal). Readable once the barrier's steps have run.
 */
export interface RemovedDocs {
  /** Ordinals of task `rank`'s removed documents, ascending. */
  ofRank(rank: number): Uint32Array;
  /** Every task's, by rank (a rank that removes none may be absent): what a global step reads, in one pass over the files. */
  all(): Map<number, Uint32Array>;
}

/**
 * A stage that needs to see the whole corpus before it can decide (dedup). The runner splits
 * the pipeline around it: `collect` runs at the end of one phase on every task, the `steps`
 * run as phases of their own, and `apply` starts the next phase.
 *
 * Two barriers in a row (no stage between them) can share one phase instead of two: both
 * collect in the same pass, the second's steps run after the first's, and both apply at the
 * start of the next phase. The second then collects documents the first will remove, so it must
 * leave them out of its decisions: a barrier that can do that offers `after`, and one whose
 * removals can be left out offers `removed`.
 */
export interface Barrier {
  collect: Stage;
  steps: GlobalStep[];
  apply: Stage;
  /**
   * What this barrier removes (after its steps), for a barrier that runs fused after it; for a
   * barrier itself fused after others, with what they remove, since the next one leaves out all.
   */
  removed?: RemovedDocs;
  /**
   * This barrier fused after others: its collect sees every document they collect, in the same
   * order; its steps leave `upstream`'s documents out, and its apply counts them in its ordinals
   * although they never reach it. Its `removed` then includes `upstream`'s.
   */
  after?(upstream: RemovedDocs): Barrier;
}

/** Facts a stage wants in the manifest, e.g. the tokenizer's name and vocabulary hash. */
export type ManifestFacts = Record<string, JsonValue>;

export type BuiltStage = { kind: 'stream'; run: Stage; manifest?: ManifestFacts } | { kind: 'barrier'; barrier: Barrier; manifest?: ManifestFacts };

export interface StageDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly summary: string;
  /** Zod schema of the stage's params; must be strict (unknown keys rejected) and fill defaults. */
  readonly params: S;
  build(params: z.output<S>, env: BuildEnv): BuiltStage | Promise<BuiltStage>;
}

/** Declares a stage; an identity helper that infers `params` in build from the zod schema. */
export function defineStage<S extends z.ZodType>(def: StageDefinition<S>): StageDefinition<S> {
  return def;
}

/** Returned by a filter to drop the document; `undefined` keeps it. */
export interface Drop {
  readonly reason: string;
  readonly detail?: RejectDetail;
}

/** A filter's verdict that rejects the document under `reason` (its stats counter and the rejects' reason). */
export function drop(reason: string, detail?: RejectDetail): Drop {
  return detail === undefined ? { reason } : { reason, detail };
}

/**
 * A per-document predicate. It may rewrite `doc.text` in place (call `stats.modified()` when it
 * does) and returns a `Drop` to reject the document.
 */
export type FilterFn = (doc: Doc, stats: StageRecorder) => Drop | undefined;

/** Builds a stream stage from a per-document filter; counting and rejects are handled here once. */
export function defineFilter<S extends z.ZodType>(def: { name: string; summary: string; params: S; create(params: z.output<S>, env: BuildEnv): FilterFn | Promise<FilterFn> }): StageDefinition<S> {
  return {
    name: def.name,
    summary: def.summary,
    params: def.params,
    async build(params, env) {
      const fn = await def.create(params, env);
      return { kind: 'stream', run: filterStage(fn) };
    },
  };
}

export function filterStage(fn: FilterFn): Stage {
  return async function* (docs, ctx) {
    for await (const doc of docs) {
      const verdict = fn(doc, ctx.stats);
      if (verdict === undefined) yield doc;
      else ctx.reject(doc, verdict.reason, verdict.detail);
    }
  };
}

/** A per-document transformation that never drops (redaction, tokenization). */
export function mapStage(fn: (doc: Doc, stats: StageRecorder) => void): Stage {
  return async function* (docs, ctx) {
    for await (const doc of docs) {
      fn(doc, ctx.stats);
      yield doc;
    }
  };
}

/**
 * A document's path through sluice, in one place:
 *
 *   input files --reader--> Doc --stage--> Doc --stage--> ... --> Parquet shards
 *                               |              |
 *                               +--> rejects/<stage>/ (reason)   +--> duplicates (dedup stages)
 *
 * Stages that must see the whole corpus first (dedup) are barriers: the pipeline is cut
 * there into segments, and the runner turns segments and the barriers' global steps into
 * phases that run in order, each as a set of independent tasks.
 */
import type { JsonValue } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Barrier, BuiltStage, GlobalStep, Stage } from '../core/stage.js';
import type { LoadedPipeline } from '../config/load.js';
import { configDir } from '../config/load.js';
import { stages as stageRegistry } from '../registry.js';
import { fileSafeName } from '../core/file-safe-name.js';
import type { OutputLayout } from './layout.js';

export interface NamedStage {
  id: string;
  run: Stage;
  /** Only documents of these sources go through the stage; the rest bypass it. */
  sources?: ReadonlySet<string>;
}

/** A barrier at the end of a segment, under its stage id. */
export interface SegmentBarrier {
  id: string;
  barrier: Barrier;
  sources?: ReadonlySet<string>;
}

export interface Segment {
  stages: NamedStage[];
  /**
   * The barriers that end this segment, in pipeline order: one, or several in a row fused into
   * one pass (fuseBarriers). The last segment has none and ends in the shard writer.
   */
  barriers: SegmentBarrier[];
}

export interface BuiltPipeline {
  segments: Segment[];
  /** Facts stages want recorded in the manifest (tokenizer name, vocabulary hash, ...). */
  manifest: Record<string, JsonValue>;
}

export type PhaseSpec = { id: string; kind: 'docs'; segment: number; tasks: number } | { id: string; kind: 'step'; segment: number; barrier: string; step: GlobalStep; tasks: number };

/**
 * Builds every stage, and cuts the pipeline at each barrier. `stepTasks(id)`: the default task
 * count of the steps of barrier stage `id` (BuildEnv.stepTasks); without it, each barrier takes
 * its own default.
 */
export async function buildPipeline(loaded: LoadedPipeline, layout: OutputLayout, world: number, log: Logger, stepTasks?: (stageId: string) => number): Promise<BuiltPipeline> {
  const segments: Segment[] = [{ stages: [], barriers: [] }];
  const manifest: Record<string, JsonValue> = {};
  for (const cfg of loaded.config.stages) {
    const def = stageRegistry[cfg.stage];
    if (!def) throw new SluiceError('SLUICE_INTERNAL', `stage "${cfg.stage}" vanished from the registry`);
    const steps = stepTasks === undefined ? {} : { stepTasks: stepTasks(cfg.id) };
    const built = await def.build(cfg.params, { workDir: layout.stageWorkDir(cfg.id), world, configDir: configDir(loaded), outputDir: layout.dir, ...steps, log: log.child(cfg.id) });
    if (built.manifest) Object.assign(manifest, built.manifest);
    appendStage(segments, cfg.id, built, cfg.sources ? new Set(cfg.sources) : undefined);
  }
  return { segments, manifest };
}

/** Puts a built stage at the end of the pipeline's segments: a stream stage joins the last segment, a barrier ends it. */
export function appendStage(segments: Segment[], id: string, built: BuiltStage, sources?: ReadonlySet<string>): void {
  const current = segments[segments.length - 1]!;
  const only = sources ? { sources } : {};
  if (built.kind === 'stream') current.stages.push({ id, run: built.run, ...only });
  else {
    current.barriers.push({ id, barrier: built.barrier, ...only });
    segments.push({ stages: [], barriers: [] });
  }
}

function sameSources(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.size === b.size && [...a].every((s) => b.has(s));
}

/**
 * The same pipeline with each run of barriers that nothing separates (exact_dedup right before
 * minhash_dedup) in one segment: they collect in one pass and apply at the start of the next, so
 * the documents are spilled and read back once instead of once per barrier. A barrier joins the
 * one before it where it can leave that one's removals out of its decisions (Barrier.after) and
 * both see the same sources; the phases then differ, the output does not.
 */
export function fuseBarriers(pipeline: BuiltPipeline): BuiltPipeline {
  const segments: Segment[] = [];
  for (const segment of pipeline.segments) {
    const previous = segments[segments.length - 1];
    const last = previous?.barriers[previous.barriers.length - 1];
    const next = segment.barriers.length === 1 ? segment.barriers[0]! : undefined;
    const removed = last?.barrier.removed;
    const fused = segment.stages.length === 0 && next && removed && sameSources(last.sources, next.sources) ? next.barrier.after?.(removed) : undefined;
    if (previous && next && fused) {
      previous.barriers.push({ ...next, barrier: fused });
      continue;
    }
    segments.push({ stages: [...segment.stages], barriers: [...segment.barriers] });
  }
  return { segments, manifest: pipeline.manifest };
}

/** Phases in execution order: docs-0, the steps of the barriers that end it, docs-1, ... */
export function phasesOf(pipeline: BuiltPipeline, world: number): PhaseSpec[] {
  const phases: PhaseSpec[] = [];
  pipeline.segments.forEach((segment, k) => {
    phases.push({ id: `docs-${k}`, kind: 'docs', segment: k, tasks: world });
    for (const { id, barrier } of segment.barriers) {
      for (const step of barrier.steps) phases.push({ id: fileSafeName(`${id}.${step.name}`), kind: 'step', segment: k, barrier: id, step, tasks: Math.max(1, step.tasks(world)) });
    }
  });
  return phases;
}

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
import type { Barrier, GlobalStep, Stage } from '../core/stage.js';
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

export interface Segment {
  stages: NamedStage[];
  /** The barrier that ends this segment; the last segment has none and ends in the shard writer. */
  barrier?: { id: string; barrier: Barrier; sources?: ReadonlySet<string> };
}

export interface BuiltPipeline {
  segments: Segment[];
  /** Facts stages want recorded in the manifest (tokenizer name, vocabulary hash, ...). */
  manifest: Record<string, JsonValue>;
}

export type PhaseSpec = { id: string; kind: 'docs'; segment: number; tasks: number } | { id: string; kind: 'step'; segment: number; step: GlobalStep; tasks: number };

/**
 * `stepTasks(k)`: the default task count of the steps of the barrier that ends segment `k`
 * (BuildEnv.stepTasks); without it, each barrier takes its own default.
 */
export async function buildPipeline(loaded: LoadedPipeline, layout: OutputLayout, world: number, log: Logger, stepTasks?: (segment: number) => number): Promise<BuiltPipeline> {
  const segments: Segment[] = [{ stages: [] }];
  const manifest: Record<string, JsonValue> = {};
  for (const cfg of loaded.config.stages) {
    const def = stageRegistry[cfg.stage];
    if (!def) throw new SluiceError('SLUICE_INTERNAL', `stage "${cfg.stage}" vanished from the registry`);
    const steps = stepTasks === undefined ? {} : { stepTasks: stepTasks(segments.length - 1) };
    const built = await def.build(cfg.params, { workDir: layout.stageWorkDir(cfg.id), world, configDir: configDir(loaded), outputDir: layout.dir, ...steps, log: log.child(cfg.id) });
    if (built.manifest) Object.assign(manifest, built.manifest);
    const current = segments[segments.length - 1]!;
    const sources = cfg.sources ? { sources: new Set(cfg.sources) } : {};
    if (built.kind === 'stream') current.stages.push({ id: cfg.id, run: built.run, ...sources });
    else {
      current.barrier = { id: cfg.id, barrier: built.barrier, ...sources };
      segments.push({ stages: [] });
    }
  }
  return { segments, manifest };
}

/** Phases in execution order: docs-0, the first barrier's steps, docs-1, ... */
export function phasesOf(pipeline: BuiltPipeline, world: number): PhaseSpec[] {
  const phases: PhaseSpec[] = [];
  pipeline.segments.forEach((segment, k) => {
    phases.push({ id: `docs-${k}`, kind: 'docs', segment: k, tasks: world });
    for (const step of segment.barrier?.barrier.steps ?? []) {
      phases.push({ id: fileSafeName(`${segment.barrier!.id}.${step.name}`), kind: 'step', segment: k, step, tasks: Math.max(1, step.tasks(world)) });
    }
  });
  return phases;
}

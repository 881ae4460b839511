import { z } from '../vendor/zod.js';
import { sizeSchema } from '../core/size.js';
import type { ExecutorConfig } from './slurm.js';

export { executorSchema } from './slurm.js';

/** The keys every `inputs[]` entry has; each reader adds its own (validated by the reader's schema). */
export const inputBaseSchema = z.object({
  reader: z.string().describe('reader name: jsonl | parquet | books | warc | wet | reddit | wikipedia | code'),
  paths: z.array(z.string().min(1)).min(1).describe('files, globs, directories (tree readers) or http(s) URLs'),
  source: z.string().min(1).optional().describe("source label for stats and loader mixtures (default: the reader's)"),
  base_url: z.string().min(1).optional().describe('URL or directory that relative entries of paths and of path lists (*.paths, *.paths.gz) resolve against, e.g. https://data.commoncrawl.org/'),
});
export const INPUT_BASE_KEYS: readonly string[] = Object.keys(inputBaseSchema.shape);

export const outputSchema = z
  .object({
    dir: z.string().min(1).describe('output directory (overridden by --out)'),
    shard_bytes: sizeSchema.prefault('256MiB').describe('roll over to a new shard after this many bytes'),
    row_group_bytes: sizeSchema.prefault('64MiB').describe('uncompressed bytes per Parquet row group'),
    compression: z.enum(['zstd', 'snappy', 'gzip', 'none']).default('zstd'),
    keep_text: z.boolean().default(true).describe('store the text column (false: lean token-only shards)'),
    // optional rather than defaulted, so existing outputs keep their config hash
    meta: z
      .enum(['json', 'struct'])
      .optional()
      .describe("the meta column: JSON text (json, the default) or a struct of typed fields inferred from each shard's first row group (struct; nested values as JSON text)"),
  })
  .strict();

export const runnerSchema = z
  .object({
    tasks: z.number().int().positive().optional().describe('number of tasks the inputs are split into (default: one per input file)'),
    workers: z.number().int().positive().optional().describe('parallel worker processes (default: CPU cores)'),
    split_bytes: z
      .union([z.literal(0), sizeSchema])
      .optional()
      .describe(
        'local inputs larger than this are read as pieces of about this size, each a unit of work: uncompressed line-oriented files (jsonl) at line starts, multi-frame zstd ones (concatenated frames, the seekable format) at frame starts, multistream bzip2 dumps (wikipedia) at stream starts; the size counts the file as stored (default 8MiB; 0 = never split)',
      ),
    // optional rather than defaulted, so existing outputs keep their config hash
    fuse_barriers: z
      .boolean()
      .optional()
      .describe(
        'dedup stages in a row (exact_dedup then minhash_dedup) collect in one pass over the documents and apply together, so the documents are spilled and read once instead of once per stage; the later stage then also hashes the documents the earlier one removes, and leaves them out of its decisions (same output either way; default true)',
      ),
  })
  .strict();

export type OutputConfig = z.output<typeof outputSchema>;
export type RunnerConfig = z.output<typeof runnerSchema>;

export interface InputConfig {
  reader: string;
  paths: string[];
  source?: string;
  /** Relative `paths` entries and path-list lines resolve against it. */
  base_url?: string;
  /** Reader-specific keys, validated and defaulted by the reader's schema. */
  params: Record<string, unknown>;
}

export interface StageConfig {
  /** Registered stage name. */
  stage: string;
  /** Unique instance name: the stage name, suffixed `#2`, `#3` when a stage appears twice. */
  id: string;
  params: unknown;
  /** Apply the stage only to documents of these sources (`sources:` in the stage's mapping); others pass through. */
  sources?: string[];
}

/** Keys the runner reads from a stage's mapping before the stage's own parameters are validated. */
export const STAGE_RUNNER_KEYS = ['sources'] as const;
export const stageSourcesSchema = z.array(z.string().min(1)).min(1).describe('apply this stage only to documents of these sources; the others pass through untouched');

/** `plugins:`: modules that add stages and readers (src/plugins/README.md), as written in the pipeline file. */
export const pluginsSchema = z.array(z.string().min(1)).describe('modules adding stages and readers: paths relative to this file (./my-stages.js, ./my-stages.ts) or package names');

export interface PipelineConfig {
  name: string;
  /** Plugin modules as written (present only when the pipeline has any, so older outputs keep their config hash). */
  plugins?: string[];
  inputs: InputConfig[];
  stages: StageConfig[];
  output: OutputConfig;
  runner: RunnerConfig;
  /** Where `sluice run` runs the tasks: locally or as Slurm job arrays. Does not change the output. */
  executor: ExecutorConfig;
}

export const TOP_LEVEL_KEYS = ['name', 'description', 'plugins', 'inputs', 'stages', 'output', 'runner', 'executor'] as const;

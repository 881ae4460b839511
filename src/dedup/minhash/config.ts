import { createHash } from 'node:crypto';
import { z } from '../../vendor/zod.js';
import { KEEP_RULES, type KeepRule } from '../keep.js';
import { MinHasher } from './signature.js';
import { curveThreshold, shapeForThreshold } from './lsh.js';
import type { ShingleUnit } from './shingles.js';
import { defaultStepTasks, STEP_TASKS_RULE } from '../../core/step-tasks.js';

export const DEFAULT_BANDS = 14;
export const DEFAULT_ROWS = 8;
export const DEFAULT_HASHES_FOR_THRESHOLD = 112;
/** The similarity the default 14 x 8 bands aim at (their S-curve rises between 0.6 and 0.85). */
const DEFAULT_TARGET = 0.8;

export const dedupModeSchema = z
  .enum(['auto', 'streaming', 'scale_out'])
  .default('auto')
  .describe('streaming: one in-memory index task; scale_out: sorted runs, parallel buckets and clustering; auto: streaming for a one-task run, else scale_out');

export const minhashParams = z
  .object({
    mode: dedupModeSchema,
    shingle: z.enum(['word', 'char']).default('word').describe('word n-grams, or character n-grams for code and languages without spaces'),
    ngram: z.number().int().min(1).max(64).default(5).describe('shingle length in words (or characters)'),
    bands: z.number().int().min(1).max(512).optional().describe(`LSH bands (default ${DEFAULT_BANDS}, or derived from threshold)`),
    rows: z.number().int().min(1).max(64).optional().describe(`hash values per band (default ${DEFAULT_ROWS}, or derived from threshold)`),
    threshold: z.number().gt(0).lt(1).optional().describe('target Jaccard similarity: derive bands and rows from it instead'),
    hashes: z.number().int().min(1).max(4096).optional().describe(`hash functions to spend when deriving from threshold (default ${DEFAULT_HASHES_FOR_THRESHOLD})`),
    min_similarity: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('candidate pairs whose estimated similarity over all hashes is below this are not joined (default: 0.1 below threshold, 0.7 for the default bands; 0 joins every candidate)'),
    seed: z.number().int().min(0).max(0xffffffff).default(1).describe('seed of the permutation constants'),
    keep: z.enum(KEEP_RULES).default('smallest_id').describe('which document of a cluster survives'),
    tasks: z.number().int().min(1).max(65536).optional().describe(`tasks per scale-out step (default: ${STEP_TASKS_RULE})`),
    cluster_rounds: z.number().int().min(1).max(64).default(8).describe('scale-out connected-components rounds before the fallback'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.threshold !== undefined && (p.bands !== undefined || p.rows !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'give either threshold or bands/rows, not both' });
    }
    if (p.hashes !== undefined && p.threshold === undefined) {
      ctx.addIssue({ code: 'custom', path: ['hashes'], message: 'hashes is only used with threshold (otherwise it is bands x rows)' });
    }
  });

export type MinhashParams = z.output<typeof minhashParams>;

/** Everything the passes need, with defaults resolved and the run's task count applied. */
export interface MinhashConfig {
  mode: 'streaming' | 'scale_out';
  shingle: ShingleUnit;
  ngram: number;
  bands: number;
  rows: number;
  numHashes: number;
  seed: number;
  keep: KeepRule;
  /** Verification: a candidate pair is joined only if its estimated similarity reaches this (0: no check). */
  minSimilarity: number;
  /** Tasks of each scale-out step. */
  tasks: number;
  rounds: number;
  world: number;
}

export function resolveMode(mode: 'auto' | 'streaming' | 'scale_out', world: number): 'streaming' | 'scale_out' {
  return mode === 'auto' ? (world > 1 ? 'scale_out' : 'streaming') : mode;
}

/** `stepTasks`: the runner's default for the steps' task count (BuildEnv.stepTasks); `tasks` in the params wins. */
export function resolveMinhashConfig(p: MinhashParams, world: number, stepTasks?: number): MinhashConfig {
  const shape = p.threshold !== undefined ? shapeForThreshold(p.threshold, p.hashes ?? DEFAULT_HASHES_FOR_THRESHOLD) : { bands: p.bands ?? DEFAULT_BANDS, rows: p.rows ?? DEFAULT_ROWS };
  return {
    mode: resolveMode(p.mode, world),
    shingle: p.shingle,
    ngram: p.ngram,
    bands: shape.bands,
    rows: shape.rows,
    numHashes: shape.bands * shape.rows,
    seed: p.seed,
    keep: p.keep,
    minSimilarity: p.min_similarity ?? Math.max(0, (p.threshold ?? DEFAULT_TARGET) - 0.1),
    tasks: Math.max(1, p.tasks ?? stepTasks ?? defaultStepTasks(world)),
    rounds: p.cluster_rounds,
    world,
  };
}

/** The parameters that decide signatures and band keys, with the permutation constants. */
export function hashingParams(c: MinhashConfig): Record<string, string | number | string[]> {
  const hasher = new MinHasher(c.numHashes, c.seed);
  const hex = (a: Int32Array): string[] => Array.from(a, (v) => (v >>> 0).toString(16).padStart(8, '0'));
  return {
    algorithm: 'sluice-minhash-1: fnv1a words, murmur3 shingles, (a*x+b) mod 2^32 permutations, murmur3 64-bit band keys',
    shingle: c.shingle,
    ngram: c.ngram,
    bands: c.bands,
    rows: c.rows,
    num_hashes: c.numHashes,
    seed: c.seed,
    constants_sha256: hasher.constantsDigest(),
    a: hex(hasher.a),
    b: hex(hasher.b),
  };
}

export function paramsDigest(params: object): string {
  return createHash('sha256').update(JSON.stringify(params)).digest('hex').slice(0, 16);
}

/** Short name of the configuration, e.g. `minhash word5 14x8 seed1`: what its artefacts were built with. */
export function describeConfig(c: MinhashConfig): string {
  return `minhash ${c.shingle}${c.ngram} ${c.bands}x${c.rows} seed${c.seed} (S-curve ~${curveThreshold(c).toFixed(2)}) verify>=${c.minSimilarity} ${c.mode}`;
}

/**
 * Exact duplicate removal: documents whose key (the normalized text, or a field such as the
 * url) hashes to the same 128 bits are one cluster, and one of them is kept.
 *
 *   collect (every task): key = first 128 bits of SHA-256, one sorted run of (key, ordinal)
 *   groups (1 task streaming, N tasks scale_out, each a span of key ranges): merge every
 *          task's run, equal keys are a cluster, apply the keep rule
 *   apply (every task): drop the removed documents with the kept id
 *
 * Streaming and scale-out differ only in how many tasks share the key ranges, so they give the
 * same answer by construction. SHA-256 measured faster than MD5 here (SHA extensions).
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineStage, type GlobalStep, type RemovedDocs, type Stage } from '../core/stage.js';
import { applyRemovals } from './apply.js';
import { readCollectManifests, slicesOf, writeCollectManifest } from './collect-manifest.js';
import { DocTableWriter } from './doc-table.js';
import { KEEP_RULES, type KeepRule } from './keep.js';
import { defaultStepTasks, STEP_TASKS_RULE } from '../core/step-tasks.js';
import { dedupModeSchema, paramsDigest, resolveMode } from './minhash/config.js';
import { simplifiedUtf8, type Normalization } from './normalize.js';
import { ClusterResolver } from './resolve.js';
import { writeRemovals } from './removals.js';
import { CollectCounter, fusibleBarrier, LeftOut } from './upstream.js';
import { KEY_RANGES, KeyRows, mergeGroups, sortRows, writeSortedRun } from './sorted-keys.js';
import { DedupWorkLayout } from './work-layout.js';

export const exactParams = z
  .object({
    mode: dedupModeSchema,
    field: z.string().min(1).default('text').describe('`text`, or a meta field whose string value is the key (e.g. url)'),
    normalize: z.enum(['none', 'simple']).default('simple').describe('simple: NFD without accents, lowercase, digits to 0, punctuation to space, whitespace collapsed'),
    keep: z.enum(KEEP_RULES).default('smallest_id').describe('which document of a group survives'),
    tasks: z.number().int().min(1).max(KEY_RANGES).optional().describe(`tasks of the scale-out groups step (default: ${STEP_TASKS_RULE})`),
  })
  .strict();

export type ExactParams = z.output<typeof exactParams>;

export interface ExactConfig {
  mode: 'streaming' | 'scale_out';
  field: string;
  normalize: Normalization;
  keep: KeepRule;
  tasks: number;
  world: number;
}

/** `stepTasks`: the runner's default for the groups step's task count (BuildEnv.stepTasks); `tasks` in the params wins. */
export function resolveExactConfig(p: ExactParams, world: number, stepTasks?: number): ExactConfig {
  const mode = resolveMode(p.mode, world);
  return { mode, field: p.field, normalize: p.normalize, keep: p.keep, tasks: mode === 'streaming' ? 1 : Math.min(KEY_RANGES, p.tasks ?? stepTasks ?? defaultStepTasks(world)), world };
}

/**
 * What a document's key hashes: the normalized text's UTF-8 bytes (built without the string),
 * the raw field, or undefined when the field is missing or not a string.
 */
export function keyBytes(doc: Doc, c: Pick<ExactConfig, 'field' | 'normalize'>): string | Uint8Array | undefined {
  const value = c.field === 'text' ? doc.text : doc.meta[c.field];
  if (typeof value !== 'string') return undefined;
  return c.normalize === 'simple' ? simplifiedUtf8(value) : value;
}

const KEY_WORDS = 4;
const ROW_WIDTH = KEY_WORDS + 1;

/** The key of a key text (a string hashes as its UTF-8): the first 128 bits of its SHA-256, as KEY_WORDS big-endian words written at `at`. */
export function writeExactKey(text: string | Uint8Array, out: Uint32Array, at: number): void {
  const digest = createHash('sha256').update(text).digest();
  for (let w = 0; w < KEY_WORDS; w++) out[at + w] = digest.readUInt32BE(w * 4);
}
const HISTOGRAM = 'exact_cluster_size';

const MISSING_FIELD = 'exact_missing_field';

/** `fused`: after other barriers, whose apply runs first; the missing-field count is then left to apply (upstream.ts). */
function collectKeys(layout: DedupWorkLayout, c: ExactConfig, digest: string, fused: boolean): Stage {
  return async function* (docs, ctx) {
    if (ctx.world !== c.world) throw new SluiceError('SLUICE_INTERNAL', `exact_dedup was built for ${c.world} tasks but runs in task ${ctx.rank} of ${ctx.world}`);
    const missing = new CollectCounter(ctx.stats, MISSING_FIELD, fused);
    const table = new DocTableWriter(layout, ctx.rank);
    let rows = new KeyRows(ROW_WIDTH);
    let ordinal = 0;
    let finished = false;
    try {
      for await (const doc of docs) {
        table.add(doc.id, doc.text.length);
        const text = keyBytes(doc, c);
        if (text === undefined) missing.add(ordinal);
        else {
          const at = rows.append();
          writeExactKey(text, rows.data, at);
          rows.data[at + KEY_WORDS] = ordinal;
        }
        ordinal++;
        yield doc;
      }
      sortRows(rows, KEY_WORDS);
      const ranges = writeSortedRun(layout.keys(ctx.rank, 0), rows);
      const indexed = rows.count;
      rows = new KeyRows(ROW_WIDTH, 1);
      table.close();
      missing.write(layout, ctx.rank);
      await writeCollectManifest(layout, { rank: ctx.rank, world: c.world, params: digest, docs: ordinal, indexed, runs: [{ rows: indexed, ranges }] });
      finished = true;
    } finally {
      if (!finished) table.abort();
    }
  };
}

/** `upstream`: fused after barriers whose removed documents are left out of every group. */
function groupsStep(layout: DedupWorkLayout, c: ExactConfig, digest: string, upstream?: RemovedDocs): GlobalStep {
  return {
    name: 'groups',
    tasks: () => c.tasks,
    async run(t, tasks, ctx) {
      const manifests = readCollectManifests(layout, c.world, digest);
      const q0 = Math.floor((KEY_RANGES * t) / tasks);
      const q1 = Math.floor((KEY_RANGES * (t + 1)) / tasks);
      const resolver = new ClusterResolver(layout, c.keep, ctx.stats, HISTOGRAM);
      const leftOut = upstream && new LeftOut(upstream);
      try {
        mergeGroups(slicesOf(layout, manifests, 0, q0, q1), ROW_WIDTH, KEY_WORDS, (members) => {
          const left = leftOut ? members.filter((m) => !leftOut.has(m)) : members;
          if (left.length > 1) resolver.add(left);
        });
      } finally {
        resolver.close();
      }
      ctx.stats.count('exact_clusters', resolver.clusters);
      await writeRemovals(layout, t, resolver.removals);
      ctx.log.debug(`key ranges ${q0}..${q1 - 1}: ${resolver.clusters} groups, ${resolver.removals.length} documents to remove`);
    },
  };
}

export const exactDedupStage = defineStage({
  name: 'exact_dedup',
  summary: 'remove exact duplicates of the (normalized) text or of a field such as url; keeps one document per group',
  params: exactParams,
  build(params, env) {
    const c = resolveExactConfig(params, env.world, env.stepTasks);
    const layout = new DedupWorkLayout(env.workDir);
    const digest = paramsDigest({ algorithm: 'sluice-exact-1: sha256[0:16] of the key text', field: c.field, normalize: c.normalize, world: c.world });
    return {
      kind: 'barrier',
      barrier: fusibleBarrier(layout, c.tasks, (upstream) => ({
        collect: collectKeys(layout, c, digest, upstream !== undefined),
        steps: [groupsStep(layout, c, digest, upstream)],
        apply: applyRemovals(layout, c.tasks, 'exact_duplicate', false, upstream && { upstream, counter: MISSING_FIELD }),
      })),
      manifest: { [basename(env.workDir)]: { field: c.field, normalize: c.normalize, keep: c.keep, mode: c.mode } },
    };
  },
});

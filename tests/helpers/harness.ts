/**
 * Runs one stage or one reader outside the runner with a real StageContext / ReaderContext
 * that records into memory, so unit tests can assert kept documents and reject reasons.
 */
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { BuildEnv, BuiltStage, RejectDetail, Stage, StageContext, StageDefinition } from '../../src/core/stage.js';
import { StatsRecorder } from '../../src/core/stats.js';
import type { InputFile } from '../../src/io/input.js';
import type { InvalidRecord, ReaderContext, ReaderDefinition, SkippedRecord } from '../../src/readers/reader.js';

export interface Rejected {
  doc: Doc;
  reason: string;
  detail?: RejectDetail;
  kind: 'rejected' | 'duplicate';
}

export interface StageResult {
  kept: Doc[];
  rejected: Rejected[];
  stats: StatsRecorder;
}

export function testContext(stage = 'test', opts: { rank?: number; world?: number; strict?: boolean } = {}): { ctx: StageContext; rejected: Rejected[]; stats: StatsRecorder } {
  const stats = new StatsRecorder();
  const rejected: Rejected[] = [];
  const ctx: StageContext = {
    rank: opts.rank ?? 0,
    world: opts.world ?? 1,
    stage,
    stats: stats.stage(stage),
    signal: new AbortController().signal,
    log: silentLogger,
    strict: opts.strict ?? false,
    reject(doc, reason, detail) {
      stats.rejected(stage, doc.source, reason);
      rejected.push(detail === undefined ? { doc, reason, kind: 'rejected' } : { doc, reason, detail, kind: 'rejected' });
    },
    duplicate(doc, reason, detail) {
      stats.duplicate(stage, doc.source);
      rejected.push(detail === undefined ? { doc, reason, kind: 'duplicate' } : { doc, reason, detail, kind: 'duplicate' });
    },
  };
  return { ctx, rejected, stats };
}

export async function* fromArray<T>(items: Iterable<T>): AsyncIterable<T> {
  for (const item of items) yield item;
}

export function doc(text: string, id = 'd0', source = 'test', meta: Doc['meta'] = {}): Doc {
  return { id, text, source, meta };
}

export async function runStage(stage: Stage, docs: Iterable<Doc>, stageName = 'test'): Promise<StageResult> {
  const { ctx, rejected, stats } = testContext(stageName);
  const kept: Doc[] = [];
  for await (const d of stage(fromArray(docs), ctx)) kept.push(d);
  return { kept, rejected, stats };
}

export function testBuildEnv(workDir = '/tmp/sluice-test-work', world = 1): BuildEnv {
  return { workDir, world, configDir: process.cwd(), log: silentLogger };
}

/** Validates params through the stage's schema (defaults applied), builds it, and returns the stream stage. */
export async function buildStage(def: StageDefinition, params: unknown = {}, env: BuildEnv = testBuildEnv()): Promise<BuiltStage> {
  return def.build(def.params.parse(params), env);
}

export async function streamStage(def: StageDefinition, params: unknown = {}, env?: BuildEnv): Promise<Stage> {
  const built = await buildStage(def, params, env);
  if (built.kind !== 'stream') throw new Error(`${def.name} is a barrier stage, not a stream stage`);
  return built.run;
}

export interface ReaderResult {
  docs: Doc[];
  invalid: InvalidRecord[];
  skipped: SkippedRecord[];
  stats: StatsRecorder;
}

export async function runReader(reader: ReaderDefinition, file: InputFile, params: unknown = {}, opts: { source?: string; strict?: boolean } = {}): Promise<ReaderResult> {
  const stats = new StatsRecorder();
  const invalid: InvalidRecord[] = [];
  const skipped: SkippedRecord[] = [];
  const ctx: ReaderContext = {
    file,
    source: opts.source ?? reader.defaultSource,
    stats: stats.stage(reader.name),
    log: silentLogger,
    signal: new AbortController().signal,
    invalid(r) {
      invalid.push(r);
      if (opts.strict) throw new Error(`strict: ${r.reason} at ${file.uri}:${r.record}`);
    },
    skip(r) {
      skipped.push(r);
    },
  };
  const docs: Doc[] = [];
  for await (const d of reader.read(file, reader.params.parse(params), ctx)) docs.push(d);
  return { docs, invalid, skipped, stats };
}

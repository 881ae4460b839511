/**
 * Token datasets for loader and export tests, in the layout `sluice run` writes: shards from
 * the real ShardWriter under shards/, manifest.json with the same keys finalizeRun writes
 * (tokenizer facts included, as a tokenize stage's build() returns them).
 *
 * `writeTokenDataset` controls shard boundaries exactly (one writer per shard);
 * `runIdentityPipeline` goes end to end through the runner, with a test stage that gives each
 * document identity tokens (token id = global position), which no real tokenizer can.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Doc, JsonValue } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { defineStage, mapStage, type StageDefinition } from '../../src/core/stage.js';
import type { TokenizerFacts } from '../../src/loader/manifest.js';
import { stages } from '../../src/registry-loaded.js';
import { runPipeline } from '../../src/runner/run.js';
import { ShardWriter, type ShardInfo } from '../../src/shard/shard-writer.js';
import type { Compression } from '../../src/shard/parquet/index.js';

export interface TokenDoc {
  tokens: Int32Array | number[];
  source?: string;
  id?: string;
  text?: string;
}

export interface TokenDatasetOptions {
  /** Documents per shard (default: all in one). */
  shardDocs?: number;
  tokenizer?: TokenizerFacts;
  compression?: Compression;
  keepText?: boolean;
  /** Small pages and row groups exercise page boundaries (default: the writer's). */
  rowGroupBytes?: number;
}

export function tokenizerFacts(vocab: number, eos = vocab - 1, name = 'test-identity'): TokenizerFacts {
  return { name, vocab_size: vocab, sha256: createHash('sha256').update(`${name}:${vocab}`).digest('hex'), eos_id: eos };
}

export async function writeTokenDataset(dir: string, docs: TokenDoc[], opts: TokenDatasetOptions = {}): Promise<void> {
  const per = opts.shardDocs ?? Math.max(1, docs.length);
  const shards: ShardInfo[] = [];
  for (let s = 0; s * per < docs.length; s++) {
    const writer = new ShardWriter({
      dir: join(dir, 'shards'),
      prefix: `part-${String(s).padStart(5, '0')}`,
      shardBytes: 1 << 30,
      compression: opts.compression ?? 'zstd',
      keepText: opts.keepText ?? false,
      fsync: false,
      ...(opts.rowGroupBytes === undefined ? {} : { rowGroupBytes: opts.rowGroupBytes }),
    });
    for (const [i, d] of docs.slice(s * per, (s + 1) * per).entries()) {
      const doc: Doc = { id: d.id ?? `doc-${s * per + i}`, text: d.text ?? '', source: d.source ?? 'test', meta: {}, tokens: Int32Array.from(d.tokens) };
      await writer.write(doc);
    }
    shards.push(...(await writer.close()));
  }
  const list = shards.map((s) => ({ path: `shards/${s.path}`, rows: s.rows, bytes: s.bytes, sha256: s.sha256, tokens: s.tokens }));
  let maxId = 0;
  for (const d of docs) for (const t of d.tokens) maxId = Math.max(maxId, t);
  const manifest: Record<string, JsonValue> = {
    format: 'sluice-shards',
    version: 1,
    name: 'test',
    created: new Date(0).toISOString(),
    config_sha256: '0'.repeat(64),
    pipeline: {},
    pipeline_yaml: '',
    tasks: list.length,
    rows: list.reduce((a, s) => a + s.rows, 0),
    tokens: list.reduce((a, s) => a + s.tokens, 0),
    bytes: list.reduce((a, s) => a + s.bytes, 0),
    tokenizer: { ...(opts.tokenizer ?? tokenizerFacts(maxId + 2)) },
    shards: list,
    stats: 'stats.json',
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/**
 * Identity data: document i holds the consecutive ids starting where document i-1 ended, so
 * every token id is its global position and appears once. EOS is the id after the last.
 */
export function identityDocs(lengths: number[], sources?: string[]): TokenDoc[] {
  let next = 0;
  return lengths.map((n, i) => {
    const tokens = Int32Array.from({ length: n }, (_, k) => next + k);
    next += n;
    return { tokens, ...(sources ? { source: sources[i % sources.length]! } : {}) };
  });
}

/** Deterministic document lengths in [lo, hi], with some empty documents when lo is 0. */
export function lengths(count: number, lo: number, hi: number, seed = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + (s % (hi - lo + 1));
  });
}

/**
 * Identity tokens through the runner: a document whose meta carries `first` and `n` (as
 * generated JSONL records do) gets tokens first, first + 1, ..., first + n - 1.
 */
export const identityTokensStage: StageDefinition = defineStage({
  name: 'test-identity-tokens',
  summary: 'test only: tokens from meta.first and meta.n',
  params: z.object({ vocab_size: z.number().int().positive() }).strict(),
  build(params: { vocab_size: number }) {
    return {
      kind: 'stream',
      run: mapStage((doc) => {
        const first = Number(doc.meta['first']);
        const n = Number(doc.meta['n']);
        doc.tokens = Int32Array.from({ length: n }, (_, k) => first + k);
      }),
      manifest: { tokenizer: { name: 'identity', vocab_size: params.vocab_size, sha256: createHash('sha256').update(`identity-${params.vocab_size}`).digest('hex'), eos_id: params.vocab_size - 1 } },
    };
  },
});

/** Registers the test stages in this process's registry (the runner resolves stage names there). */
export function registerTestStages(): void {
  const registry = stages as Record<string, StageDefinition>;
  registry[identityTokensStage.name] = identityTokensStage;
}

/** Runs a pipeline in this process (one worker, so the test stages registered here are used). */
export async function runTokenPipeline(pipelineFile: string, out: string): Promise<void> {
  registerTestStages();
  await runPipeline({ pipelineFile, out, workers: 1, fresh: true, log: silentLogger });
}

/**
 * Identity data through the real runner: JSONL files whose records carry `first`, `n` and
 * `src`, a pipeline that tokenizes them with the identity test stage into small shards.
 * Returns the dataset directory (the run's output), the vocabulary (EOS = vocab - 1) and the
 * total number of tokens.
 */
export async function runIdentityPipeline(work: string, docLengths: number[], sources: string[], files = 4): Promise<{ dir: string; total: number; eos: number }> {
  let first = 0;
  const lines: string[][] = Array.from({ length: files }, () => []);
  docLengths.forEach((n, i) => {
    lines[i % files]!.push(JSON.stringify({ id: `d${i}`, text: `document ${i}`, first, n, src: sources[i % sources.length] }));
    first += n;
  });
  lines.forEach((l, f) => writeFileSync(join(work, `part-${f}.jsonl`), l.join('\n') + '\n'));
  const total = first;
  const pipeline = join(work, 'identity.yaml');
  writeFileSync(
    pipeline,
    [
      'name: identity',
      'inputs:',
      '  - reader: jsonl',
      `    paths: ["${join(work, 'part-*.jsonl')}"]`,
      '    source_field: src',
      'stages:',
      `  - test-identity-tokens: {vocab_size: ${total + 1}}`,
      'output:',
      `  dir: ${join(work, 'out')}`,
      '  shard_bytes: 48KiB',
      '  row_group_bytes: 8KiB',
      '  keep_text: false',
      '',
    ].join('\n'),
  );
  await runTokenPipeline(pipeline, join(work, 'out'));
  return { dir: join(work, 'out'), total, eos: total };
}

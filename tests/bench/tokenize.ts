/**
 * Tokenizer throughput, side by side in one process on the same text: sluice, tiktoken (WASM),
 * gpt-tokenizer (the fastest pure-JS library), the pre-tokenization regex alone (the pattern as
 * the JS libraries run it) and sluice's pre-tokenizer alone. Plus BPE training time and peak RSS,
 * in a child process.
 *
 * Text: real English (the Markdown documentation under node_modules) and real code (the
 * JavaScript, TypeScript and C sources under node_modules), in ~4 KB documents. Every round
 * starts each cached encoder fresh and warms it on a separate quarter of the text, so the timed
 * part is not a rerun of text already in a cache.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { bpeCoreFor } from '../../src/tokenize/bpe.js';
import { loadStandard } from '../../src/tokenize/standard.js';
import { PreTokenizer } from '../../src/tokenize/pretokenize.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';
import { BpeTrainer } from '../../src/tokenize/trainer.js';
import type { Vocabulary } from '../../src/tokenize/vocabulary.js';
import { isolated } from './isolate.js';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { REPO_ROOT } from './repo-root.js';
import type { BenchRow } from './types.js';
import { median } from './median.js';

export interface TokenizeBenchOptions {
  /** MB of each text kind (English, code) per vocabulary. */
  mb: number;
  vocabularies: string[];
  /** Timed rounds; the median is reported. */
  rounds: number;
  /** MB of training text, 0 to skip training. */
  trainMb: number;
  trainVocab: number;
  log?: (line: string) => void;
}

export const DEFAULT_TOKENIZE_BENCH: TokenizeBenchOptions = { mb: 2, vocabularies: ['cl100k_base', 'o200k_base'], rounds: 3, trainMb: 10, trainVocab: 32_000 };

function walk(dir: string, accept: (name: string) => boolean, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!/^(ranks|encoders|bpeRanks|encoding|data|dist-cdn|min)$/.test(e.name)) walk(full, accept, out);
    } else if (accept(e.name)) out.push(full);
  }
}

/** Files under node_modules in a stable order, read until `bytes` are yielded, as documents of about 4 KB. */
export function* nodeModulesDocs(kind: 'english' | 'code', bytes: number): Generator<string> {
  const files: string[] = [];
  const accept =
    kind === 'english' ? (n: string) => n.endsWith('.md') && !/^(CHANGELOG|HISTORY)/i.test(n) : (n: string) => /\.(js|mjs|cjs|ts|c|h|cc|py)$/.test(n) && !n.endsWith('.min.js') && !n.endsWith('.d.ts');
  walk(join(REPO_ROOT, 'node_modules'), accept, files);
  let total = 0;
  // When there is less text than asked for, it comes round again (at most 20 times).
  for (let pass = 0; total < bytes && files.length > 0 && pass < 20; pass++) {
    for (const f of files) {
      if (total >= bytes) return;
      if (statSync(f).size > 2_000_000) continue;
      const text = readFileSync(f, 'utf8');
      // Skip minified or generated files: real code has short lines.
      if (kind === 'code' && text.length / (text.split('\n').length || 1) > 200) continue;
      for (let i = 0; i < text.length && total < bytes;) {
        let end = Math.min(text.length, i + 4096);
        const nl = text.lastIndexOf('\n', end);
        if (end < text.length && nl > i + 1024) end = nl + 1;
        const doc = text.slice(i, end);
        total += Buffer.byteLength(doc);
        yield doc;
        i = end;
      }
    }
  }
}

export function nodeModulesText(kind: 'english' | 'code', bytes: number): string[] {
  return [...nodeModulesDocs(kind, bytes)];
}

function utf8Bytes(docs: readonly string[]): number {
  let n = 0;
  for (const d of docs) n += Buffer.byteLength(d);
  return n;
}

/** Seconds to run fn over every document; returns [seconds, checksum]. */
function timed(docs: readonly string[], fn: (d: string) => number): [number, number] {
  const t0 = process.hrtime.bigint();
  let sum = 0;
  for (const d of docs) sum += fn(d);
  return [Number(process.hrtime.bigint() - t0) / 1e9, sum];
}

interface Encoders {
  label: string;
  /** Prepare a fresh instance (empty caches) for a round. */
  fresh(): (d: string) => number;
  /** Whether to warm the instance on the warm-up text first. */
  warm: boolean;
}

const require = createRequire(import.meta.url);

function jsPattern(name: string): RegExp {
  const text = readFileSync(require.resolve(`js-tiktoken/ranks/${name}`), 'utf8');
  const data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { pat_str: string };
  return new RegExp(data.pat_str, 'gu');
}

async function encodersFor(name: string, vocab: Vocabulary): Promise<Encoders[]> {
  const { get_encoding } = await import('tiktoken');
  const gpt = (await import(`gpt-tokenizer/encoding/${name}`)) as { encode(text: string, opts?: object): number[]; clearMergeCache(): void };
  const enc = get_encoding(name as 'cl100k_base');
  const regex = jsPattern(name);
  const pre = new PreTokenizer(vocab.pattern);
  const noSpecial = { disallowedSpecial: new Set<string>() };
  return [
    {
      label: 'sluice',
      warm: true,
      fresh: () => {
        const tok = new Tokenizer(vocab);
        return (d) => tok.encodeOrdinary(d).length;
      },
    },
    {
      label: 'sluice, cold cache',
      warm: false,
      fresh: () => {
        const tok = new Tokenizer(vocab);
        return (d) => tok.encodeOrdinary(d).length;
      },
    },
    { label: 'tiktoken 1.0.22 (WASM)', warm: true, fresh: () => (d) => enc.encode_ordinary(d).length },
    {
      label: 'gpt-tokenizer 4.0.0',
      warm: true,
      fresh: () => {
        gpt.clearMergeCache();
        return (d) => gpt.encode(d, noSpecial).length;
      },
    },
    {
      label: 'regex only (JS RegExp)',
      warm: true,
      fresh: () => (d) => {
        let n = 0;
        regex.lastIndex = 0;
        while (regex.exec(d) !== null) n++;
        return n;
      },
    },
    {
      label: 'sluice pre-tokenizer only',
      warm: true,
      fresh: () => (d) => {
        let n = 0;
        pre.split(d, 0, d.length, () => n++);
        return n;
      },
    },
  ];
}

export async function benchEncode(opts: TokenizeBenchOptions): Promise<BenchRow[]> {
  const log = opts.log ?? (() => {});
  const rows: BenchRow[] = [];
  const texts = { english: nodeModulesText('english', opts.mb * 1e6 * 1.34), code: nodeModulesText('code', opts.mb * 1e6 * 1.34) };
  for (const name of opts.vocabularies) {
    const vocab = loadStandard(name);
    const encoders = await encodersFor(name, vocab);
    const pairs = bpeCoreFor(vocab).pairs;
    rows.push({
      bench: 'tokenize',
      variant: `${name}: merge pair table`,
      metric: 'memory',
      value: pairs.table.byteLength / 1e6,
      unit: 'MB',
      note: `${pairs.capacity} slots of 8 bytes, at most 60% full`,
    });
    for (const [kind, docs] of Object.entries(texts)) {
      const warmup = docs.slice(0, Math.floor(docs.length / 4));
      const measured = docs.slice(warmup.length);
      const bytes = utf8Bytes(measured);
      const seconds = new Map<string, number[]>();
      const checks = new Map<string, number>();
      for (let round = 0; round < opts.rounds; round++) {
        for (const e of encoders) {
          const fn = e.fresh();
          if (e.warm) for (const d of warmup) fn(d);
          const [s, check] = timed(measured, fn);
          (seconds.get(e.label) ?? seconds.set(e.label, []).get(e.label)!).push(s);
          checks.set(e.label, check);
        }
      }
      const tokens = checks.get('tiktoken 1.0.22 (WASM)')!;
      const mbps = new Map<string, number>();
      for (const e of encoders) {
        const v = bytes / 1e6 / median(seconds.get(e.label)!);
        mbps.set(e.label, v);
        const isEncoder = !e.label.includes('only');
        const note = isEncoder
          ? checks.get(e.label) === tokens
            ? `${tokens} tokens, same count as tiktoken`
            : `${checks.get(e.label)} tokens vs tiktoken ${tokens}`
          : `${checks.get(e.label)} pieces`;
        rows.push({ bench: 'tokenize', variant: `${name} ${kind}: ${e.label}`, metric: 'throughput', value: v, unit: 'MB/s', note });
        log(`  ${name} ${kind} ${e.label}: ${v.toFixed(1)} MB/s`);
      }
      const s = mbps.get('sluice')!;
      rows.push({ bench: 'tokenize', variant: `${name} ${kind}: sluice / tiktoken`, metric: 'ratio', value: s / mbps.get('tiktoken 1.0.22 (WASM)')!, unit: 'x', note: 'target >= 5' });
      rows.push({ bench: 'tokenize', variant: `${name} ${kind}: sluice / gpt-tokenizer`, metric: 'ratio', value: s / mbps.get('gpt-tokenizer 4.0.0')!, unit: 'x', note: 'target about 2' });
      rows.push({ bench: 'tokenize', variant: `${name} ${kind}: sluice / regex only`, metric: 'ratio', value: s / mbps.get('regex only (JS RegExp)')!, unit: 'x', note: 'target >= 0.5' });
      rows.push({ bench: 'tokenize', variant: `${name} ${kind}: sluice / its pre-tokenizer only`, metric: 'ratio', value: s / mbps.get('sluice pre-tokenizer only')!, unit: 'x' });
      log(`  ${name} ${kind}: ${(bytes / 1e6).toFixed(1)} MB timed, ${measured.length} documents`);
    }
    rows.push(...perCall(name, encoders, texts.english, opts.rounds));
  }
  return rows;
}

/** Per-call overhead: many short strings (about 24 characters, a chat message or a title). */
function perCall(name: string, encoders: Encoders[], english: readonly string[], rounds: number): BenchRow[] {
  const short: string[] = [];
  for (const d of english) {
    for (let i = 0; i + 24 <= d.length && short.length < 100_000; i += 24) short.push(d.slice(i, i + 24));
    if (short.length >= 100_000) break;
  }
  const rows: BenchRow[] = [];
  for (const e of encoders.filter((x) => x.warm && !x.label.includes('only'))) {
    const times: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const fn = e.fresh();
      for (const d of short.slice(0, 10_000)) fn(d);
      times.push(timed(short, fn)[0]);
    }
    rows.push({
      bench: 'tokenize',
      variant: `${name} per call: ${e.label}`,
      metric: 'time per call',
      value: (median(times) / short.length) * 1e6,
      unit: 'us',
      note: `${short.length} strings of 24 characters`,
    });
  }
  return rows;
}

export interface TrainChildArgs {
  mb: number;
  vocabSize: number;
  maxPretokens?: number;
}

export interface TrainChildResult {
  bytes: number;
  documents: number;
  countSeconds: number;
  learnSeconds: number;
  distinct: number;
  prunes: number;
  pruneThreshold: number;
  vocabSize: number;
  stop: string;
  /** The learned tokens (ids 256 up, base64): runs are compared by them. */
  learned: string[];
}

/**
 * Training text, streamed: about a third real code and all the real English under node_modules,
 * the rest generated mixed text (English, code, CJK, Arabic, emoji, whitespace and digit runs).
 */
export function* trainingDocuments(mb: number): Generator<string> {
  const bytes = mb * 1e6;
  let total = 0;
  for (const d of nodeModulesDocs('code', bytes * 0.35)) {
    total += Buffer.byteLength(d);
    yield d;
  }
  for (const d of nodeModulesDocs('english', Math.min(bytes * 0.1, 2.2e6))) {
    total += Buffer.byteLength(d);
    yield d;
  }
  for (let seed = 31337; total < bytes; seed++) {
    for (const d of mixedCorpus(seed, 1_000_000)) {
      total += Buffer.byteLength(d);
      yield d;
      if (total >= bytes) return;
    }
  }
}

/** Runs in a child process (isolate.ts) so peak RSS is the trainer's. */
export async function trainChild(args: TrainChildArgs): Promise<TrainChildResult> {
  const trainer = new BpeTrainer({ vocabSize: args.vocabSize, ...(args.maxPretokens !== undefined ? { maxPretokens: args.maxPretokens } : {}) });
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (const doc of trainingDocuments(args.mb)) {
    bytes += Buffer.byteLength(doc);
    trainer.add(doc);
  }
  const t1 = process.hrtime.bigint();
  const trained = trainer.finish();
  const t2 = process.hrtime.bigint();
  const r = trained.report;
  const learned: string[] = [];
  for (let id = 256; id < trained.vocab.tokens.size; id++) learned.push(Buffer.from(trained.vocab.tokens.bytes(id)).toString('base64'));
  return {
    bytes,
    documents: r.documents,
    countSeconds: Number(t1 - t0) / 1e9,
    learnSeconds: Number(t2 - t1) / 1e9,
    distinct: r.distinct,
    prunes: r.prunes,
    pruneThreshold: r.pruneThreshold,
    vocabSize: r.vocab_size,
    stop: r.stop,
    learned,
  };
}

/**
 * Training with the default pre-token bound, then with a tight one to show what the bound buys
 * and what it costs: the share of the bounded run's tokens that the unbounded run also learned.
 */
export async function benchTrain(opts: TokenizeBenchOptions): Promise<BenchRow[]> {
  if (opts.trainMb <= 0) return [];
  const rows: BenchRow[] = [];
  let unbounded: Set<string> | undefined;
  for (const maxPretokens of [undefined, 200_000]) {
    const args: TrainChildArgs = { mb: opts.trainMb, vocabSize: opts.trainVocab, ...(maxPretokens !== undefined ? { maxPretokens } : {}) };
    const { value: r, peakRssMb, seconds } = await isolated<TrainChildResult>('./tokenize.js', 'trainChild', args);
    const learned = r.learned;
    const variant = `train ${(r.bytes / 1e6).toFixed(0)} MB -> ${r.vocabSize} tokens, max_pretokens ${maxPretokens ?? 'default 2M'}`;
    const note = `${r.documents} docs, ${r.distinct} distinct pre-tokens kept, ${r.prunes} prunes (counts <= ${r.pruneThreshold}), stopped by ${r.stop}`;
    rows.push(
      {
        bench: 'tokenize',
        variant,
        metric: 'read + count pre-tokens',
        value: r.countSeconds,
        unit: 's',
        note: `${(r.bytes / 1e6 / r.countSeconds).toFixed(1)} MB/s, including reading or generating the text`,
      },
      { bench: 'tokenize', variant, metric: 'learn merges', value: r.learnSeconds, unit: 's' },
      { bench: 'tokenize', variant, metric: 'total', value: seconds, unit: 's', note },
      { bench: 'tokenize', variant, metric: 'peak RSS', value: peakRssMb, unit: 'MiB', note: 'child process; the text is streamed, not held' },
    );
    if (unbounded === undefined) {
      unbounded = new Set(learned);
    } else {
      const inBoth = unbounded;
      const shared = learned.filter((t) => inBoth.has(t)).length;
      rows.push({ bench: 'tokenize', variant, metric: 'tokens also learned without the bound', value: (100 * shared) / learned.length, unit: '%', note: `${shared} of ${learned.length}` });
    }
    opts.log?.(`  ${variant}: ${seconds.toFixed(1)} s, ${peakRssMb.toFixed(0)} MiB`);
  }
  return rows;
}

export interface TableLoadArgs {
  name: string;
  /** The table cache's directory; undefined: the cache off, so the tables are built. */
  cacheDir?: string;
}

/** Child side: loads one standard vocabulary and its merge tables in a fresh process; the CPU time that took. */
export async function tableLoadChild(args: TableLoadArgs): Promise<number> {
  const started = process.cpuUsage();
  const vocab = loadStandard(args.name, { dir: args.cacheDir });
  bpeCoreFor(vocab, { dir: args.cacheDir });
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1e6;
}

/**
 * What the table cache (src/tokenize/table-cache.ts) saves each process that tokenizes: the
 * ranks and merge tables built, against read back from a warm cache, alternating, median.
 */
export async function benchTableCache(opts: TokenizeBenchOptions): Promise<BenchRow[]> {
  if (opts.rounds <= 0) return [];
  const rows: BenchRow[] = [];
  for (const name of opts.vocabularies) {
    const cacheDir = mkdtempSync(join(tmpdir(), 'sluice-bench-table-cache-'));
    try {
      await isolated<number>('./tokenize.js', 'tableLoadChild', { name, cacheDir }); // fills the cache
      const built: number[] = [];
      const cached: number[] = [];
      for (let r = 0; r < opts.rounds; r++) {
        built.push((await isolated<number>('./tokenize.js', 'tableLoadChild', { name })).value);
        cached.push((await isolated<number>('./tokenize.js', 'tableLoadChild', { name, cacheDir })).value);
      }
      const [b, c] = [median(built), median(cached)];
      const note = `fresh process, CPU time, median of ${opts.rounds}`;
      rows.push(
        { bench: 'tokenize', variant: `${name}: load ranks and merge tables, built`, metric: 'CPU time', value: b * 1000, unit: 'ms', note },
        { bench: 'tokenize', variant: `${name}: load ranks and merge tables, from the table cache`, metric: 'CPU time', value: c * 1000, unit: 'ms', note },
        { bench: 'tokenize', variant: `${name}: table cache`, metric: 'speed-up', value: b / c, unit: 'x' },
      );
      opts.log?.(`  ${name} tables: built ${(b * 1000).toFixed(0)} ms, cached ${(c * 1000).toFixed(0)} ms`);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  return rows;
}

export async function benchTokenize(opts: Partial<TokenizeBenchOptions> = {}): Promise<BenchRow[]> {
  const o = { ...DEFAULT_TOKENIZE_BENCH, ...opts };
  return [...(await benchEncode(o)), ...(await benchTableCache(o)), ...(await benchTrain(o))];
}

/**
 * `make bench`: every benchmark, side by side in one run, one table, one JSON file.
 *   node --import tsx --expose-gc tests/bench/main.ts [--only core,parquet,...] [--full] [--seed N]
 * Default sizes finish in minutes on a 2-core machine; --full uses the sizes the issues name.
 * --seed fixes the randomized benches' draws (the crash test's kill delays).
 * Runs from the TypeScript sources; `core`, `loader` and `crash` also start the built CLI
 * (dist/cli/main.js), so build first (`make bench` does).
 */
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { benchClassifier } from './classifier.js';
import { benchCore } from './core.js';
import { benchCrash, crashBenchDefaults } from './crash.js';
import { benchSpill } from './spill.js';
import { benchSources } from './sources.js';
import { benchEndToEnd } from './end-to-end.js';
import { benchExtraction } from './extraction.js';
import { benchFetch } from './fetch.js';
import { benchFilters } from './filters.js';
import { benchDedup, dedupSizes } from './dedup.js';
import { benchLoader, loaderBenchDefaults } from './loader.js';
import { benchParquet, parquetTableRows } from './parquet.js';
import { benchReadersDumps } from './readers-dumps.js';
import { benchReadersWebCode } from './readers-web-code.js';
import { benchRedact } from './redact.js';
import { benchSecrets } from './secrets.js';
import { numberFlag } from './number-flag.js';
import { report } from './report.js';
import { benchRunnerScale } from './runner-scale.js';
import { benchReport } from './run-report.js';
import { benchTokenize } from './tokenize.js';
import type { BenchRow } from './types.js';

/** Options beyond the size; only the benches that use one read it. */
interface BenchFlags {
  seed?: string;
  /** Another checkout's built CLI (its dist/cli/main.js): the e2e entry runs it beside this one. */
  baseline?: string;
  /** e2e: runs of each command, alternated, medians reported. */
  rounds?: number;
}

interface BenchEntry {
  name: string;
  /** Older names `--only` still accepts. */
  aliases?: string[];
  /** One line for --help. */
  what: string;
  run(full: boolean, flags: BenchFlags): Promise<BenchRow[]>;
}

async function runParquet(full: boolean): Promise<BenchRow[]> {
  const outDir = join(tmpdir(), `sluice-bench-parquet-${process.pid}`);
  try {
    return parquetTableRows(await benchParquet({ rows: full ? 200_000 : 50_000, textBytes: 2000, idsPerRow: 500, outDir }));
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

const BENCHES: BenchEntry[] = [
  { name: 'core', what: 'no-op pipeline and jsonl reader over 1 GB of JSONL, 1 and 2 workers', run: () => benchCore({ mb: 1000, files: 8 }) },
  { name: 'parquet', what: 'Parquet shard writer against @dsnp/parquetjs and parquet-wasm', run: runParquet },
  {
    name: 'readers-dumps',
    aliases: ['readers-a'],
    what: 'books, reddit, wikipedia and parquet readers; bzip2/zstd decoders; wikitext converter',
    run: (full) => benchReadersDumps({ mb: full ? 40 : 4 }),
  },
  {
    name: 'readers-web-code',
    aliases: ['readers-b'],
    what: 'warc, wet and code readers; WARC framing and gunzip against warcio; HTML extraction',
    run: (full) => benchReadersWebCode({ webMb: full ? 100 : 20, codeRepos: full ? 100 : 20, codeFilesPerRepo: 50, scale: 10 }),
  },
  {
    name: 'extraction',
    what: 'main-text extraction: shingle F1 per benchmark dataset and pages/s, sluice against Readability.js and readability-lxml',
    run: () => benchExtraction(),
  },
  { name: 'redact', what: 'redact stage throughput, hostile inputs, recall and precision on the eval set', run: (full) => benchRedact({ full }) },
  {
    name: 'secrets',
    what: 'redact secret rules: recall on the gitleaks/detect-secrets fixture, harm on the Python stdlib, speed beside the scanner without them',
    run: (full) => Promise.resolve(benchSecrets({ mb: full ? 64 : 8 })),
  },
  { name: 'filters', what: 'every quality filter alone and the FineWeb-style chain over generated web text', run: (full) => benchFilters({ mb: full ? 100 : 20 }) },
  {
    name: 'dedup',
    what: 'MinHash signatures, exact keys, whole MinHash dedup, quality and clustering rounds',
    run: (full) => benchDedup({ ...dedupSizes(full), workDir: join(tmpdir(), `sluice-bench-dedup-${process.pid}`) }),
  },
  {
    name: 'loader',
    what: 'token loader into Python tensors (2 ranks side by side), in-process loader, dataset open, input_ids decode against hyparquet',
    run: (full) => benchLoader(loaderBenchDefaults(full)),
  },
  { name: 'tokenize', what: 'tokenizer throughput against tiktoken and gpt-tokenizer; BPE training', run: (full) => benchTokenize(full ? { mb: 8, trainMb: 100 } : {}) },
  {
    name: 'e2e',
    what: 'the whole web pipeline through sluice run (filters only; full chain with dedup, redact, cl100k), 1 and 2 workers, against the stages alone',
    run: (full, flags) =>
      benchEndToEnd({
        mb: full ? 43 : 10,
        ...(full ? { scaleMb: 172, speedUpMb: 688 } : {}),
        rounds: flags.rounds ?? (full ? 3 : 1),
        ...(flags.baseline === undefined ? {} : { baseline: flags.baseline }),
      }),
  },
  {
    name: 'sources',
    what: 'stackexchange reader MB/s of XML per core (Posts.xml and .7z), the 7z decoder alone, peak RSS and bytes per pending question (300k against 1M posts; --full 1M against 3M); reddit_links against the reddit reader on one RS_ file',
    run: (full) => benchSources(full ? { posts: 1_000_000, bigPosts: 3_000_000, submissions: 2_000_000 } : { posts: 300_000, bigPosts: 1_000_000, submissions: 500_000 }),
  },
  {
    name: 'fetch',
    what: 'fetch stage over 64 loopback hosts: pages/s, CPU per page, peak RSS, WARC bytes per page (10k pages of 1.5 and 24 KB; --full 50k), then the same served from the WARC',
    run: (full) => benchFetch({ hosts: 64, pages: full ? 50_000 : 10_000 }),
  },
  {
    name: 'runner-scale',
    what: "a task's bookkeeping at many tasks: an ending task's marker check, a docs task's clean-up by name, a fused dedup stage reading removals (--full: 1,000 tasks, 12,800, 1M removals)",
    run: (full) =>
      benchRunnerScale(full ? { markerTasks: 1000, cleanupTasks: [1000, 12_800], removals: 1_000_000, rounds: 3 } : { markerTasks: 200, cleanupTasks: [200, 2000], removals: 200_000, rounds: 3 }),
  },
  { name: 'spill', what: 'documents between phases: the binary spill against the JSON lines it replaced, write and read', run: (full) => benchSpill({ mb: full ? 43 : 10 }) },
  {
    name: 'report',
    what: 'HTML report: runner CPU with and without collection; render, size and Chromium open time of a 1M-document report',
    run: (full) => benchReport({ mb: full ? 200 : 60, rounds: full ? 9 : 7, docs: 1_000_000 }),
  },
  {
    name: 'classifier',
    what: 'fastText-compatible classifier against the fastText binary: train time and F1, predict MB/s per core, peak RSS with a 100 MB model',
    run: (full) => benchClassifier(full ? { trainLines: 200_000, predictMb: 100, bucket: 2_000_000 } : { trainLines: 40_000, predictMb: 20, bucket: 500_000 }),
  },
  { name: 'crash', what: 'runs SIGKILLed at random moments and resumed must match an uninterrupted run', run: (full, flags) => benchCrash(crashBenchDefaults(full, flags.seed)) },
];

function usage(): string {
  const width = Math.max(...BENCHES.map((b) => b.name.length));
  return [
    'usage: make bench BENCH_ARGS="[--only NAME,...] [--full] [--seed N]"   (from the sources: node --import tsx --expose-gc tests/bench/main.ts ...)',
    '  --only   run only these entries (comma-separated)',
    '  --full   the sizes the issues name (crash: 50 trials instead of 8)',
    "  --seed   the crash test's kill delays (also SLUICE_CRASH_SEED)",
    "  --baseline PATH  e2e: also run this built CLI (another checkout's dist/cli/main.js), side by side, for before/after ratios",
    '  --rounds N       e2e: run each command N times, alternating the worker counts and the baseline round by round, and report medians (default 1; --full 3)',
    'entries:',
    ...BENCHES.map((b) => `  ${b.name.padEnd(width)}  ${b.what}${b.aliases ? ` (was ${b.aliases.join(', ')})` : ''}`),
    'Prints a table and writes .bench/bench.json.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { only: { type: 'string' }, full: { type: 'boolean' }, seed: { type: 'string' }, baseline: { type: 'string' }, rounds: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(usage());
    return;
  }
  const rounds = values.rounds === undefined ? undefined : Math.ceil(numberFlag(values.rounds, 1, 'rounds'));
  const flags: BenchFlags = {
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    ...(values.baseline === undefined ? {} : { baseline: values.baseline }),
    ...(rounds === undefined ? {} : { rounds }),
  };
  const only = values.only?.split(',').map((n) => n.trim());
  const unknown = only?.filter((n) => !BENCHES.some((b) => b.name === n || b.aliases?.includes(n)));
  if (unknown && unknown.length > 0) throw new Error(`--only: no bench named ${unknown.join(', ')} (run with --help for the list)`);
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (only && !only.some((n) => n === b.name || b.aliases?.includes(n))) continue;
    process.stderr.write(`== ${b.name}\n`);
    rows.push(...(await b.run(Boolean(values.full), flags)));
  }
  report('bench', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

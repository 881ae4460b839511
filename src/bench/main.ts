/**
 * `make bench`: every benchmark, side by side in one run, one table, one JSON file.
 *   node dist/bench/main.js [--only core,parquet,...] [--full] [--seed N]
 * Default sizes finish in minutes on a 2-core machine; --full uses the sizes the issues name.
 * --seed fixes the randomized benches' draws (the crash test's kill delays).
 */
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { benchCore } from './core.js';
import { benchCrash, crashBenchDefaults } from './crash.js';
import { benchFilters } from './filters.js';
import { benchDedup, dedupSizes } from './dedup.js';
import { benchLoader, loaderBenchDefaults } from './loader.js';
import { benchParquet, parquetTableRows } from './parquet.js';
import { benchReadersA } from './readers-a.js';
import { benchReadersB } from './readers-b.js';
import { benchRedact } from './redact.js';
import { report } from './report.js';
import { benchTokenize } from './tokenize.js';
import type { BenchRow } from './types.js';

/** Options beyond the size; only the benches that use one read it. */
interface BenchFlags {
  seed?: string;
}

interface BenchEntry {
  name: string;
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
  { name: 'core', run: () => benchCore({ mb: 1000, files: 8 }) },
  { name: 'parquet', run: runParquet },
  { name: 'readers-a', run: (full) => benchReadersA({ mb: full ? 40 : 4 }) },
  { name: 'readers-b', run: (full) => benchReadersB({ webMb: full ? 100 : 20, codeRepos: full ? 100 : 20, codeFilesPerRepo: 50, scale: 10 }) },
  { name: 'redact', run: (full) => benchRedact({ full }) },
  { name: 'filters', run: (full) => benchFilters({ mb: full ? 100 : 20 }) },
  { name: 'dedup', run: (full) => benchDedup({ ...dedupSizes(full), workDir: join(tmpdir(), `sluice-bench-dedup-${process.pid}`) }) },
  { name: 'loader', run: (full) => benchLoader(loaderBenchDefaults(full)) },
  { name: 'tokenize', run: (full) => benchTokenize(full ? { mb: 8, trainMb: 100 } : {}) },
  { name: 'crash', run: (full, flags) => benchCrash(crashBenchDefaults(full, flags.seed)) },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, full: { type: 'boolean' }, seed: { type: 'string' } } });
  const flags: BenchFlags = { ...(values.seed === undefined ? {} : { seed: values.seed }) };
  const only = values.only?.split(',');
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (only && !only.includes(b.name)) continue;
    process.stderr.write(`== ${b.name}\n`);
    rows.push(...(await b.run(Boolean(values.full), flags)));
  }
  report('bench', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

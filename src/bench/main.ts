/**
 * `make bench`: every benchmark, side by side in one run, one table, one JSON file.
 *   node dist/bench/main.js [--only core,parquet,...] [--full]
 * Default sizes finish in minutes on a 2-core machine; --full uses the sizes the issues name.
 */
import { parseArgs } from 'node:util';
import { benchCore } from './core.js';
import { report } from './report.js';
import { benchTokenize } from './tokenize.js';
import type { BenchRow } from './types.js';

interface BenchEntry {
  name: string;
  run(full: boolean): Promise<BenchRow[]>;
}

const BENCHES: BenchEntry[] = [
  { name: 'core', run: (full) => benchCore({ mb: full ? 1000 : 200, files: 8 }) },
  { name: 'tokenize', run: (full) => benchTokenize(full ? { mb: 8, trainMb: 100 } : {}) },
];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' }, full: { type: 'boolean' } } });
  const only = values.only?.split(',');
  const rows: BenchRow[] = [];
  for (const b of BENCHES) {
    if (only && !only.includes(b.name)) continue;
    process.stderr.write(`== ${b.name}\n`);
    rows.push(...(await b.run(Boolean(values.full))));
  }
  report('bench', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

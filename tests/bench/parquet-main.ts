/**
 * Standalone Parquet writer benchmark: prints a table and writes .bench/parquet.json.
 *
 *   node --import tsx tests/bench/parquet-main.ts [--rows 50000] [--text-bytes 2000] [--ids 500]
 *     [--row-group-mb 64] [--variants sluice,parquetjs,parquet-wasm] [--out DIR] [--keep]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Variant } from './parquet-child.js';
import { benchParquet, DEFAULT_VARIANTS, parquetTableRows } from './parquet.js';
import { numberFlag } from './number-flag.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string' },
      'text-bytes': { type: 'string' },
      ids: { type: 'string' },
      'row-group-mb': { type: 'string' },
      variants: { type: 'string' },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const rows = numberFlag(values.rows, 50_000, 'rows');
  const textBytes = numberFlag(values['text-bytes'], 2000, 'text-bytes');
  const idsPerRow = numberFlag(values.ids, 500, 'ids');
  const rowGroupBytes = numberFlag(values['row-group-mb'], 64, 'row-group-mb') * 1024 * 1024;
  const variants = values.variants === undefined ? DEFAULT_VARIANTS : (values.variants.split(',') as Variant[]);
  const outDir = values.out ?? (await mkdtemp(join(tmpdir(), 'sluice-parquet-bench-')));
  process.stderr.write(`parquet writer bench: ${rows} rows x (~${textBytes} B text + ${idsPerRow} int32 ids), row groups of ${(rowGroupBytes / 1048576).toFixed(0)} MiB, in ${outDir}\n`);
  try {
    const result = await benchParquet({
      rows,
      textBytes,
      idsPerRow,
      outDir,
      variants,
      rowGroupBytes,
      onRow: (r) => process.stderr.write(`  ${r.variant}: ${r.mbPerSec.toFixed(1)} MB/s\n`),
    });
    report('parquet', parquetTableRows(result));
  } finally {
    if (values.keep !== true && values.out === undefined) await rm(outDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

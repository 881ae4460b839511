import { isolated } from './isolate.js';
import type { ChildRequest, ChildResult, Variant } from './parquet-child.js';
import type { BenchRow as TableRow } from './types.js';

export interface BenchRow {
  bench: string;
  variant: string;
  rows: number;
  seconds: number;
  mbPerSec: number;
  rowsPerSec: number;
  peakRssMb: number;
  fileBytes: number;
  /** On sluice rows: this row's MB/s divided by @dsnp/parquetjs's MB/s in the same run. */
  ratio?: number;
}

export interface BenchParquetOptions {
  rows: number;
  textBytes: number;
  idsPerRow: number;
  outDir: string;
  /** Writers to run, each in its own process (default: sluice, parquetjs, parquet-wasm). */
  variants?: Variant[];
  /** Uncompressed bytes per row group, turned into one row count shared by all writers (default 64 MiB). */
  rowGroupBytes?: number;
  /** Called with each variant's row as soon as it is measured. */
  onRow?: (row: BenchRow) => void;
}

export const DEFAULT_VARIANTS: Variant[] = ['sluice', 'parquetjs', 'parquet-wasm'];
/** Variants that are measured when their packages are installed and skipped otherwise. */
const OPTIONAL: ReadonlySet<Variant> = new Set(['parquet-wasm']);

const LABEL: Record<Variant, string> = {
  sluice: 'sluice zstd',
  'sluice-snappy': 'sluice snappy',
  parquetjs: '@dsnp/parquetjs 1.8.8',
  'parquet-wasm': 'parquet-wasm 0.8.0 + arrow',
};

/**
 * Compares Parquet writers on the same generated rows (text + token ids, ZSTD). Each writer
 * runs in its own child process (isolate.ts), one after another, so its peak RSS and CPU are
 * its own. Runs from the TypeScript sources (tsx), like every bench.
 */
export async function benchParquet(opts: BenchParquetOptions): Promise<BenchRow[]> {
  const rowBytes = opts.textBytes + opts.idsPerRow * 4 + 80;
  const rowGroupRows = Math.max(1, Math.round((opts.rowGroupBytes ?? 64 * 1024 * 1024) / rowBytes));
  const results: { variant: Variant; r: ChildResult; peakRssMb: number }[] = [];
  for (const variant of opts.variants ?? DEFAULT_VARIANTS) {
    const req: ChildRequest = {
      variant,
      rows: opts.rows,
      textBytes: opts.textBytes,
      idsPerRow: opts.idsPerRow,
      outDir: opts.outDir,
      rowGroupRows,
    };
    try {
      const { value: r, peakRssMb } = await isolated<ChildResult>('./parquet-child.js', 'writeVariant', req);
      results.push({ variant, r, peakRssMb });
      opts.onRow?.(toRow(variant, r, peakRssMb));
    } catch (err) {
      if (!OPTIONAL.has(variant)) throw err;
      process.stderr.write(`skipping ${variant}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const base = results.find((x) => x.variant === 'parquetjs');
  const baseRate = base === undefined ? undefined : base.r.rawBytes / 1e6 / base.r.seconds;
  return results.map(({ variant, r, peakRssMb }) => {
    const row = toRow(variant, r, peakRssMb);
    if (variant.startsWith('sluice') && baseRate !== undefined) row.ratio = row.mbPerSec / baseRate;
    return row;
  });
}

function toRow(variant: Variant, r: ChildResult, peakRssMb: number): BenchRow {
  return {
    bench: 'parquet-write',
    variant: r.note === undefined ? LABEL[variant] : `${LABEL[variant]} (${r.note})`,
    rows: r.rows,
    seconds: r.seconds,
    mbPerSec: r.rawBytes / 1e6 / r.seconds,
    rowsPerSec: r.rows / r.seconds,
    peakRssMb,
    fileBytes: r.fileBytes,
  };
}

/** The figures in the common table form: MB/s (with the ratio to @dsnp/parquetjs), rows/s, peak RSS. */
export function parquetTableRows(rows: BenchRow[]): TableRow[] {
  return rows.flatMap((r) => [
    { bench: 'parquet', variant: r.variant, metric: 'throughput', value: r.mbPerSec, unit: 'MB/s', ...(r.ratio === undefined ? {} : { note: `${r.ratio.toFixed(1)}x @dsnp/parquetjs` }) },
    { bench: 'parquet', variant: r.variant, metric: 'rows', value: r.rowsPerSec, unit: 'rows/s' },
    { bench: 'parquet', variant: r.variant, metric: 'peak RSS', value: r.peakRssMb, unit: 'MiB', note: `${(r.fileBytes / 1e6).toFixed(1)} MB file` },
  ]);
}

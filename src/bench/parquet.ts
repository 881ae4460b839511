import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildRequest, ChildResult, Variant } from './parquet-child.js';

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

function runChild(script: string, req: ChildRequest): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(req)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || last === '') {
        reject(new Error(`${req.variant} bench exited with ${code}: ${err.trim().split('\n').slice(-5).join(' | ')}`));
        return;
      }
      resolve(JSON.parse(last) as ChildResult);
    });
  });
}

/**
 * Compares Parquet writers on the same generated rows (text + token ids, ZSTD). Each writer
 * runs in its own child process, one after another, so its peak RSS and CPU are its own.
 * Needs the compiled child script next to this module (run from dist/).
 */
export async function benchParquet(opts: BenchParquetOptions): Promise<BenchRow[]> {
  const script = fileURLToPath(new URL('./parquet-child.js', import.meta.url));
  if (!existsSync(script)) {
    throw new Error(`benchmark child ${script} is missing: build first (npm run build) and run from dist/`);
  }
  const rowBytes = opts.textBytes + opts.idsPerRow * 4 + 80;
  const rowGroupRows = Math.max(1, Math.round((opts.rowGroupBytes ?? 64 * 1024 * 1024) / rowBytes));
  const results: { variant: Variant; r: ChildResult }[] = [];
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
      const r = await runChild(script, req);
      results.push({ variant, r });
      opts.onRow?.(toRow(variant, r));
    } catch (err) {
      if (!OPTIONAL.has(variant)) throw err;
      process.stderr.write(`skipping ${variant}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
  const base = results.find((x) => x.variant === 'parquetjs');
  const baseRate = base === undefined ? undefined : base.r.rawBytes / 1e6 / base.r.seconds;
  return results.map(({ variant, r }) => {
    const row = toRow(variant, r);
    if (variant.startsWith('sluice') && baseRate !== undefined) row.ratio = row.mbPerSec / baseRate;
    return row;
  });
}

function toRow(variant: Variant, r: ChildResult): BenchRow {
  return {
    bench: 'parquet-write',
    variant: r.note === undefined ? LABEL[variant] : `${LABEL[variant]} (${r.note})`,
    rows: r.rows,
    seconds: r.seconds,
    mbPerSec: r.rawBytes / 1e6 / r.seconds,
    rowsPerSec: r.rows / r.seconds,
    peakRssMb: r.peakRssMb,
    fileBytes: r.fileBytes,
  };
}

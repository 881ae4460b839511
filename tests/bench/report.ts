import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { table } from '../../src/cli/table.js';
import type { BenchRow } from './types.js';

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}

export function renderRows(rows: BenchRow[]): string {
  return table(
    ['bench', 'variant', 'metric', 'value', 'unit', 'note'],
    rows.map((r) => [r.bench, r.variant, r.metric, fmt(r.value), r.unit, r.note ?? '']),
    ['l', 'l', 'l', 'r', 'l', 'l'],
  );
}

/** Prints the table and writes `.bench/<name>.json` with the machine context next to the figures. */
export function report(name: string, rows: BenchRow[]): void {
  process.stdout.write(renderRows(rows) + '\n');
  mkdirSync('.bench', { recursive: true });
  const path = join('.bench', `${name}.json`);
  writeFileSync(path, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, loadavg: loadavg(), rows }, null, 2) + '\n');
  process.stdout.write(`\nwrote ${path}\n`);
}

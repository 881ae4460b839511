/**
 * `node dist/bench/redact-main.js [--full] [--mb N] [--web GLOB] [--code GLOB]`: the redact
 * benchmarks as a table on stdout and JSON in .bench/redact.json. With `--child JOB` it runs one
 * job (used by benchRedact to isolate variants) and prints its rows as JSON.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type ChildJob, benchRedact, runChildJob } from './redact.js';
import type { BenchRow } from './types.js';

function table(rows: BenchRow[]): string {
  const cells = rows.map((r) => [r.variant, r.metric, String(r.value), r.unit, r.note ?? '']);
  const head = ['variant', 'metric', 'value', 'unit', 'note'];
  const widths = head.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: string[]): string => c.map((v, k) => (k === 2 ? v.padStart(widths[k]!) : v.padEnd(widths[k]!))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { child: { type: 'string' }, full: { type: 'boolean' }, mb: { type: 'string' }, web: { type: 'string' }, code: { type: 'string' } },
  });
  if (values.child !== undefined) {
    process.stdout.write(`${JSON.stringify(runChildJob(JSON.parse(values.child) as ChildJob))}\n`);
    return;
  }
  const rows = await benchRedact({
    full: values.full === true,
    ...(values.mb === undefined ? {} : { mb: Number(values.mb) }),
    ...(values.web === undefined ? {} : { web: values.web }),
    ...(values.code === undefined ? {} : { code: values.code }),
  });
  process.stdout.write(`${table(rows)}\n`);
  mkdirSync('.bench', { recursive: true });
  writeFileSync('.bench/redact.json', `${JSON.stringify(rows, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`redact bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

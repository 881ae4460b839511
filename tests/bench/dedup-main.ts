/**
 * Standalone dedup benchmark: prints a table and writes .bench/dedup.json.
 *   node --import tsx tests/bench/dedup-main.ts [--full] [--docs N] [--signatures-only]
 * Default: 100,000 documents for the whole dedup (a few minutes on 2 busy cores); --full: 1M.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { benchDedup, dedupSizes } from './dedup.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { full: { type: 'boolean' }, docs: { type: 'string' }, 'signatures-only': { type: 'boolean' } } });
  const sizes = dedupSizes(Boolean(values.full), values.docs === undefined ? undefined : Number(values.docs));
  const rows = await benchDedup({ ...sizes, workDir: join(tmpdir(), `sluice-bench-dedup-${process.pid}`), signaturesOnly: Boolean(values['signatures-only']) });
  report('dedup', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

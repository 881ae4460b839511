/**
 * Filter benchmark on its own: node --import tsx tests/bench/filters-main.ts [--mb N] [--full] [--only a,b]
 * Default 20 MB of generated web text; --full uses the 100 MB.
 */
import { parseArgs } from 'node:util';
import { benchFilters } from './filters.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string' }, full: { type: 'boolean' }, only: { type: 'string' } } });
  const mb = values.mb !== undefined ? Number(values.mb) : values.full ? 100 : 20;
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--mb must be a positive number, got ${values.mb}`);
  const rows = await benchFilters({ mb, ...(values.only ? { variants: values.only.split(',') } : {}) });
  report('filters', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

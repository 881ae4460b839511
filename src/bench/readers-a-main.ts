/**
 * Standalone reader benchmark.
 *   node dist/bench/readers-a-main.js [--mb 4] [--full] [--wikitext-dir DIR]
 * --mb sets the 1x input size per reader (10x is also run); --full uses 40 MiB (400 MiB at 10x).
 */
import { parseArgs } from 'node:util';
import { benchReadersA } from './readers-a.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string' }, full: { type: 'boolean' }, 'wikitext-dir': { type: 'string' } } });
  const mb = values.mb !== undefined ? Number(values.mb) : values.full ? 40 : 4;
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--mb must be a positive number, got ${values.mb}`);
  const rows = await benchReadersA({
    mb,
    ...(values['wikitext-dir'] ? { wikitextDir: values['wikitext-dir'] } : {}),
    onRow: (r) => process.stderr.write(`  ${r.variant}: ${r.metric} ${r.value.toFixed(1)} ${r.unit}\n`),
  });
  report('readers-a', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

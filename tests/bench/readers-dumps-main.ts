/**
 * Standalone reader benchmark.
 *   node --import tsx tests/bench/readers-dumps-main.ts [--mb 4] [--full] [--wikitext-dir DIR]
 * --mb sets the 1x input size per reader (10x is also run); --full uses 40 MiB (400 MiB at 10x).
 */
import { parseArgs } from 'node:util';
import { benchReadersDumps } from './readers-dumps.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mb: { type: 'string' }, full: { type: 'boolean' }, 'wikitext-dir': { type: 'string' } } });
  const mb = values.mb !== undefined ? Number(values.mb) : values.full ? 40 : 4;
  if (!Number.isFinite(mb) || mb <= 0) throw new Error(`--mb must be a positive number, got ${values.mb}`);
  const rows = await benchReadersDumps({
    mb,
    ...(values['wikitext-dir'] ? { wikitextDir: values['wikitext-dir'] } : {}),
    onRow: (r) => process.stderr.write(`  ${r.variant}: ${r.metric} ${r.value.toFixed(1)} ${r.unit}\n`),
  });
  report('readers-dumps', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * `node --import tsx tests/bench/redact-main.ts [--full] [--mb N] [--web GLOB] [--code GLOB]`: the redact
 * benchmarks as a table on stdout and JSON in .bench/redact.json.
 */
import { parseArgs } from 'node:util';
import { benchRedact } from './redact.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { full: { type: 'boolean' }, mb: { type: 'string' }, web: { type: 'string' }, code: { type: 'string' } },
  });
  const rows = await benchRedact({
    full: values.full === true,
    ...(values.mb === undefined ? {} : { mb: Number(values.mb) }),
    ...(values.web === undefined ? {} : { web: values.web }),
    ...(values.code === undefined ? {} : { code: values.code }),
  });
  report('redact', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`redact bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

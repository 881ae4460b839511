/**
 * `node --import tsx tests/bench/loader-main.ts [--full] [--tokens N] [--seq-len T] [--batch B] [--steps S] [--ranks R]`:
 * loader throughput into Python tensors (2 ranks side by side by default), table on stdout,
 * JSON in .bench/loader.json.
 */
import { parseArgs } from 'node:util';
import { benchLoader, loaderBenchDefaults } from './loader.js';
import { report } from './report.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { full: { type: 'boolean' }, tokens: { type: 'string' }, 'seq-len': { type: 'string' }, batch: { type: 'string' }, steps: { type: 'string' }, ranks: { type: 'string' } },
  });
  const d = loaderBenchDefaults(values.full === true);
  const num = (v: string | undefined, dflt: number): number => (v === undefined ? dflt : Number(v));
  const rows = await benchLoader({
    tokens: num(values.tokens, d.tokens),
    seqLen: num(values['seq-len'], d.seqLen),
    batch: num(values.batch, d.batch),
    steps: num(values.steps, d.steps),
    ranks: num(values.ranks, d.ranks),
  });
  report('loader', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`loader bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});

/**
 * Standalone tokenizer benchmark: throughput of sluice, tiktoken, gpt-tokenizer and the regex
 * alone on the same text, and BPE training time and peak RSS.
 *
 *   node --import tsx tests/bench/tokenize-main.ts [--mb 2] [--vocab cl100k_base,o200k_base] [--rounds 3]
 *     [--train-mb 10] [--train-vocab 32000] [--full]
 * --full: 8 MB of each text kind and training on 100 MB.
 */
import { parseArgs } from 'node:util';
import { report } from './report.js';
import { benchTokenize, DEFAULT_TOKENIZE_BENCH } from './tokenize.js';

function num(v: string | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number, got ${v}`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      mb: { type: 'string' },
      vocab: { type: 'string' },
      rounds: { type: 'string' },
      'train-mb': { type: 'string' },
      'train-vocab': { type: 'string' },
      full: { type: 'boolean' },
    },
  });
  const full = Boolean(values.full);
  const rows = await benchTokenize({
    mb: num(values.mb, full ? 8 : DEFAULT_TOKENIZE_BENCH.mb, 'mb'),
    vocabularies: values.vocab?.split(',') ?? DEFAULT_TOKENIZE_BENCH.vocabularies,
    rounds: num(values.rounds, DEFAULT_TOKENIZE_BENCH.rounds, 'rounds'),
    trainMb: num(values['train-mb'], full ? 100 : DEFAULT_TOKENIZE_BENCH.trainMb, 'train-mb'),
    trainVocab: num(values['train-vocab'], DEFAULT_TOKENIZE_BENCH.trainVocab, 'train-vocab'),
    log: (line) => process.stderr.write(line + '\n'),
  });
  report('tokenize', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

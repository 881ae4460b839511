/**
 * Standalone tokenizer benchmark: throughput of sluice, tiktoken, gpt-tokenizer and the regex
 * alone on the same text, and BPE training time and peak RSS.
 *
 *   node --import tsx tests/bench/tokenize-main.ts [--mb 2] [--vocab cl100k_base,o200k_base] [--rounds 3]
 *     [--train-mb 10] [--train-vocab 32000] [--full]
 * --full: 8 MB of each text kind and training on 100 MB.
 */
import { parseArgs } from 'node:util';
import { numberFlag } from './number-flag.js';
import { report } from './report.js';
import { benchTokenize, DEFAULT_TOKENIZE_BENCH } from './tokenize.js';

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
    mb: numberFlag(values.mb, full ? 8 : DEFAULT_TOKENIZE_BENCH.mb, 'mb', { allowZero: true }),
    vocabularies: values.vocab?.split(',') ?? DEFAULT_TOKENIZE_BENCH.vocabularies,
    rounds: numberFlag(values.rounds, DEFAULT_TOKENIZE_BENCH.rounds, 'rounds', { allowZero: true }),
    trainMb: numberFlag(values['train-mb'], full ? 100 : DEFAULT_TOKENIZE_BENCH.trainMb, 'train-mb', { allowZero: true }),
    trainVocab: numberFlag(values['train-vocab'], DEFAULT_TOKENIZE_BENCH.trainVocab, 'train-vocab', { allowZero: true }),
    log: (line) => process.stderr.write(line + '\n'),
  });
  report('tokenize', rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});

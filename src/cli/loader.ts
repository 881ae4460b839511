import { SluiceError } from '../core/errors.js';
import { TokenDataset, type OpenDatasetOptions } from '../loader/dataset.js';
import { TokenLoader, type LoaderOptions } from '../loader/loader.js';
import { parseMixture } from '../loader/mixture.js';
import { serveSocket, streamBatches } from '../loader/serve.js';
import { parseState } from '../loader/state.js';
import { intOption, stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/loader.js';

function required(values: ParsedArgs['values'], name: string): number {
  const v = intOption(values, name);
  if (v === undefined)
    throw new SluiceError('SLUICE_USAGE', `loader serve needs --${name}`, { hint: 'usage: sluice loader serve --dataset DIR --seq-len T --batch B [--rank R --world W] [--seed S] [--resume STATE]' });
  return v;
}

function datasetOptions(values: ParsedArgs['values']): OpenDatasetOptions {
  const verify = stringOption(values, 'verify') ?? 'sha256';
  if (verify !== 'sha256' && verify !== 'size') throw new SluiceError('SLUICE_USAGE', `--verify must be sha256 or size (got ${verify})`);
  const tokenizer: OpenDatasetOptions['tokenizer'] = {};
  const sha = stringOption(values, 'tokenizer-sha256');
  if (sha !== undefined) tokenizer.sha256 = sha;
  const name = stringOption(values, 'tokenizer-name');
  if (name !== undefined) tokenizer.name = name;
  const vocab = intOption(values, 'vocab-size');
  if (vocab !== undefined) tokenizer.vocab_size = vocab;
  const eos = intOption(values, 'eos-id');
  if (eos !== undefined) tokenizer.eos_id = eos;
  return { verify, tokenizer };
}

/** `sluice loader` (options and help in specs/loader.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub, ...extra] = args.positionals;
  if (sub !== 'serve' || extra.length > 0) throw usageError(spec);
  const v = args.values;
  const dir = stringOption(v, 'dataset');
  if (dir === undefined) throw new SluiceError('SLUICE_USAGE', 'loader serve needs --dataset DIR');
  const mixture = stringOption(v, 'mixture');
  const shuffle = intOption(v, 'shuffle-buffer');
  const opts: LoaderOptions = {
    seqLen: required(v, 'seq-len'),
    batch: required(v, 'batch'),
    rank: intOption(v, 'rank') ?? 0,
    world: intOption(v, 'world') ?? 1,
    seed: intOption(v, 'seed') ?? 0,
    docMask: Boolean(v['doc-mask']),
    ...(mixture === undefined ? {} : { mixture: parseMixture(mixture) }),
    ...(shuffle === undefined ? {} : { shuffleBuffer: shuffle }),
  };
  const resume = stringOption(v, 'resume');
  const steps = intOption(v, 'steps');
  const socketPath = stringOption(v, 'socket');
  const dataset = await TokenDataset.open(dir, datasetOptions(v));
  // built once here so option errors surface before serving
  const first = new TokenLoader(dataset, opts);
  if (socketPath !== undefined) {
    first.close();
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.once('SIGTERM', () => controller.abort());
    await serveSocket(socketPath, () => new TokenLoader(dataset, opts), io.log, controller.signal);
    return 0;
  }
  if (resume !== undefined) first.resume(parseState(resume));
  try {
    await streamBatches(first, process.stdout, steps);
  } finally {
    first.close();
  }
  return 0;
}

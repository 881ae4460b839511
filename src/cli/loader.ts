import { SluiceError } from '../core/errors.js';
import { TokenDataset, type OpenDatasetOptions } from '../loader/dataset.js';
import { TokenLoader, type LoaderOptions } from '../loader/loader.js';
import { parseMixture } from '../loader/mixture.js';
import { serveSocket, streamBatches } from '../loader/serve.js';
import { parseState } from '../loader/state.js';
import { intOption, stringOption, type ParsedArgs } from './args.js';
import type { Command } from './command.js';

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

export const loaderCommand: Command = {
  spec: {
    name: 'loader',
    usage: 'sluice loader serve --dataset DIR --seq-len T --batch B [--rank R --world W] [--seed S] [--resume STATE] [--socket PATH] [--steps N] [--mixture src=w,...]',
    summary: 'Stream training batches from a tokenized dataset as binary frames (src/loader/FORMAT.md) on stdout or a Unix socket. The dataset is validated before the first batch.',
    options: {
      dataset: { type: 'string', short: 'd' },
      'seq-len': { type: 'string', short: 'T' },
      batch: { type: 'string', short: 'B' },
      rank: { type: 'string' },
      world: { type: 'string' },
      seed: { type: 'string' },
      resume: { type: 'string' },
      socket: { type: 'string' },
      steps: { type: 'string' },
      mixture: { type: 'string' },
      'shuffle-buffer': { type: 'string' },
      'doc-mask': { type: 'boolean' },
      verify: { type: 'string' },
      'tokenizer-sha256': { type: 'string' },
      'tokenizer-name': { type: 'string' },
      'vocab-size': { type: 'string' },
      'eos-id': { type: 'string' },
    },
    help: [
      '-d, --dataset DIR     output directory of a `sluice run` whose pipeline tokenized',
      '-T, --seq-len T       context length; each sequence carries T + 1 tokens',
      '-B, --batch B         sequences per batch (per rank)',
      '--rank R --world W    this rank of W (default 0 of 1)',
      '--seed S              shuffle seed, uint32 (default 0)',
      '--resume STATE        continue from a state (JSON: state() / state_dict())',
      '--socket PATH         serve on a Unix socket instead of stdout (one JSON request line per connection)',
      '--steps N             stop after N batches (default: stream forever)',
      '--mixture SPEC        sampling weights per source, e.g. web=0.6,code=0.2,books=0.1,wiki=0.1',
      '--shuffle-buffer K    documents in the shuffle buffer (default 8192)',
      '--doc-mask            also send a mask marking the first token of each document',
      '--verify sha256|size  how shards are checked before the first batch (default sha256)',
      '--tokenizer-sha256 H, --tokenizer-name N, --vocab-size V, --eos-id E',
      '                      refuse the dataset unless its tokenizer matches',
    ],
  },
  async run(args, io) {
    const [sub, ...extra] = args.positionals;
    if (sub !== 'serve' || extra.length > 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
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
  },
};

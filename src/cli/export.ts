import { SluiceError } from '../core/errors.js';
import { exportBin } from '../export/bin.js';
import { exportMegatron } from '../export/megatron.js';
import { TokenDataset } from '../loader/dataset.js';
import { intOption } from './args.js';
import type { Command } from './command.js';

export const exportCommand: Command = {
  spec: {
    name: 'export',
    usage: 'sluice export megatron <dataset dir> <out prefix> | sluice export bin <dataset dir> <out.bin> [--shard-tokens N]  [--no-eos]',
    summary: "Write a tokenized dataset in a trainer's own format: Megatron-LM indexed dataset (.bin + .idx) or an llm.c/nanoGPT flat token file.",
    options: { 'no-eos': { type: 'boolean' }, 'shard-tokens': { type: 'string' } },
    help: ["--no-eos              do not append the tokenizer's EOS after each document (default: append)", '--shard-tokens N      bin: at most N tokens per file, files named <out>_000000.bin, ...'],
  },
  async run(args, io) {
    const [format, dir, out, ...extra] = args.positionals;
    if ((format !== 'megatron' && format !== 'bin') || dir === undefined || out === undefined || extra.length > 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
    const eos = !args.values['no-eos'];
    const dataset = await TokenDataset.open(dir);
    if (format === 'megatron') {
      if (args.values['shard-tokens'] !== undefined) throw new SluiceError('SLUICE_USAGE', '--shard-tokens applies to `export bin` only');
      const r = exportMegatron(dataset, out, { eos });
      io.out(`wrote ${r.bin} and ${r.idx}: ${r.sequences.toLocaleString('en-US')} documents, ${r.tokens.toLocaleString('en-US')} tokens as ${r.dtype}`);
    } else {
      const shardTokens = intOption(args.values, 'shard-tokens');
      const r = exportBin(dataset, out, { eos, ...(shardTokens === undefined ? {} : { shardTokens }) });
      for (const f of r.files) io.out(`wrote ${f.path}: ${f.tokens.toLocaleString('en-US')} tokens as ${r.dtype}`);
    }
    return 0;
  },
};

import { SluiceError } from '../core/errors.js';
import { binDtype, exportBin, uint32Warning } from '../export/bin.js';
import { exportMegatron } from '../export/megatron.js';
import { TokenDataset } from '../loader/dataset.js';
import { intOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/export.js';

/** `sluice export` (options and help in specs/export.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [format, dir, out, ...extra] = args.positionals;
  if ((format !== 'megatron' && format !== 'bin') || dir === undefined || out === undefined || extra.length > 0) throw usageError(spec);
  const eos = !args.values['no-eos'];
  const dataset = await TokenDataset.open(dir);
  if (format === 'megatron') {
    if (args.values['shard-tokens'] !== undefined) throw new SluiceError('SLUICE_USAGE', '--shard-tokens applies to `export bin` only');
    const r = exportMegatron(dataset, out, { eos });
    io.out(`wrote ${r.bin} and ${r.idx}: ${r.sequences.toLocaleString('en-US')} documents, ${r.tokens.toLocaleString('en-US')} tokens as ${r.dtype}`);
  } else {
    const shardTokens = intOption(args.values, 'shard-tokens');
    // before writing, so it is seen even when a long export is interrupted
    if (binDtype(dataset.tokenizer.vocab_size) === 'uint32') io.log.warn(uint32Warning(dataset.tokenizer.vocab_size));
    const r = exportBin(dataset, out, { eos, ...(shardTokens === undefined ? {} : { shardTokens }) });
    for (const f of r.files) io.out(`wrote ${f.path}: ${f.tokens.toLocaleString('en-US')} tokens as ${r.dtype}`);
  }
  return 0;
}

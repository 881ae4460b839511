import type { CommandSpec } from '../args.js';

/** `sluice export`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'export',
  usage: 'sluice export megatron <dataset dir> <out prefix> | sluice export bin <dataset dir> <out.bin> [--shard-tokens N]  [--no-eos]',
  summary: "Write a tokenized dataset in a trainer's own format: Megatron-LM indexed dataset (.bin + .idx) or an llm.c/nanoGPT flat token file.",
  options: { 'no-eos': { type: 'boolean' }, 'shard-tokens': { type: 'string' } },
  help: [
    "--no-eos              do not append the tokenizer's EOS after each document (default: append)",
    '--shard-tokens N      bin: at most N tokens per file, files named <out>_000000.bin, ...',
    "EOS placement         sluice puts the EOS after each document; llm.c's own scripts put EOT before",
    "                      each one (the streams agree but for the ends: llm.c's starts with EOT)",
    'bin token width       uint16 (magic 20240520, version 1) for vocabularies of at most 65,536 ids, else',
    '                      uint32 (magic 20240801, version 7), which llm.c\'s C loader rejects ("Bad magic"):',
    '                      the export warns. numpy: np.memmap(path, dtype=uint16 or uint32, offset=1024)',
  ],
};

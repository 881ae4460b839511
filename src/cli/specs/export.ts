import type { CommandSpec } from '../args.js';

/** `sluice export`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'export',
  usage: 'sluice export megatron <dataset dir> <out prefix> | sluice export bin <dataset dir> <out.bin> [--shard-tokens N]  [--no-eos]',
  summary: "Write a tokenized dataset in a trainer's own format: Megatron-LM indexed dataset (.bin + .idx) or an llm.c/nanoGPT flat token file.",
  options: { 'no-eos': { type: 'boolean' }, 'shard-tokens': { type: 'string' } },
  help: ["--no-eos              do not append the tokenizer's EOS after each document (default: append)", '--shard-tokens N      bin: at most N tokens per file, files named <out>_000000.bin, ...'],
};

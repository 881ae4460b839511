import type { CommandSpec } from '../args.js';

/** `sluice verify`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'verify',
  usage: 'sluice verify <outdir> [--quick]',
  summary:
    "Check a run's output against what its tasks recorded: every shard, rejects and spill file present with its size and SHA-256, and the manifest matching the shards. Exits 1 on any mismatch.",
  options: { quick: { type: 'boolean' } },
  help: ['--quick               compare sizes only (no hashing)'],
};

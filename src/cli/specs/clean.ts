import type { CommandSpec } from '../args.js';

/** `sluice clean`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'clean',
  usage: 'sluice clean <outdir>',
  summary:
    'Remove the scratch of a finished run (.sluice/spill, .sluice/work): what `run --keep-scratch`, array tasks started with --rank, or older versions left. Shards, manifest, stats, rejects, plan and task markers stay; `verify` and a rerun still work.',
  options: {},
  help: [],
};

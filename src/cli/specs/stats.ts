import type { CommandSpec } from '../args.js';

/** `sluice stats`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'stats',
  usage: 'sluice stats <outdir> [--json]',
  summary: "Show a finished run's ledger (in = kept + rejected + duplicates), per-stage and per-reason counts, and per-source totals.",
  options: { json: { type: 'boolean' } },
  help: ['--json                print stats.json as it is'],
};

import type { CommandSpec } from '../args.js';

/** `sluice report`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'report',
  usage: 'sluice report <outdir> [-o report.html] [--compare <outdir-b>] [--mixture src=w,...]',
  summary:
    'Write one self-contained HTML page (no script, no network) of a finished run: ledger, funnel per source and stage, distributions, output shares, shards, timing, and sampled documents behind every reason; with --compare, two runs side by side.',
  options: { output: { type: 'string', short: 'o' }, compare: { type: 'string' }, mixture: { type: 'string' } },
  help: [
    '-o, --output FILE     where to write the page (default <outdir>/report.html; with --compare, <outdir>/compare.html)',
    '--compare DIR         a second run (e.g. after a threshold change): counts side by side, what moved, documents kept in one and dropped in the other',
    "--mixture SPEC        the loader's sampling weights, e.g. web=0.6,code=0.4, shown next to each source's share",
  ],
};

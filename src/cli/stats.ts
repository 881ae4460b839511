import { readFile } from 'node:fs/promises';
import { SluiceError } from '../core/errors.js';
import { OutputLayout } from '../runner/layout.js';
import type { StatsFile } from '../runner/finalize.js';
import { describeProblems, verifyManifest } from '../runner/verify.js';
import type { Command } from './command.js';
import { renderStats } from './render-stats.js';

export const statsCommand: Command = {
  spec: {
    name: 'stats',
    usage: 'sluice stats <outdir> [--json]',
    summary: "Show a finished run's ledger (in = kept + rejected + duplicates), per-stage and per-reason counts, and per-source totals.",
    options: { json: { type: 'boolean' } },
    help: ['--json                print stats.json as it is'],
  },
  async run(args, io) {
    const dir = args.positionals[0];
    if (!dir) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
    const layout = new OutputLayout(dir);
    let text: string;
    try {
      text = await readFile(layout.stats, 'utf8');
    } catch {
      throw new SluiceError('SLUICE_USAGE', `${layout.stats} does not exist`, { file: layout.stats, hint: 'point at the output directory of a finished `sluice run`' });
    }
    const stats = JSON.parse(text) as StatsFile;
    io.out(args.values['json'] ? text.trimEnd() : renderStats(stats));
    // sizes only: stats must stay instant on a large output; `sluice verify` hashes
    const problems = await verifyManifest(layout, { checksums: false });
    if (problems.length > 0) io.log.warn(`the shards disagree with manifest.json:\n${describeProblems(problems)}\n  run \`sluice verify ${dir}\` for a full check`);
    return stats.ledger.balanced && problems.length === 0 ? 0 : 1;
  },
};

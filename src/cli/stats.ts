import { usageError, type ParsedArgs } from './args.js';
import { readFile } from 'node:fs/promises';
import { SluiceError } from '../core/errors.js';
import { OutputLayout } from '../runner/layout.js';
import type { StatsFile } from '../runner/finalize.js';
import { describeProblems, verifyManifest } from '../runner/verify.js';
import type { CliIO } from './command.js';
import { spec } from './specs/stats.js';
import { renderDistributions, renderStats } from './render-stats.js';
import type { ReportData } from '../report/collect.js';

/** `sluice stats` (options and help in specs/stats.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const dir = args.positionals[0];
  if (!dir) throw usageError(spec);
  const layout = new OutputLayout(dir);
  let text: string;
  try {
    text = await readFile(layout.stats, 'utf8');
  } catch {
    throw new SluiceError('SLUICE_USAGE', `${layout.stats} does not exist`, { file: layout.stats, hint: 'point at the output directory of a finished `sluice run`' });
  }
  const stats = JSON.parse(text) as StatsFile;
  if (args.values['json']) io.out(text.trimEnd());
  else {
    // distributions: stats.json's histograms, and report-data.json's where the run collected it
    const data = await readFile(layout.reportData, 'utf8').then(
      (t) => JSON.parse(t) as ReportData,
      () => undefined,
    );
    const distributions = renderDistributions(stats, data);
    io.out(distributions ? `${renderStats(stats)}\n\n${distributions}` : renderStats(stats));
  }
  // sizes only: stats must stay instant on a large output; `sluice verify` hashes
  const problems = await verifyManifest(layout, { checksums: false });
  if (problems.length > 0) io.log.warn(`the shards disagree with manifest.json:\n${describeProblems(problems)}\n  run \`sluice verify ${dir}\` for a full check`);
  return stats.ledger.balanced && problems.length === 0 ? 0 : 1;
}

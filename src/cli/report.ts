import { readFile, writeFile } from 'node:fs/promises';
import { SluiceError } from '../core/errors.js';
import { parseMixture, type Mixture } from '../loader/mixture.js';
import { OutputLayout } from '../runner/layout.js';
import type { ReportData } from '../report/collect.js';
import type { ManifestView, RunView, StatsView } from '../report/view.js';
import { stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/report.js';

async function readJson<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as T;
}

/** stats.json (required), manifest.json and report-data.json (optional) of one output directory. */
export async function loadRun(dir: string): Promise<RunView> {
  const layout = new OutputLayout(dir);
  const stats = await readJson<StatsView>(layout.stats);
  if (!stats) throw new SluiceError('SLUICE_USAGE', `${layout.stats} does not exist`, { file: layout.stats, hint: 'point at the output directory of a finished `sluice run`' });
  const manifest = await readJson<ManifestView>(layout.manifest);
  const data = await readJson<ReportData>(layout.reportData);
  return { dir, stats, ...(manifest ? { manifest } : {}), ...(data ? { data } : {}) };
}

/** `--mixture` as `sluice loader serve` reads it; weights are shown beside the output shares, so any finite weight >= 0 will do. */
function parseReportMixture(text: string): Mixture {
  const mix = parseMixture(text);
  for (const [name, weight] of Object.entries(mix)) {
    if (!Number.isFinite(weight) || weight < 0) throw new SluiceError('SLUICE_USAGE', `--mixture: weight of "${name}" is not a number >= 0`, { hint: 'e.g. --mixture web=0.6,code=0.2,books=0.2' });
  }
  return mix;
}

/** `sluice report` (options and help in specs/report.ts). vega is loaded here only, on demand. */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const dir = args.positionals[0];
  if (!dir || args.positionals.length > 1) throw usageError(spec);
  const compareDir = stringOption(args.values, 'compare');
  const mixtureSpec = stringOption(args.values, 'mixture');
  const mixture = mixtureSpec === undefined ? undefined : parseReportMixture(mixtureSpec);
  const a = await loadRun(dir);
  let page: string;
  let defaultPath: string;
  if (compareDir !== undefined) {
    const b = await loadRun(compareDir);
    const { comparePage } = await import('../report/compare.js');
    page = await comparePage(a, b);
    defaultPath = new OutputLayout(dir).reportHtml.replace(/report\.html$/, 'compare.html');
  } else {
    const { reportPage } = await import('../report/page.js');
    page = await reportPage(a, mixture === undefined ? {} : { mixture });
    defaultPath = new OutputLayout(dir).reportHtml;
  }
  const path = stringOption(args.values, 'output') ?? defaultPath;
  await writeFile(path, page);
  io.out(`wrote ${path} (${(Buffer.byteLength(page) / 1024).toFixed(0)} KiB)`);
  return 0;
}

/**
 * Main-text extraction quality and speed, side by side in one run (issue 20):
 * - shingle F1 / precision / recall and pages whose main text is lost, per dataset, for sluice's
 *   extractor, Mozilla's Readability.js over linkedom (the warc reader's `extractor: readability`)
 *   and readability-lxml (Debian's python3-readability, when installed);
 * - pages per CPU second on one core, best of three rounds (the first warms the JIT).
 * The datasets are real pages with hand-made ground truth (tests/extract/benchmark/README.md);
 * Scrapinghub's set is held out from tuning.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DATASETS, loadDataset, type BenchmarkPage, type DatasetName } from '../extract/benchmark/datasets.js';
import { scoreTexts } from '../extract/benchmark/score.js';
import { extractHtml } from '../../src/extract/html.js';
import { extractWithReadability } from '../../src/extract/readability.js';
import { REPO_ROOT } from './repo-root.js';
import type { BenchRow } from './types.js';

type Extract = (html: string) => string;

const EXTRACTORS: Record<string, Extract> = {
  sluice: (html) => extractHtml(html).text,
  'readability-js': (html) => extractHtml(html, { engine: extractWithReadability }).text,
};

function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}

function timed(pages: BenchmarkPage[], extract: Extract, rounds: number): { texts: string[]; pagesPerSec: number } {
  let texts: string[] = [];
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.cpuUsage();
    texts = pages.map((p) => extract(p.html));
    best = Math.min(best, cpuSeconds(start));
  }
  return { texts, pagesPerSec: pages.length / best };
}

function readabilityLxml(dataset: DatasetName): { texts: Record<string, string>; cpu: number } | string {
  const file = join(REPO_ROOT, 'tests/extract/benchmark', `${dataset}.jsonl.gz`);
  try {
    const out = execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'tests/bench/readability-lxml.py'), file], { maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
    const parsed = JSON.parse(out.toString('utf8')) as { cpu_s: number; texts: Record<string, string> };
    return { texts: parsed.texts, cpu: parsed.cpu_s };
  } catch (err) {
    return `readability-lxml not run (apt-get install python3-readability): ${(err as Error).message.split('\n')[0]}`;
  }
}

function rowsFor(dataset: DatasetName, extractor: string, pages: BenchmarkPage[], texts: string[], pagesPerSec: number | undefined, note?: string): BenchRow[] {
  const s = scoreTexts(pages, texts);
  const variant = `${dataset} ${extractor}`;
  const rows: BenchRow[] = [
    { bench: 'extraction', variant, metric: 'F1', value: s.f1, unit: '', note: `P ${s.precision.toFixed(3)} R ${s.recall.toFixed(3)}${note ? `; ${note}` : ''}` },
    { bench: 'extraction', variant, metric: 'pages lost', value: s.lost, unit: `of ${s.pages}` },
  ];
  if (pagesPerSec !== undefined) rows.push({ bench: 'extraction', variant, metric: 'speed', value: pagesPerSec, unit: 'pages/s/core' });
  return rows;
}

export async function benchExtraction(opts: { rounds?: number } = {}): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 3;
  const rows: BenchRow[] = [];
  for (const dataset of DATASETS) {
    const pages = loadDataset(dataset);
    for (const [name, extract] of Object.entries(EXTRACTORS)) {
      // Readability.js is slow: one round is enough to see it
      const { texts, pagesPerSec } = timed(pages, extract, name === 'sluice' ? rounds : 1);
      rows.push(...rowsFor(dataset, name, pages, texts, pagesPerSec));
    }
    const lxml = readabilityLxml(dataset);
    if (typeof lxml === 'string') rows.push({ bench: 'extraction', variant: `${dataset} readability-lxml`, metric: 'F1', value: NaN, unit: '', note: lxml });
    else
      rows.push(
        ...rowsFor(
          dataset,
          'readability-lxml',
          pages,
          pages.map((p) => lxml.texts[p.id] ?? ''),
          pages.length / lxml.cpu,
          'Python 3, CPU time of the extraction alone',
        ),
      );
  }
  return rows;
}

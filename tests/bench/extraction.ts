/**
 * Main-text extraction quality and speed, side by side in one run (issue 20):
 * - shingle F1 / precision / recall and pages whose main text is lost, per dataset, for sluice's
 *   extractor, Mozilla's Readability.js over linkedom (the warc reader's `extractor: readability`)
 *   and readability-lxml (Debian's python3-readability, when installed);
 * - pages per CPU second on one core: sluice's best of five rounds after an untimed warm-up pass
 *   over every dataset; the libraries' one round (they are 10-20x slower).
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
  if (pagesPerSec !== undefined) {
    const mb = pages.reduce((n, p) => n + Buffer.byteLength(p.html), 0) / 1e6;
    rows.push({ bench: 'extraction', variant, metric: 'speed', value: pagesPerSec, unit: 'pages/s/core', note: `${((pagesPerSec * mb) / pages.length).toFixed(1)} MB/s of HTML` });
  }
  return rows;
}

export async function benchExtraction(opts: { rounds?: number } = {}): Promise<BenchRow[]> {
  const rounds = opts.rounds ?? 5;
  const rows: BenchRow[] = [];
  const all = DATASETS.map((d) => ({ dataset: d, pages: loadDataset(d) }));
  // one untimed pass over every page first, so no dataset pays for the JIT's warm-up
  for (const { pages } of all) for (const p of pages) extractHtml(p.html);
  for (const { dataset, pages } of all) {
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

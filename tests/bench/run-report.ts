/**
 * The HTML report's two costs (src/report/README.md):
 * - on the runner: the same pipeline with and without collection (SLUICE_REPORT=off), rounds
 *   alternated, each run in a fresh process, CPU seconds of the whole run (median);
 * - of a report over a 1M-document run: its collected data synthesised through the real
 *   collectors (8 tasks, merged), then the page rendered, its size, and the time Chromium takes
 *   to open it (navigation to load, plus one frame).
 * (tests/bench/report.ts is the bench's own table printer, hence this file's name.)
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { mulberry32 } from '../../src/core/random.js';
import { StatsRecorder, emptyStats, mergeStats } from '../../src/core/stats.js';
import { ReportCollector, canonicalReportData, emptyReportData, mergeReportData } from '../../src/report/collect.js';
import type { RunView } from '../../src/report/view.js';
import { runPipeline } from '../../src/runner/run.js';
import { isolated } from './isolate.js';
import { median } from './median.js';
import type { BenchRow } from './types.js';

export interface ReportBenchOptions {
  /** JSONL the runner rows read, in MB. */
  mb: number;
  rounds: number;
  /** Documents of the synthesised run the page is made from. */
  docs: number;
}

const WORDS = 'the river carried silt down to the delta where farmers planted rice and millet in long rows beside the water'.split(' ');

async function generate(dir: string, mb: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const random = mulberry32(7);
  const out = createWriteStream(join(dir, 'part-000.jsonl'));
  let written = 0;
  let docs = 0;
  while (written < mb * 1e6) {
    const words: string[] = [];
    const target = 100 + Math.floor(random() * random() * 4000);
    for (let len = 0; len < target;) {
      const w = WORDS[Math.floor(random() * WORDS.length)]!;
      words.push(w);
      len += w.length + 1;
    }
    const line = JSON.stringify({ id: `doc-${docs}`, text: words.join(' '), url: `https://example.com/${docs}`, score: Math.floor(random() * 100) }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
    written += line.length;
    docs++;
  }
  out.end();
  await once(out, 'finish');
  return docs;
}

/** One run in this (fresh) process; CPU seconds of the whole run. */
export async function collectRun(args: { dir: string; out: string; collect: boolean }): Promise<{ cpu: number; docs: number }> {
  if (args.collect) delete process.env['SLUICE_REPORT'];
  else process.env['SLUICE_REPORT'] = 'off';
  const pipeline = `${args.out}.yaml`;
  writeFileSync(
    pipeline,
    `name: bench-report\ninputs:\n  - reader: jsonl\n    paths: ["${args.dir}/*.jsonl"]\nstages:\n  - length: {min_chars: 400}\noutput:\n  dir: ${args.out}\nrunner:\n  split_bytes: 0\n`,
  );
  const before = process.cpuUsage();
  const result = await runPipeline({ pipelineFile: pipeline, workers: 1, fresh: true, log: silentLogger });
  const used = process.cpuUsage(before);
  if (existsSync(join(args.out, 'report-data.json')) !== args.collect) throw new Error('SLUICE_REPORT did not switch collection');
  return { cpu: (used.user + used.system) / 1e6, docs: result.report!.stats.ledger.docs_in };
}

/** Microseconds per document of a collector fed the corpus's documents (reader hand-over, then kept or too short), median of `rounds`. */
function collectorMicros(dir: string, rounds: number): number {
  const docs: Doc[] = readFileSync(join(dir, 'part-000.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const { id, text, ...meta } = JSON.parse(l) as { id: string; text: string; url: string; score: number };
      return { id, text, source: 'jsonl', meta };
    });
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const c = new ReportCollector();
    const before = process.cpuUsage();
    for (const doc of docs) {
      c.docIn(doc);
      if (doc.text.length < 400) c.removed('length', doc, 'rejected', 'too_short', { min_chars: 400 });
      else c.kept(doc);
    }
    JSON.stringify(c.data());
    const used = process.cpuUsage(before);
    times.push((used.user + used.system) / docs.length);
  }
  return median(times);
}

const SOURCES = ['web', 'web', 'web', 'web', 'code', 'books', 'reddit', 'wikipedia'];
const LANGS = ['en', 'en', 'en', 'en', 'de', 'fr', 'es', 'ja', 'zh', 'ru', 'pt', 'it'];
const GOPHER = ['top_2_gram', 'top_3_gram', 'dup_line_frac', 'word_count', 'symbol_ratio', 'stop_words'];

/** A 1M-document run's stats and report data, through the real recorders and collectors, 8 tasks merged. */
export function synthesiseRun(docs: number, dir: string): RunView {
  const random = mulberry32(11);
  const base = Array.from({ length: 40_000 }, (_, i) => WORDS[i % WORDS.length]).join(' ');
  const tokens = new Int32Array(20_000);
  const TASKS = 8;
  const collectors = Array.from({ length: TASKS }, () => new ReportCollector());
  const recorders = Array.from({ length: TASKS }, () => new StatsRecorder());
  const order = ['jsonl', 'length', 'language', 'gopher_quality', 'minhash_dedup', 'tokenize'];
  for (const r of recorders) order.forEach((s, i) => r.stage(s, i));
  for (let i = 0; i < docs; i++) {
    const task = i % TASKS;
    const c = collectors[task]!;
    const r = recorders[task]!;
    const source = SOURCES[Math.floor(random() * SOURCES.length)]!;
    const len = Math.floor(50 + 30_000 * random() ** 3);
    const doc: Doc = { id: `${source}/${i}`, source, text: base.slice(0, len), meta: { url: `https://example.com/${i}`, score: Math.floor(random() * 100) } };
    r.docIn(source, len);
    c.docIn(doc);
    const end = (stage: string, kind: 'rejected' | 'duplicate', reason: string): void => {
      if (kind === 'duplicate') r.duplicate(stage, source);
      else r.rejected(stage, source, reason);
      c.removed(stage, doc, kind, reason, kind === 'duplicate' ? { kept_id: `${source}/${i - 1}`, similarity: 0.9 } : {});
    };
    if (random() < 0.02) end('jsonl', 'rejected', 'bad_record');
    else if (len < 200) end('length', 'rejected', 'too_short');
    else {
      doc.meta['language'] = LANGS[Math.floor(random() * LANGS.length)]!;
      doc.meta['language_score'] = Math.round(random() * 1e4) / 1e4;
      doc.meta['quality_score'] = Math.round(random() * random() * 1e4) / 1e4;
      if ((doc.meta['language_score'] as number) < 0.3) end('language', 'rejected', 'language_low_score');
      else if (random() < 0.15) end('gopher_quality', 'rejected', GOPHER[Math.floor(random() * GOPHER.length)]!);
      else if (random() < 0.05) end('minhash_dedup', 'duplicate', 'minhash_duplicate');
      else {
        doc.tokens = tokens.subarray(0, Math.min(tokens.length, len >> 2));
        r.kept(source, len, doc.tokens.length);
        c.kept(doc);
      }
    }
  }
  const stats = emptyStats();
  for (const r of recorders) mergeStats(stats, r.stats);
  const data = canonicalReportData(collectors.map((c) => c.data()).reduce(mergeReportData, emptyReportData()));
  const shards = Array.from({ length: 1000 }, (_, i) => ({
    path: `shards/part-${String(i).padStart(5, '0')}-00000.parquet`,
    rows: Math.round(stats.ledger.kept / 1000),
    bytes: 256 << 20,
    sha256: 'ab'.repeat(32),
    tokens: 1_000_000,
  }));
  return {
    dir,
    stats: { name: 'synthetic-1m', created: new Date(0).toISOString(), ...stats, ledger: { ...stats.ledger, balanced: true }, tasks: [{ phase: 'docs-0', tasks: TASKS, seconds: 1000 }] },
    manifest: { rows: stats.ledger.kept, tokens: 1e9, bytes: 1000 * (256 << 20), shards },
    data,
  };
}

async function openInChromium(file: string): Promise<number | undefined> {
  const CHROMIUM = '/usr/bin/chromium';
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      const t0 = performance.now();
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => r(0)))');
      times.push((performance.now() - t0) / 1000);
      await page.close();
    }
    return median(times);
  } finally {
    await browser.close();
  }
}

export async function benchReport(opts: ReportBenchOptions): Promise<BenchRow[]> {
  const dir = join(tmpdir(), `sluice-bench-report-${process.pid}`);
  const rows: BenchRow[] = [];
  try {
    process.stderr.write(`report: generating ${opts.mb} MB of JSONL...\n`);
    const docs = await generate(join(dir, 'input'), opts.mb);
    const cpu = { off: [] as number[], on: [] as number[] };
    // each round runs both back to back (order alternating): the load of a shared machine drifts
    // over seconds, so the difference within a round is steadier than the difference of medians
    const paired: number[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const got = { off: 0, on: 0 };
      for (const collect of round % 2 === 0 ? [false, true] : [true, false]) {
        const r = await isolated<{ cpu: number; docs: number }>('./run-report.js', 'collectRun', { dir: join(dir, 'input'), out: join(dir, collect ? 'on' : 'off'), collect });
        if (r.value.docs !== docs) throw new Error(`run read ${r.value.docs} of ${docs} documents`);
        got[collect ? 'on' : 'off'] = r.value.cpu;
        cpu[collect ? 'on' : 'off'].push(r.value.cpu);
      }
      paired.push((100 * (got.on - got.off)) / got.off);
    }
    const off = median(cpu.off);
    const on = median(cpu.on);
    const note = `${opts.mb} MB JSONL, ${docs} docs, length filter (the cheapest pipeline: the worst case), 1 worker; CPU s, median of ${opts.rounds}`;
    rows.push({ bench: 'report', variant: 'runner without collection', metric: 'CPU', value: off, unit: 's', note });
    rows.push({
      bench: 'report',
      variant: 'runner with collection',
      metric: 'CPU',
      value: on,
      unit: 's',
      note: `rounds: off ${cpu.off.map((x) => x.toFixed(2)).join(' ')}; on ${cpu.on.map((x) => x.toFixed(2)).join(' ')}`,
    });
    rows.push({
      bench: 'report',
      variant: 'collection cost on the runner',
      metric: 'overhead',
      value: median(paired),
      unit: '%',
      note: `A/B of whole runs, median of the rounds' differences (${paired.map((x) => x.toFixed(1)).join(' ')}); target < 3%`,
    });
    // the collector alone over the same documents: the A/B above moves with the machine's load, this does not
    const perDoc = collectorMicros(join(dir, 'input'), opts.rounds);
    const runnerPerDoc = (off * 1e6) / docs;
    rows.push({ bench: 'report', variant: 'collector alone', metric: 'CPU per doc', value: perDoc, unit: 'us', note: `the runner without collection: ${runnerPerDoc.toFixed(1)} us per doc` });
    rows.push({
      bench: 'report',
      variant: 'collection cost on the runner',
      metric: 'estimate',
      value: (100 * perDoc) / runnerPerDoc,
      unit: '%',
      note: 'collector alone / runner per doc; target < 3%',
    });

    process.stderr.write(`report: synthesising a ${opts.docs}-document run...\n`);
    let t0 = performance.now();
    const view = synthesiseRun(opts.docs, join(dir, 'synthetic'));
    rows.push({
      bench: 'report',
      variant: `collect ${opts.docs} docs (8 tasks, merged)`,
      metric: 'time',
      value: (performance.now() - t0) / 1000,
      unit: 's',
      note: 'recorders and collectors only, no reading',
    });
    const { reportPage } = await import('../../src/report/page.js');
    t0 = performance.now();
    const page = await reportPage(view);
    const file = join(dir, 'report-1m.html');
    writeFileSync(file, page);
    rows.push({ bench: 'report', variant: `sluice report, ${opts.docs} docs`, metric: 'render', value: (performance.now() - t0) / 1000, unit: 's', note: 'charts to SVG with vega' });
    rows.push({ bench: 'report', variant: `sluice report, ${opts.docs} docs`, metric: 'file size', value: statSync(file).size / 1e6, unit: 'MB', note: 'target < 10 MB' });
    const open = await openInChromium(file);
    if (open === undefined) process.stderr.write('report: /usr/bin/chromium is not installed; no open-time row\n');
    else
      rows.push({
        bench: 'report',
        variant: `sluice report, ${opts.docs} docs`,
        metric: 'open in Chromium',
        value: open,
        unit: 's',
        note: 'navigation to load + one frame, median of 3; target < 3 s',
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

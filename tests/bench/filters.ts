/**
 * Filter throughput: every quality filter alone and the FineWeb-style chain (language,
 * gopher_repetition, gopher_quality, c4, fineweb) over generated web text, each variant in its
 * own process on one core, through the real stage code (async generators, reject bookkeeping).
 * `language (eld.detect)` runs the language stage's rule with the eld package's own detector in
 * place of the port in text/eld-fast.ts, for the port's speed-up (a row of its own).
 * MB/s is UTF-8 megabytes (1e6 bytes) of input text per second, per CPU second (the work of one
 * core, robust to waiting for a core on a shared machine) and per wall-clock second.
 */
import { readFileSync } from 'node:fs';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { drop, filterStage, type Stage } from '../../src/core/stage.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { languageParams, languageSample } from '../../src/filters/language.js';
import { stages } from '../../src/registry-loaded.js';
import { keywordScanRows } from './c4-keywords.js';
import { ensureWebCorpus } from './filters-corpus.js';
import { isolated } from './isolate.js';
import { benchContext, fromArray } from './stage-harness.js';
import type { BenchRow } from './types.js';

type Step = [stage: string, params: Record<string, unknown>];

/** Bench-only step: the `language` stage's sample, score and `min_score` rule around `eld.detect` itself. */
const ELD_PACKAGE_LANGUAGE = 'eld package language';

async function eldPackageLanguage(): Promise<Stage> {
  const { eld } = await import('eld/small');
  const p = languageParams.parse({});
  return filterStage((doc) => {
    const r = eld.detect(languageSample(doc.text, p.sample_chars, p.min_line_chars));
    const score = r.language === '' ? 0 : (r.getScores()[r.language] ?? 0);
    doc.meta['language'] = r.language === '' ? 'und' : r.language;
    doc.meta['language_score'] = score;
    return score < p.min_score ? drop('language_low_score') : undefined;
  });
}

export const FILTER_VARIANTS: Record<string, Step[]> = {
  language: [['language', {}]],
  'language (eld.detect)': [[ELD_PACKAGE_LANGUAGE, {}]],
  gopher_repetition: [['gopher_repetition', {}]],
  gopher_quality: [['gopher_quality', {}]],
  c4: [['c4', {}]],
  'c4 (fineweb settings)': [['c4', { filter_no_terminal_punct: false }]],
  fineweb: [['fineweb', {}]],
  c4_badwords: [['c4_badwords', {}]],
  url_blocklist: [['url_blocklist', {}]],
  'length (words)': [['length', { min_words: 50 }]],
  'chain: language+gopher_repetition+gopher_quality+c4+fineweb': [
    ['language', {}],
    ['gopher_repetition', {}],
    ['gopher_quality', {}],
    ['c4', { filter_no_terminal_punct: false }],
    ['fineweb', {}],
  ],
};

export interface FiltersBenchOptions {
  /** Size of the generated corpus in MB (default 20; the figure is 100). */
  mb?: number;
  variants?: string[];
}

interface VariantResult {
  docs: number;
  kept: number;
  mb: number;
  /** Wall-clock seconds of the fastest pass. */
  seconds: number;
  /** CPU seconds (user + system) of the pass with the least CPU time. */
  cpuSeconds: number;
  /** CPU seconds of the first pass, in a process that had run none of this code yet: what a new worker pays until V8 has compiled the hot code. */
  firstPassCpuSeconds: number;
}

async function runChain(built: Stage[], docs: Doc[]): Promise<number> {
  const stats = new StatsRecorder();
  let stream: AsyncIterable<Doc> = fromArray(docs);
  built.forEach((stage, k) => {
    stream = stage(stream, benchContext(stats, `s${k}`));
  });
  let kept = 0;
  for await (const _ of stream) kept++;
  return kept;
}

/** Child side: load the corpus, build the stages, time a first (cold) pass, then `passes` more and keep the fastest. */
export async function runFilterVariant(args: { corpus: string; variant: string; passes?: number }): Promise<VariantResult> {
  const steps = FILTER_VARIANTS[args.variant];
  if (!steps) throw new Error(`unknown variant ${args.variant}`);
  const rows = readFileSync(args.corpus, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; text: string; url: string });
  const fresh = (n = rows.length): Doc[] => rows.slice(0, n).map((r) => ({ id: r.id, text: r.text, source: 'web', meta: { url: r.url } }));
  const built: Stage[] = [];
  for (const [name, params] of steps) {
    if (name === ELD_PACKAGE_LANGUAGE) {
      built.push(await eldPackageLanguage());
      continue;
    }
    const def = stages[name]!;
    const b = await def.build(def.params.parse(params), { workDir: '/tmp', world: 1, configDir: process.cwd(), log: silentLogger });
    if (b.kind !== 'stream') throw new Error(`${name} is not a stream stage`);
    built.push(b.run);
  }
  let bytes = 0;
  for (const r of rows) bytes += Buffer.byteLength(r.text);
  // The first pass also warms up: V8 interprets, then compiles (on other threads, whose CPU
  // process.cpuUsage counts) the code it finds hot. Best of `passes` after it: the machine is
  // shared, and the fastest pass is the least disturbed one. CPU time is reported next to wall
  // time: on a shared machine a process waits for a core, and CPU seconds measure the work of one core.
  let seconds = Infinity;
  let cpuSeconds = Infinity;
  let firstPassCpuSeconds = 0;
  let kept = 0;
  for (let pass = 0; pass <= (args.passes ?? 3); pass++) {
    const docs = fresh();
    globalThis.gc?.();
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    kept = await runChain(built, docs);
    const used = process.cpuUsage(c0);
    const cpu = (used.user + used.system) / 1e6;
    if (pass === 0) {
      firstPassCpuSeconds = cpu;
      continue;
    }
    seconds = Math.min(seconds, Number(process.hrtime.bigint() - t0) / 1e9);
    cpuSeconds = Math.min(cpuSeconds, cpu);
  }
  return { docs: rows.length, kept, mb: bytes / 1e6, seconds, cpuSeconds, firstPassCpuSeconds };
}

export async function benchFilters(opts: FiltersBenchOptions = {}): Promise<BenchRow[]> {
  const mb = opts.mb ?? 20;
  process.stderr.write(`filters: generating ${mb} MB of web-like text...\n`);
  const corpus = await ensureWebCorpus(mb);
  const rows: BenchRow[] = [];
  for (const variant of opts.variants ?? Object.keys(FILTER_VARIANTS)) {
    process.stderr.write(`filters: ${variant}\n`);
    const r = await isolated<VariantResult>('./filters.js', 'runFilterVariant', { corpus: corpus.path, variant });
    const v = r.value;
    const note = `${v.docs} docs, ${v.mb.toFixed(1)} MB, kept ${((100 * v.kept) / v.docs).toFixed(1)}%, best of 3 passes after a first`;
    rows.push({ bench: 'filters', variant, metric: 'throughput (CPU time)', value: v.mb / v.cpuSeconds, unit: 'MB/s', note });
    if (variant.startsWith('chain:')) {
      // what every worker process pays once: the same documents, before V8 has compiled the filters
      rows.push({ bench: 'filters', variant, metric: 'first pass in a new process (CPU time)', value: v.mb / v.firstPassCpuSeconds, unit: 'MB/s', note: `${v.firstPassCpuSeconds.toFixed(2)} s CPU` });
      rows.push({
        bench: 'filters',
        variant,
        metric: 'JIT warm-up: first pass - best pass (CPU)',
        value: v.firstPassCpuSeconds - v.cpuSeconds,
        unit: 's',
        note: `${v.firstPassCpuSeconds.toFixed(2)} - ${v.cpuSeconds.toFixed(2)} s; paid once per process`,
      });
    }
    rows.push({ bench: 'filters', variant, metric: 'throughput (wall)', value: v.mb / v.seconds, unit: 'MB/s' });
    rows.push({ bench: 'filters', variant, metric: 'docs (CPU time)', value: v.docs / v.cpuSeconds, unit: 'docs/s' });
    rows.push({ bench: 'filters', variant, metric: 'peak RSS', value: r.peakRssMb, unit: 'MiB', note: 'includes the corpus held in memory' });
  }
  const cpuRate = (variant: string) => rows.find((r) => r.variant === variant && r.metric === 'throughput (CPU time)')?.value;
  const port = cpuRate('language');
  const eldOwn = cpuRate('language (eld.detect)');
  if (port !== undefined && eldOwn !== undefined) {
    rows.push({
      bench: 'filters',
      variant: 'language: port / eld.detect',
      metric: 'speed-up (CPU time)',
      value: port / eldOwn,
      unit: 'x',
      note: 'same sample, same verdicts (tests/filters/language.test.ts)',
    });
  }
  if (opts.variants === undefined) rows.push(...(await keywordScanRows(corpus.path)));
  return rows;
}

/**
 * Dedup benchmark. Every figure is measured in its own child process (isolate.ts), one after
 * another, so each has a core to itself and its own peak RSS:
 *
 *  - signatures per second and MB/s on one core: sluice (word 5-grams, 112 hashes) next to the
 *    `minhash` npm package on the same documents with the same 112 permutations; shingling
 *    alone; the exact-dedup key (SHA-256 of the normalized text)
 *  - the whole MinHash dedup over a synthetic corpus with planted duplicates, streaming (one
 *    task) and scale-out (two tasks): every phase (collect, each step task, apply) in its own
 *    process as the runner would run it; documents per second of summed phase time (one core)
 *    and the largest peak RSS of any phase. The streaming index's memory per document is its
 *    peak RSS above an idle process's, divided by the documents; the removals checked against
 *    the planted families (duplicates kept, by kind, and removals across families)
 *  - quality on generated near-duplicate families (dedup-quality.ts) and the clustering rounds a
 *    long chain needs (dedup-chain.ts)
 *
 * Document generation is timed and subtracted. Every pass runs on one core, so figures are
 * per core.
 */
import { createRequire } from 'node:module';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { Barrier } from '../../src/core/stage.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { writeExactKey } from '../../src/dedup/exact.js';
import { simplifyText } from '../../src/dedup/normalize.js';
import { SignatureMaker } from '../../src/dedup/minhash/collect.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';
import { minhashDedupStage } from '../../src/dedup/minhash/stage.js';
import { bandTableBytes } from '../../src/dedup/minhash/band-table.js';
import { readCollectManifest } from '../../src/dedup/collect-manifest.js';
import { DedupWorkLayout } from '../../src/dedup/work-layout.js';
import { chainRoundsChild } from './dedup-chain.js';
import { auditRemovals, corpusDoc, corpusPart, plantedDuplicates, type DedupCorpusOptions } from './dedup-data.js';
import { benchStageContext, qualityChild, qualityRows, type QualityResult } from './dedup-quality.js';
import { isolated } from './isolate.js';
import type { BenchRow } from './types.js';

export interface BenchDedupOptions {
  /** Documents for the signature throughput figures (sluice, shingling, exact key). */
  signatureDocs: number;
  /** Documents for the `minhash` package (it is about 50 times slower). */
  packageDocs: number;
  /** Documents for the whole dedup. */
  dedupDocs: number;
  workDir: string;
  /** Skip the whole-dedup runs (signature figures only). */
  signaturesOnly?: boolean;
}

const WORDS = 270; // about 2 KB of text
const KINDS = ['copy', '0.5% edit', '1% edit', '2% edit', 'original'];
const NUM_HASHES = 112;

type SpeedVariant = 'sluice' | 'shingles' | 'minhash-package' | 'exact-key';

interface SpeedResult {
  docs: number;
  bytes: number;
  seconds: number;
  checksum: number;
}

/** The `minhash` package's interface, as far as the benchmark uses it. */
interface MinhashPackage {
  Minhash: new (config: { numPerm: number; seed: number }) => { update(s: string): void; hashvalues: number[] };
}

/** Child: one signature variant over pre-generated documents (a warm-up, then three timed passes). */
export async function speedChild(args: { variant: SpeedVariant; docs: number }): Promise<SpeedResult> {
  const corpus: DedupCorpusOptions = { docs: args.docs, words: WORDS, seed: 5, exactShare: 0, nearShare: 0 };
  const docs = [...corpusPart(corpus)].map((d) => d.text);
  const bytes = docs.reduce((s, t) => s + Buffer.byteLength(t), 0);
  let checksum = 0;
  let pass: (text: string) => void;
  if (args.variant === 'minhash-package') {
    const { Minhash } = createRequire(import.meta.url)('minhash') as MinhashPackage;
    pass = (text) => {
      // the same shingles sluice hashes: word 5-grams of the simple-normalized text
      const m = new Minhash({ numPerm: NUM_HASHES, seed: 1 });
      const w = simplifyText(text).split(' ');
      for (let i = 0; i + 5 <= w.length; i++) m.update(`${w[i]} ${w[i + 1]} ${w[i + 2]} ${w[i + 3]} ${w[i + 4]}`);
      checksum ^= m.hashvalues[0]!;
    };
  } else if (args.variant === 'exact-key') {
    const key = new Uint32Array(4);
    pass = (text) => {
      writeExactKey(simplifyText(text), key, 0);
      checksum ^= key[0]!;
    };
  } else {
    const maker = new SignatureMaker(resolveMinhashConfig(minhashParams.parse({}), 1));
    pass =
      args.variant === 'shingles'
        ? (text) => {
            checksum ^= maker.shingler.shingle(text);
          }
        : (text) => {
            maker.make(text);
            checksum ^= maker.keys[0]!;
          };
  }
  for (let i = 0; i < Math.max(1, docs.length / 10); i++) pass(docs[i]!);
  // the median of three timed passes: one pass on a shared machine is at the mercy of its neighbours
  const times: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (const t of docs) pass(t);
    times.push((performance.now() - t0) / 1000);
  }
  return { docs: docs.length, bytes, seconds: times.sort((a, b) => a - b)[1]!, checksum };
}

/** Child: nothing, for the baseline RSS of a Node process with these modules loaded. */
export async function idleChild(): Promise<number> {
  return 0;
}

interface PhaseArgs {
  workDir: string;
  corpus: DedupCorpusOptions;
  params: Record<string, unknown>;
  world: number;
  phase: 'collect' | 'step' | 'apply';
  /** collect/apply: the task's rank; step: the step task. */
  rank: number;
  step?: number;
}

interface PhaseResult {
  seconds: number;
  docs: number;
  /** apply: each removed document's number and the number of the one kept in its place. */
  removals: [removed: number, kept: number][];
  stats: Record<string, number>;
}

async function buildBarrier(a: PhaseArgs): Promise<Barrier> {
  const built = await minhashDedupStage.build(minhashParams.parse(a.params), { workDir: a.workDir, world: a.world, configDir: '.', log: silentLogger });
  if (built.kind !== 'barrier') throw new Error('minhash_dedup is not a barrier');
  return built.barrier;
}

/** Child: one phase of one task of the barrier, as the runner runs it. */
export async function phaseChild(a: PhaseArgs): Promise<PhaseResult> {
  const barrier = await buildBarrier(a);
  const recorder = new StatsRecorder();
  const stats = recorder.stage('minhash_dedup');
  if (a.phase === 'step') {
    const step = barrier.steps[a.step!]!;
    const t0 = performance.now();
    await step.run(a.rank, Math.max(1, step.tasks(a.world)), { signal: new AbortController().signal, log: silentLogger, stats });
    return { seconds: (performance.now() - t0) / 1000, docs: 0, removals: [], stats: stats.counts.counters };
  }
  const removals: [removed: number, kept: number][] = [];
  const docNumber = (id: string): number => Number(id.slice('doc-'.length));
  let genMs = 0;
  const ctx = benchStageContext(a.rank, a.world, stats, (doc, detail) => removals.push([docNumber(doc.id), docNumber(String(detail['kept_id']))]));
  async function* timedDocs(): AsyncIterable<Doc> {
    for (let i = a.rank; i < a.corpus.docs; i += a.world) {
      const t = performance.now();
      const d = corpusDoc(i, a.corpus);
      genMs += performance.now() - t;
      yield d;
    }
  }
  const stage = a.phase === 'collect' ? barrier.collect : barrier.apply;
  let docs = 0;
  const t0 = performance.now();
  for await (const _ of stage(timedDocs(), ctx)) docs++;
  return { seconds: (performance.now() - t0 - genMs) / 1000, docs, removals, stats: stats.counts.counters };
}

const here = './dedup.js';

async function speedRows(opts: BenchDedupOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const results = new Map<SpeedVariant, SpeedResult>();
  const label: Record<SpeedVariant, string> = {
    sluice: 'sluice signature + band keys (112 hashes)',
    'minhash-package': 'minhash 0.0.9 npm package (112 perms)',
    shingles: 'sluice shingling only',
    'exact-key': 'exact key (sha256 of normalized text)',
  };
  for (const variant of ['sluice', 'minhash-package', 'shingles', 'exact-key'] as const) {
    const docs = variant === 'minhash-package' ? opts.packageDocs : opts.signatureDocs;
    process.stderr.write(`dedup: ${label[variant]} on ${docs} documents\n`);
    const r = (await isolated<SpeedResult>(here, 'speedChild', { variant, docs })).value;
    results.set(variant, r);
    const note = `${r.docs} docs of ${Math.round(r.bytes / r.docs)} B, one core, median of 3 passes`;
    rows.push({ bench: 'dedup', variant: label[variant], metric: 'throughput', value: r.docs / r.seconds, unit: 'docs/s', note });
    rows.push({ bench: 'dedup', variant: label[variant], metric: 'throughput', value: r.bytes / 1e6 / r.seconds, unit: 'MB/s' });
  }
  const ours = results.get('sluice')!;
  const theirs = results.get('minhash-package')!;
  rows.push({
    bench: 'dedup',
    variant: 'sluice vs minhash package',
    metric: 'speedup',
    value: ours.docs / ours.seconds / (theirs.docs / theirs.seconds),
    unit: 'x',
    note: 'signatures/s, same documents and hash count',
  });
  return rows;
}

async function wholeDedup(opts: BenchDedupOptions, mode: 'streaming' | 'scale_out', world: number, baselineMb: number): Promise<BenchRow[]> {
  const corpus: DedupCorpusOptions = { docs: opts.dedupDocs, words: WORDS, seed: 11 };
  const workDir = join(opts.workDir, `${mode}-${world}`);
  rmSync(workDir, { recursive: true, force: true });
  const params = { mode };
  const base = { workDir, corpus, params, world };
  const c = resolveMinhashConfig(minhashParams.parse(params), world);
  let seconds = 0;
  let peak = 0;
  let indexMb = 0;
  const phasePeaks: string[] = [];
  const phaseSeconds = { collect: 0, steps: 0, apply: 0 };
  const run = async (label: string, args: PhaseArgs): Promise<PhaseResult> => {
    const r = await isolated<PhaseResult>(here, 'phaseChild', args);
    seconds += r.value.seconds;
    phaseSeconds[args.phase === 'collect' ? 'collect' : 'apply'] += r.value.seconds;
    peak = Math.max(peak, r.peakRssMb);
    phasePeaks.push(`${label} ${Math.round(r.peakRssMb)}`);
    return r.value;
  };
  process.stderr.write(`dedup: whole minhash dedup, ${mode}, ${world} task(s), ${corpus.docs} documents\n`);
  for (let rank = 0; rank < world; rank++) await run(`collect${world > 1 ? rank : ''}`, { ...base, phase: 'collect', rank });
  const barrier = await buildBarrier({ ...base, phase: 'step', rank: 0 });
  let stepPeak = 0;
  for (let s = 0; s < barrier.steps.length; s++) {
    const step = barrier.steps[s]!;
    const tasks = Math.max(1, step.tasks(world));
    for (let t = 0; t < tasks; t++) {
      const r = await isolated<PhaseResult>(here, 'phaseChild', { ...base, phase: 'step', rank: t, step: s });
      seconds += r.value.seconds;
      phaseSeconds.steps += r.value.seconds;
      peak = Math.max(peak, r.peakRssMb);
      stepPeak = Math.max(stepPeak, r.peakRssMb);
      if (step.name === 'index') indexMb = r.peakRssMb;
    }
  }
  phasePeaks.push(`${barrier.steps.map((st) => st.name).join('+')} ${Math.round(stepPeak)}`);
  const removals = new Map<number, number>();
  for (let rank = 0; rank < world; rank++) for (const [r, k] of (await run(`apply${world > 1 ? rank : ''}`, { ...base, phase: 'apply', rank })).removals) removals.set(r, k);
  const manifests = Array.from({ length: world }, (_, r) => readCollectManifest(new DedupWorkLayout(workDir), r));
  const rowsPerBand = Array.from({ length: c.bands }, (_, b) => manifests.reduce((sum, m) => sum + m.runs[b]!.rows, 0));
  const indexBytes = bandTableBytes(Math.max(...rowsPerBand)) + 4 * corpus.docs;
  rmSync(workDir, { recursive: true, force: true });
  const planted = plantedDuplicates(corpus);
  const audit = auditRemovals(corpus, removals);
  const missed = Object.values(audit.missed).reduce((a, b) => a + b, 0);
  const variant = `minhash_dedup ${mode}, ${world} task${world > 1 ? 's' : ''}, ${corpus.docs} docs`;
  // a packed table: one row per line reads better than one value per line
  // prettier-ignore
  const rows: BenchRow[] = [
    { bench: 'dedup', variant, metric: 'throughput', value: corpus.docs / seconds, unit: 'docs/s', note: `all phases, one core; seconds: collect ${phaseSeconds.collect.toFixed(1)}, steps ${phaseSeconds.steps.toFixed(1)}, apply ${phaseSeconds.apply.toFixed(1)}; ${c.bands}x${c.rows}` },
    { bench: 'dedup', variant, metric: 'peak RSS', value: peak, unit: 'MiB', note: `largest phase; MiB by phase: ${phasePeaks.join(', ')}` },
    { bench: 'dedup', variant, metric: 'removed', value: removals.size, unit: 'docs', note: `planted: ${planted.duplicates} to remove (${planted.exact} copies and ${planted.near} edits of 0.5-2% of earlier documents); ${audit.wrong} removed for a document of another family` },
    { bench: 'dedup', variant, metric: 'duplicates kept', value: missed, unit: 'docs', note: `a family's survivors beyond its first, by kind: ${KINDS.map((k) => `${k} ${audit.missed[k] ?? 0}`).join(', ')}` },
  ];
  if (mode === 'streaming') {
    rows.push({ bench: 'dedup', variant, metric: 'index structures', value: indexBytes / corpus.docs, unit: 'B/doc', note: 'one band table (16 B per slot, <= 70% full) + union-find (4 B)' });
    rows.push({
      bench: 'dedup',
      variant,
      metric: 'index step RSS',
      value: ((indexMb - baselineMb) * 2 ** 20) / corpus.docs,
      unit: 'B/doc',
      note: `peak RSS ${Math.round(indexMb)} MiB minus an idle process's ${Math.round(baselineMb)} MiB: index, cluster lists, removal list, GC headroom`,
    });
  }
  return rows;
}

/** Default sizes finish in a few minutes on 2 busy cores; `full` is the 1M documents the issue names. */
export function dedupSizes(full: boolean, docs?: number): Pick<BenchDedupOptions, 'signatureDocs' | 'packageDocs' | 'dedupDocs'> {
  return { signatureDocs: 10_000, packageDocs: full ? 2_000 : 500, dedupDocs: docs ?? (full ? 1_000_000 : 100_000) };
}

/** Rounds a 50,000-document chain needs to settle, at 1, 7 and 32 tasks. */
async function chainRows(opts: BenchDedupOptions): Promise<BenchRow[]> {
  const docs = 50_000;
  const rows: BenchRow[] = [];
  for (const tasks of [1, 7, 32]) {
    process.stderr.write(`dedup: clustering rounds for a chain of ${docs} documents, ${tasks} tasks\n`);
    const round = (await isolated<number>('./dedup-chain.js', chainRoundsChild.name, { workDir: join(opts.workDir, `chain-${tasks}`), docs, tasks })).value;
    rows.push({
      bench: 'dedup',
      variant: `scale-out clustering, chain of ${docs} near-duplicates, ${tasks} task${tasks > 1 ? 's' : ''}`,
      metric: 'rounds to settle',
      value: round,
      unit: 'rounds',
      note: 'worst case for the rounds; default cluster_rounds 8, then the fallback',
    });
  }
  return rows;
}

export async function benchDedup(opts: BenchDedupOptions): Promise<BenchRow[]> {
  const rows = await speedRows(opts);
  if (opts.signaturesOnly) return rows;
  try {
    process.stderr.write('dedup: quality on generated near-duplicate families\n');
    rows.push(...qualityRows((await isolated<QualityResult>('./dedup-quality.js', qualityChild.name, null)).value));
    rows.push(...(await chainRows(opts)));
    const baseline = (await isolated<number>(here, 'idleChild', null)).peakRssMb;
    rows.push(...(await wholeDedup(opts, 'streaming', 1, baseline)));
    rows.push(...(await wholeDedup(opts, 'scale_out', 2, baseline)));
    return rows;
  } finally {
    rmSync(opts.workDir, { recursive: true, force: true });
  }
}

/**
 * Randomized crash test: a run SIGKILLed at a random moment, then rerun, must end with exactly the
 * output of a run that was never interrupted.
 *
 * A generated corpus (gzip JSONL with planted exact and near duplicates, short documents and
 * email addresses) goes through length, exact_dedup, minhash_dedup, redact and tokenize into small
 * Parquet shards, via the CLI with two workers, as a user would run it. Two uninterrupted runs give
 * the reference, and must agree with each other first. Each trial then starts a fresh output
 * directory and kills the whole process group at a moment aimed at one phase: the trials are spread
 * evenly over the reference run's timeline of moments (startup, each phase, finalize), each with a delay
 * drawn uniformly inside it, so short phases (the dedup steps, finalize) are hit as often as long
 * ones; where the kill really landed is read from the markers and shown in the table. It sometimes
 * kills the rerun too, reruns to completion and compares shard files (name and sha256), the
 * manifest's shard list, the ledger and the multiset of reject records with the reference.
 *
 * Kill times come from a seeded generator (SLUICE_CRASH_SEED or --seed); where a kill lands also
 * depends on the machine's speed, so a seed reproduces the delays, not always the phase.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { closeSync, openSync, rmSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { mulberry32 } from '../../src/core/random.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import { fileDigest } from '../../src/io/fingerprint.js';
import type { ManifestShard } from '../../src/runner/finalize.js';
import { median } from './median.js';
import { builtCli } from './repo-root.js';
import { renderRows } from './report.js';
import type { BenchRow } from './types.js';

export interface CrashBenchOptions {
  trials: number;
  seed: number;
  docs: number;
  files: number;
  workers: number;
  /** Chance that the first rerun is killed too before the final uninterrupted one. */
  rerunKillChance: number;
  workDir: string;
}

/** 8 trials keep plain `make bench` to a few minutes; --full (and `make crash-test`) runs 50. */
export function crashBenchDefaults(full: boolean, seedFlag?: string): CrashBenchOptions {
  const trialsEnv = process.env['SLUICE_CRASH_TRIALS'];
  return {
    trials: trialsEnv ? nonNegativeInt(trialsEnv, 'SLUICE_CRASH_TRIALS') : full ? 50 : 8,
    seed: seedOf(seedFlag ?? process.env['SLUICE_CRASH_SEED']),
    docs: 4000,
    files: 4,
    workers: 2,
    rerunKillChance: 0.3,
    workDir: join(tmpdir(), `sluice-bench-crash-${process.pid}`),
  };
}

function nonNegativeInt(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer (got "${text}")`);
  return n;
}

function seedOf(text: string | undefined): number {
  return text === undefined || text === '' ? randomInt(2 ** 31) : nonNegativeInt(text, 'the crash seed') >>> 0;
}

// ---------------------------------------------------------------------------------------------
// corpus and pipeline

/** Fixed, so every seed tests the same corpus and the figures stay comparable between runs. */
const CORPUS_SEED = 0x5eed_c0de;
const SYLLABLES = 'ka lo mi ne ru ta shi po an el or is um ver dal tri sen gor fa lin mar ost pel qua ri de so na vu zen'.split(' ');
const MIN_CHARS = 200;

export interface CorpusCounts {
  docs: number;
  exact: number;
  near: number;
  short: number;
  withEmail: number;
  badLines: number;
}

/**
 * Documents of random words from a 3,000-word vocabulary (unrelated documents share no 5-grams),
 * with a share of exact copies (some differing only in case and spacing, which `simple`
 * normalization folds), near copies (about 2% of words replaced), documents under MIN_CHARS, and
 * email addresses for redact. Copies point at earlier documents of any file, so duplicates cross
 * task boundaries. One malformed line gives the reader a reject too.
 */
export async function writeCorpus(dir: string, docs: number, files: number): Promise<CorpusCounts> {
  const random = mulberry32(CORPUS_SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const vocabulary = new Set<string>();
  while (vocabulary.size < 3000) {
    let word = '';
    for (let n = 1 + Math.floor(random() * 3); n > 0; n--) word += pick(SYLLABLES);
    vocabulary.add(word);
  }
  const words = [...vocabulary];
  const email = (): string => `${pick(words)}.${pick(words)}@${pick(words)}.example.org`;
  const originals: string[][] = [];
  const lines: string[][] = Array.from({ length: files }, () => []);
  const counts: CorpusCounts = { docs, exact: 0, near: 0, short: 0, withEmail: 0, badLines: 1 };
  for (let i = 0; i < docs; i++) {
    const u = random();
    let text: string;
    if (u < 0.07 && originals.length > 0) {
      const base = pick(originals).join(' ');
      text = random() < 0.5 ? base : `  ${base.toUpperCase()} `;
      counts.exact++;
    } else if (u < 0.15 && originals.length > 0) {
      const copy = [...pick(originals)];
      for (let edits = Math.max(2, Math.round(copy.length * 0.02)); edits > 0; edits--) copy[Math.floor(random() * copy.length)] = pick(words);
      text = copy.join(' ');
      counts.near++;
    } else if (u < 0.2) {
      const short: string[] = [];
      for (let n = 3 + Math.floor(random() * 12); n > 0; n--) short.push(pick(words));
      text = short.join(' ').slice(0, MIN_CHARS - 1);
      counts.short++;
    } else {
      const doc: string[] = [];
      for (let n = 150 + Math.floor(random() * 200); n > 0; n--) doc.push(pick(words));
      if (random() < 0.15) {
        doc.splice(Math.floor(random() * doc.length), 0, `contact ${email()} today`);
        counts.withEmail++;
      }
      originals.push(doc);
      text = doc.join(' ');
    }
    const id = `doc-${String(i).padStart(6, '0')}`;
    lines[i % files]!.push(JSON.stringify({ id, text, url: `https://example.org/${id}` }));
  }
  lines[0]!.splice(Math.floor(lines[0]!.length / 2), 0, '{"id": "broken-line", "text": ');
  await mkdir(dir, { recursive: true });
  for (const [f, fileLines] of lines.entries()) {
    await writeFile(join(dir, `part-${String(f).padStart(3, '0')}.jsonl.gz`), gzipSync(fileLines.join('\n') + '\n'));
  }
  return counts;
}

export function crashPipelineYaml(corpusDir: string, placeholderOut: string): string {
  return [
    'name: crash-test',
    'description: every phase kind (docs, exact and MinHash dedup steps, finalize) for the crash test',
    'inputs:',
    '  - reader: jsonl',
    `    paths: [${JSON.stringify(join(corpusDir, '*.jsonl.gz'))}]`,
    '    source: web',
    'stages:',
    `  - length: {min_chars: ${MIN_CHARS}}`,
    '  - exact_dedup: {normalize: simple}',
    '  - minhash_dedup: {shingle: word, ngram: 5, bands: 14, rows: 8, keep: smallest_id}',
    '  - redact: {}',
    '  - tokenize: {tokenizer: cl100k_base}',
    'output:',
    `  dir: ${JSON.stringify(placeholderOut)}`,
    // small shards so every task writes several and a kill can land between two of them
    '  shard_bytes: 256KiB',
    '  compression: zstd',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// running and killing the CLI

interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  /** Wall clock at the start, to place the output's file times on the run's timeline. */
  startedAtMs: number;
}

interface RunHandle {
  pid: number;
  exit: Promise<RunExit>;
}

/** Process groups started here and not yet known dead: killed if the bench itself is stopped. */
const liveGroups = new Set<number>();

function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** `sluice run` as its own process group (detached), so one kill reaches the workers too. */
function startRun(pipeline: string, out: string, workers: number, logPath: string): RunHandle {
  const log = openSync(logPath, 'a');
  const startedAtMs = Date.now();
  const started = performance.now();
  const cli = builtCli();
  const child = spawn(process.execPath, [cli, 'run', pipeline, '--out', out, '--workers', String(workers)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, NO_COLOR: '1' },
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${cli}`);
  liveGroups.add(pid);
  const exit = new Promise<RunExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve({ code, signal, seconds: (performance.now() - started) / 1000, startedAtMs }));
  });
  return { pid, exit };
}

/** Waits until no process of the group is left, so a rerun never overlaps an orphaned worker. */
async function groupGone(pid: number): Promise<void> {
  for (let waited = 0; ; waited += 10) {
    try {
      process.kill(-pid, 0);
    } catch {
      liveGroups.delete(pid);
      return;
    }
    if (waited > 30_000) throw new Error(`process group ${pid} still alive 30 s after its leader exited`);
    await sleep(10);
  }
}

async function runToEnd(pipeline: string, out: string, workers: number, logPath: string): Promise<RunExit> {
  const run = startRun(pipeline, out, workers, logPath);
  const exit = await run.exit;
  await groupGone(run.pid);
  return exit;
}

/**
 * Kills the run's whole process group after `delayMs` unless it finished first. Returns the phase
 * the kill hit, or undefined when the run had already exited.
 */
async function killAfter(run: RunHandle, delayMs: number, out: string): Promise<string | undefined> {
  const timer = new AbortController();
  const outcome = await Promise.race([run.exit.then(() => 'exited' as const), sleep(delayMs, 'due' as const, { signal: timer.signal }).catch(() => 'exited' as const)]);
  timer.abort();
  if (outcome === 'due') {
    try {
      process.kill(-run.pid, 'SIGKILL');
    } catch {
      // the group ended between the timer and the kill
    }
  }
  const exit = await run.exit;
  await groupGone(run.pid);
  // a run that exited on its own just before the timer counts as finished, not killed
  return exit.signal === 'SIGKILL' ? phaseAtKill(out) : undefined;
}

/**
 * Which phase was running, from the task markers on disk once every process is dead: the first
 * phase of the plan with a missing marker; `startup` before the plan exists; `finalize` when
 * every marker exists but manifest.json does not; `after manifest` when only the exit was left.
 */
export async function phaseAtKill(out: string): Promise<string> {
  let plan: { phases: { id: string; tasks: number }[] };
  try {
    plan = JSON.parse(await readFile(join(out, '.sluice', 'plan.json'), 'utf8')) as typeof plan;
  } catch {
    return 'startup';
  }
  for (const phase of plan.phases) {
    const names = await readdir(join(out, '.sluice', 'tasks', phase.id)).catch((): string[] => []);
    // markers are renamed into place, so a half-written one is a hidden temp name and not counted
    if (names.filter((n) => /^\d+\.json$/.test(n)).length < phase.tasks) return phase.id;
  }
  return (await exists(join(out, 'manifest.json'))) ? 'after manifest' : 'finalize';
}

/**
 * Seconds of a finished run's wall time spent in each of the moments phaseAtKill names, from the
 * times its plan, markers and manifest were written: what share of uniform kills each can expect.
 */
async function phaseDurations(out: string, run: RunExit): Promise<Map<string, number>> {
  const writtenAt = async (path: string): Promise<number> => ((await stat(path)).mtimeMs - run.startedAtMs) / 1000;
  const plan = JSON.parse(await readFile(join(out, '.sluice', 'plan.json'), 'utf8')) as { phases: { id: string }[] };
  const durations = new Map<string, number>();
  let previousEnd = await writtenAt(join(out, '.sluice', 'plan.json'));
  durations.set('startup', previousEnd);
  for (const { id } of plan.phases) {
    const dir = join(out, '.sluice', 'tasks', id);
    const markers = (await readdir(dir)).filter((n) => /^\d+\.json$/.test(n));
    const end = Math.max(...(await Promise.all(markers.map((n) => writtenAt(join(dir, n))))));
    durations.set(id, end - previousEnd);
    previousEnd = end;
  }
  const manifestAt = await writtenAt(join(out, 'manifest.json'));
  durations.set('finalize', manifestAt - previousEnd);
  durations.set('after manifest', run.seconds - manifestAt);
  return durations;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// what an output is, for comparison

export interface OutputSnapshot {
  /** Every file under shards/ (hidden leftovers included), relative path -> sha256. */
  shardFiles: Map<string, string>;
  manifestShards: ManifestShard[];
  ledger: Record<string, unknown>;
  /** `stage \t reason \t id` -> how many reject records carry it. */
  rejects: Map<string, number>;
  /** Every file under rejects/, so a stray temp file or a duplicated task file shows up. */
  rejectFiles: string[];
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

export async function snapshotOutput(out: string): Promise<OutputSnapshot> {
  const shardFiles = new Map<string, string>();
  for (const name of await filesUnder(join(out, 'shards'))) {
    shardFiles.set(name, (await fileDigest(join(out, 'shards', name))).sha256);
  }
  const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { shards: ManifestShard[] };
  const stats = JSON.parse(await readFile(join(out, 'stats.json'), 'utf8')) as { ledger: Record<string, unknown> };
  const rejectFiles = await filesUnder(join(out, 'rejects'));
  const rejects = new Map<string, number>();
  for (const name of rejectFiles) {
    // hidden names are writers' temp files: listed (a finished run has none) but not parsed
    if (name.split('/').some((part) => part.startsWith('.'))) continue;
    for await (const r of readJsonl<{ stage: string; reason: string; id: string }>(join(out, 'rejects', name))) {
      const key = `${r.stage}\t${r.reason}\t${r.id}`;
      rejects.set(key, (rejects.get(key) ?? 0) + 1);
    }
  }
  return { shardFiles, manifestShards: manifest.shards, ledger: stats.ledger, rejects, rejectFiles };
}

/** JSON with sorted keys, so equal objects written in another key order compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

const SHOWN = 5;

function listed(items: string[]): string {
  return items.slice(0, SHOWN).join(', ') + (items.length > SHOWN ? `, ... (${items.length} in all)` : '');
}

/** Differences between two outputs, one line each; empty when they are the same. */
export function compareOutputs(want: OutputSnapshot, got: OutputSnapshot): string[] {
  const diffs: string[] = [];
  const missing = [...want.shardFiles.keys()].filter((n) => !got.shardFiles.has(n));
  const extra = [...got.shardFiles.keys()].filter((n) => !want.shardFiles.has(n));
  const changed = [...want.shardFiles].filter(([n, sha]) => got.shardFiles.has(n) && got.shardFiles.get(n) !== sha).map(([n]) => n);
  if (missing.length) diffs.push(`shards missing: ${listed(missing)}`);
  if (extra.length) diffs.push(`shards extra: ${listed(extra)}`);
  if (changed.length) diffs.push(`shards with another sha256: ${listed(changed)}`);
  if (canonical(want.manifestShards) !== canonical(got.manifestShards)) {
    const wantByPath = new Map(want.manifestShards.map((s) => [s.path, canonical(s)]));
    const differing = got.manifestShards.filter((s) => wantByPath.get(s.path) !== canonical(s)).map((s) => s.path);
    diffs.push(`manifest shards differ (${want.manifestShards.length} vs ${got.manifestShards.length} entries; differing: ${listed(differing) || 'order only'})`);
  }
  if (canonical(want.ledger) !== canonical(got.ledger)) diffs.push(`ledger ${canonical(want.ledger)} vs ${canonical(got.ledger)}`);
  const rejectKeys = new Set([...want.rejects.keys(), ...got.rejects.keys()]);
  const rejectDiffs = [...rejectKeys].filter((k) => want.rejects.get(k) !== got.rejects.get(k)).map((k) => `${k.replace(/\t/g, '/')} x${want.rejects.get(k) ?? 0} vs x${got.rejects.get(k) ?? 0}`);
  if (rejectDiffs.length) diffs.push(`reject records differ: ${listed(rejectDiffs)}`);
  if (canonical(want.rejectFiles) !== canonical(got.rejectFiles)) {
    const wantFiles = new Set(want.rejectFiles);
    const gotFiles = new Set(got.rejectFiles);
    diffs.push(`reject files differ: missing ${listed(want.rejectFiles.filter((f) => !gotFiles.has(f))) || 'none'}; extra ${listed(got.rejectFiles.filter((f) => !wantFiles.has(f))) || 'none'}`);
  }
  return diffs;
}

// ---------------------------------------------------------------------------------------------
// the trials

interface KillAttempt {
  delaySeconds: number;
  /** The phase the kill hit; undefined when the run finished before the delay. */
  phase: string | undefined;
}

interface TrialResult {
  /** From 1. */
  trial: number;
  /** One or two, in order. */
  attempts: KillAttempt[];
  /** Seconds of the final, uninterrupted rerun. */
  rerunSeconds: number;
  diffs: string[];
  dir: string;
}

function describeAttempts(attempts: KillAttempt[]): string {
  return attempts.map((a) => (a.phase === undefined ? `finished before the kill at ${a.delaySeconds.toFixed(1)} s` : `killed at ${a.delaySeconds.toFixed(1)} s in ${a.phase}`)).join(', then rerun ');
}

/** One independent generator per trial, so trial k's delays do not depend on the trials before it. */
function trialRandom(seed: number, trial: number): () => number {
  return mulberry32((seed ^ Math.imul(trial, 0x9e3779b1)) >>> 0);
}

/** The reference run's moments as [start, end) seconds, in order: where a trial aims its kill. */
function killWindows(durations: Map<string, number>): { name: string; start: number; end: number }[] {
  const windows: { name: string; start: number; end: number }[] = [];
  let t = 0;
  for (const [name, seconds] of durations) {
    windows.push({ name, start: t, end: t + Math.max(seconds, 0) });
    t += Math.max(seconds, 0);
  }
  return windows;
}

async function runTrial(trial: number, o: CrashBenchOptions, pipeline: string, referenceSeconds: number, windows: { start: number; end: number }[], reference: OutputSnapshot): Promise<TrialResult> {
  const random = trialRandom(o.seed, trial);
  // drawn up front, in a fixed order, so a seed always names the same delays
  // trials spread evenly over the moments: 8 trials still reach the late phases
  const aim = windows[Math.floor(((trial - 1) * windows.length) / o.trials) % windows.length]!;
  const firstDelayMs = (aim.start + random() * (aim.end - aim.start)) * 1000;
  const killRerun = random() < o.rerunKillChance;
  const rerunDelayMs = random() * referenceSeconds * 1000;

  const dir = join(o.workDir, `trial-${String(trial).padStart(3, '0')}`);
  const out = join(dir, 'out');
  await mkdir(dir, { recursive: true });
  const logPath = join(dir, 'runs.log');
  const result: TrialResult = { trial, attempts: [], rerunSeconds: 0, diffs: [], dir };

  for (const delayMs of killRerun ? [firstDelayMs, rerunDelayMs] : [firstDelayMs]) {
    const phase = await killAfter(startRun(pipeline, out, o.workers, logPath), delayMs, out);
    result.attempts.push({ delaySeconds: delayMs / 1000, phase });
  }
  const final = await runToEnd(pipeline, out, o.workers, logPath);
  result.rerunSeconds = final.seconds;
  if (final.code !== 0) {
    const tail = (await readFile(logPath, 'utf8')).trim().split('\n').slice(-6).join('\n    ');
    result.diffs.push(`final rerun exited with ${final.signal ?? `code ${final.code}`}; log tail:\n    ${tail}`);
    return result;
  }
  try {
    result.diffs.push(...compareOutputs(reference, await snapshotOutput(out)));
  } catch (err) {
    result.diffs.push(`output unreadable: ${err instanceof Error ? err.message : String(err)}`);
  }
  return result;
}

export async function benchCrash(o: CrashBenchOptions): Promise<BenchRow[]> {
  let keepWorkDir = false;
  // the runs are detached, so an interrupted bench must kill them itself
  const stopBench = (): void => {
    killLiveGroups();
    if (!keepWorkDir) rmSync(o.workDir, { recursive: true, force: true });
    process.exit(130);
  };
  process.on('exit', killLiveGroups);
  process.once('SIGINT', stopBench);
  process.once('SIGTERM', stopBench);
  try {
    process.stderr.write(`crash: seed ${o.seed} (SLUICE_CRASH_SEED=${o.seed} or --seed ${o.seed} repeats the kill delays), ${o.trials} trials, work dir ${o.workDir}\n`);
    const corpusDir = join(o.workDir, 'corpus');
    const corpus = await writeCorpus(corpusDir, o.docs, o.files);
    const pipeline = join(o.workDir, 'crash.yaml');
    await writeFile(pipeline, crashPipelineYaml(corpusDir, join(o.workDir, 'unused-out')));
    process.stderr.write(
      `crash: ${corpus.docs} docs in ${o.files} files: ${corpus.exact} exact and ${corpus.near} near copies, ${corpus.short} short, ${corpus.withEmail} with an email, ${corpus.badLines} malformed line\n`,
    );

    // two uninterrupted runs: the reference, and the proof that an uninterrupted run is reproducible
    const referenceRuns: RunExit[] = [];
    const referenceOutputs: OutputSnapshot[] = [];
    for (const name of ['reference-a', 'reference-b']) {
      const out = join(o.workDir, name);
      const exit = await runToEnd(pipeline, out, o.workers, join(o.workDir, `${name}.log`));
      if (exit.code !== 0) {
        keepWorkDir = true;
        throw new Error(`uninterrupted run ${name} exited with ${exit.signal ?? `code ${exit.code}`}: see ${join(o.workDir, `${name}.log`)}`);
      }
      referenceRuns.push(exit);
      referenceOutputs.push(await snapshotOutput(out));
    }
    const [reference, secondReference] = referenceOutputs as [OutputSnapshot, OutputSnapshot];
    const referenceDiffs = compareOutputs(reference, secondReference);
    if (referenceDiffs.length > 0) {
      keepWorkDir = true;
      throw new Error(`two uninterrupted runs differ, so a crash test cannot compare against either (outputs kept in ${o.workDir}):\n  ${referenceDiffs.join('\n  ')}`);
    }
    // the slower of the two: on a shared machine a run often takes longer than its best time, and
    // delays must reach the end of the run for the late phases (the last docs phase, finalize) to be hit
    const referenceSeconds = Math.max(...referenceRuns.map((r) => r.seconds));
    const referencePhases = await phaseDurations(join(o.workDir, 'reference-a'), referenceRuns[0]!);
    const windows = killWindows(referencePhases);
    const ledger = reference.ledger;
    const rejectsByStage = new Map<string, number>();
    for (const [key, n] of reference.rejects) {
      const stageReason = key.split('\t').slice(0, 2).join('/');
      rejectsByStage.set(stageReason, (rejectsByStage.get(stageReason) ?? 0) + n);
    }
    process.stderr.write(
      `crash: reference ${referenceRuns.map((r) => r.seconds.toFixed(1)).join(' s, ')} s; ${reference.shardFiles.size} shards, ledger ${canonical(ledger)}; rejects ${[...rejectsByStage].map(([k, n]) => `${k} ${n}`).join(', ')}; both runs identical\n`,
    );

    const results: TrialResult[] = [];
    const started = performance.now();
    for (let trial = 1; trial <= o.trials; trial++) {
      const r = await runTrial(trial, o, pipeline, referenceSeconds, windows, reference);
      results.push(r);
      process.stderr.write(
        `crash: trial ${trial}/${o.trials}: ${describeAttempts(r.attempts)}; rerun ${r.rerunSeconds.toFixed(1)} s; ${r.diffs.length === 0 ? 'identical' : `MISMATCH (kept ${r.dir})`}\n`,
      );
      for (const d of r.diffs) process.stderr.write(`    ${d}\n`);
      if (r.diffs.length === 0) await rm(r.dir, { recursive: true, force: true });
    }
    const trialSeconds = (performance.now() - started) / 1000;

    const failed = results.filter((r) => r.diffs.length > 0);
    const killsOf = (r: TrialResult): string[] => r.attempts.flatMap((a) => (a.phase === undefined ? [] : [a.phase]));
    const kills = results.flatMap(killsOf);
    const byPhase = new Map<string, number>();
    for (const phase of kills) byPhase.set(phase, (byPhase.get(phase) ?? 0) + 1);
    // phaseDurations lists the moments in run order: startup, the plan's phases, finalize, after manifest
    const phaseOrder = [...referencePhases.keys()];
    const planPhases = phaseOrder.length - 3;
    const seedNote = `seed ${o.seed}`;
    // a packed table: one row per line reads better than one value per line
    // prettier-ignore
    const rows: BenchRow[] = [
      { bench: 'crash', variant: 'reference', metric: 'wall time', value: referenceSeconds, unit: 's', note: `slower of 2 uninterrupted runs (${referenceRuns.map((r) => r.seconds.toFixed(1)).join(', ')} s), ${o.workers} workers; first kills aimed at each phase of reference-a in turn, rerun kills uniform in [0, this]` },
      { bench: 'crash', variant: 'reference', metric: 'documents', value: corpus.docs + corpus.badLines, unit: 'docs', note: `kept ${String(ledger['kept'])}, rejected ${String(ledger['rejected'])}, duplicates ${String(ledger['duplicates'])}` },
      { bench: 'crash', variant: 'reference', metric: 'shards', value: reference.shardFiles.size, unit: 'files', note: `${planPhases} phases` },
      { bench: 'crash', variant: 'trials', metric: 'trials', value: results.length, unit: 'runs', note: seedNote },
      { bench: 'crash', variant: 'trials', metric: 'kills', value: kills.length, unit: 'kills', note: `${results.filter((r) => killsOf(r).length === 2).length} trials killed twice, ${results.flatMap((r) => r.attempts).filter((a) => a.phase === undefined).length} runs finished before their kill` },
      ...phaseOrder.map(
        (phase): BenchRow => ({
          bench: 'crash',
          variant: 'kills by phase',
          metric: phase,
          value: byPhase.get(phase) ?? 0,
          unit: 'kills',
          note: `${referencePhases.get(phase)!.toFixed(2)} s of reference-a's ${referenceRuns[0]!.seconds.toFixed(1)} s`,
        }),
      ),
      { bench: 'crash', variant: 'trials', metric: 'identical outputs', value: results.length - failed.length, unit: 'runs' },
      { bench: 'crash', variant: 'trials', metric: 'mismatches', value: failed.length, unit: 'runs', note: 'must be 0' },
      { bench: 'crash', variant: 'trials', metric: 'median rerun time', value: results.length > 0 ? median(results.map((r) => r.rerunSeconds)) : 0, unit: 's', note: 'final, uninterrupted rerun' },
      { bench: 'crash', variant: 'trials', metric: 'wall time', value: trialSeconds, unit: 's' },
    ];
    if (failed.length > 0) {
      keepWorkDir = true;
      process.stderr.write(renderRows(rows) + '\n');
      const summary = failed.map((r) => `  trial ${r.trial} (${describeAttempts(r.attempts)}): ${r.dir}\n    ${r.diffs.join('\n    ')}`).join('\n');
      throw new Error(`${failed.length} of ${results.length} crash trials did not reproduce the reference (seed ${o.seed}; reference outputs in ${o.workDir}):\n${summary}`);
    }
    return rows;
  } finally {
    killLiveGroups();
    process.off('exit', killLiveGroups);
    process.off('SIGINT', stopBench);
    process.off('SIGTERM', stopBench);
    if (!keepWorkDir) await rm(o.workDir, { recursive: true, force: true });
  }
}

/**
 * The whole pipeline as a user runs it (issue 15): `sluice run` of the built CLI over web-like
 * JSONL, the filters alone and the full chain (filters, exact and MinHash dedup, redaction, cl100k
 * tokenization), with 1 and 2 workers. Reports wall and CPU time of the run and its workers, MB/s
 * per core, the 2-worker scaling, peak RSS per worker and seconds per phase, next to a prediction:
 * the same stages run in one process over documents already in memory, without reader, spills or
 * writer (the stages' own cost). The gap between the two is what the runner adds.
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import { compress } from 'zstd-napi';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder, tasksCpuSeconds, type PhaseTime } from '../../src/core/stats.js';
import { stages } from '../../src/registry-loaded.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { appendStage, fuseBarriers, type Segment } from '../../src/runner/pipeline.js';
import { laneJitFlags } from '../../src/runner/jit-budget.js';
import { DEFAULT_SPLIT_BYTES } from '../../src/runner/plan.js';
import { ensureWebCorpus, type CorpusStats } from './filters-corpus.js';
import { scalingRows } from './scaling.js';
import { WARM_TASKS, isStepPhase, tasksOf, warmupCpu, type TaskFigures } from './steady-state.js';
import { isolated } from './isolate.js';
import { median } from './median.js';
import { benchContext, fromArray } from './stage-harness.js';
import { REPO_ROOT, builtCli } from './repo-root.js';
import type { BenchRow } from './types.js';

type Step = [name: string, params: Record<string, unknown>];

/** The two pipelines of issue 15, in the order a web pipeline runs them. */
export const CHAINS: Record<string, Step[]> = {
  filters: [
    ['gopher_repetition', {}],
    ['gopher_quality', {}],
    ['c4', {}],
    ['fineweb', {}],
  ],
  full: [
    ['length', { min_chars: 50 }],
    ['gopher_repetition', {}],
    ['gopher_quality', {}],
    ['c4', {}],
    ['fineweb', {}],
    ['exact_dedup', {}],
    ['minhash_dedup', {}],
    ['redact', {}],
    ['tokenize', { tokenizer: 'cl100k_base' }],
  ],
};

export interface EndToEndOptions {
  mb: number;
  /**
   * Also this larger corpus (the same generator), 1 and 2 workers and the stages alone: what a
   * process pays once (start-up, JIT warm-up, the leader's plan and merge) weighs less there, so
   * the rows show how the figures move with input size.
   */
  scaleMb?: number;
  /**
   * Also the filters over a corpus this large, 1 and 2 workers only (no stages alone, no ceiling):
   * what each process pays once weighs less there, so the 2-worker rows show the runner's
   * speed-up in a run long enough to amortise it.
   */
  speedUpMb?: number;
  workers?: number[];
  /** Another checkout's built CLI, run beside this one on the same corpus (before/after rows). */
  baseline?: string;
  /**
   * Runs of each command, alternated with the baseline's (its first in odd rounds, this build's in
   * even ones); the rows give the median wall and the median CPU time. Default 1.
   */
  rounds?: number;
}

interface RunFigures {
  wall: number;
  cpu: number;
  maxWorkerRssMb: number;
  phases: PhaseTime[];
  kept: number;
  /** stats.json's input_bytes (absent from a baseline that predates it). */
  inputBytes?: number;
  /** Each task's CPU time, from the markers (a baseline from before `cpu_seconds` has none). */
  tasks: TaskFigures[];
}

interface StageOnly {
  cpu: number;
  wall: number;
  mb: number;
  docs: number;
  /** Documents the stages let through: a run of the same chain keeps as many. */
  kept: number;
}

function yamlOf(name: string, corpus: string, out: string, chain: Step[], splitBytes?: number): string {
  const stagesYaml = chain.map(([stage, params]) => `  - ${stage}: ${JSON.stringify(params)}`).join('\n');
  const runner = splitBytes === undefined ? '' : `runner:\n  split_bytes: ${splitBytes}\n`;
  return `name: bench-e2e-${name}\ninputs:\n  - reader: jsonl\n    paths: ["${corpus}"]\n    source: web\nstages:\n${stagesYaml}\n${runner}output:\n  dir: ${out}\n`;
}

/** Wall and CPU time of a command: bash's `times` prints the shell's children's CPU time, the command's and every process it reaped (a run's workers). */
function timeCommand(argv: string[]): Promise<{ wall: number; cpu: number }> {
  const quoted = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('bash', ['-c', `${quoted} >/dev/null 2>"$SLUICE_E2E_LOG" || exit $?; times`], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NO_COLOR: '1', SLUICE_E2E_LOG: join(tmpdir(), `sluice-e2e-${process.pid}.log`) },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => {
      const wall = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`${argv.join(' ')} exited ${code} (log: ${join(tmpdir(), `sluice-e2e-${process.pid}.log`)})`));
      // second line: children's user and system time, e.g. "0m12.345s 0m1.234s"
      const children = out.trim().split('\n')[1] ?? '';
      const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      resolve({ wall, cpu: secs.reduce((a, b) => a + b, 0) });
    });
  });
}

function runCli(cli: string, args: string[], nodeFlags: readonly string[] = []): Promise<{ wall: number; cpu: number }> {
  return timeCommand([process.execPath, ...nodeFlags, cli, ...args]);
}

/** Median CPU seconds of `runs` starts of a command (start-up costs are small and noisy). */
async function startupCpu(argv: string[], runs = 5): Promise<number> {
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) cpu.push((await timeCommand(argv)).cpu);
  return median(cpu);
}

/** User and system seconds a live process has used so far (Linux /proc; undefined elsewhere). */
function processCpu(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * What each further lane of `--workers N` costs before its first task: a worker process forked
 * as the local executor forks it, for the finished run in `out`, from the fork until it reports
 * ready (modules, pipeline and stages loaded, plan checked). Median of `runs`; CPU at ready from
 * /proc (clock ticks of 10 ms), all its threads.
 */
async function workerStartup(out: string, runs = 5): Promise<{ wall: number; cpu: number | undefined }> {
  const plan = JSON.parse(readFileSync(join(out, '.sluice', 'plan.json'), 'utf8')) as { world: number };
  const init = JSON.stringify({ pipeline: { file: `${out}.yaml` }, out, world: plan.world, strict: false });
  const module = join(dirname(builtCli()), '..', 'runner', 'worker-main.js');
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = fork(module, [init], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.on('message', (m: { type: string }) => {
        if (m.type === 'ready') resolve();
      });
      child.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready (${out})`)));
    });
    walls.push((performance.now() - started) / 1000);
    const cpu = child.pid === undefined ? undefined : processCpu(child.pid);
    if (cpu !== undefined) cpus.push(cpu);
    child.send({ type: 'exit' });
    await exited;
  }
  return { wall: median(walls), cpu: cpus.length === runs ? median(cpus) : undefined };
}

/**
 * What importing each package of src/vendor/ costs a new process, as installed (one ES module per
 * file) and as the bundle the build writes to dist/vendor/: CPU of `node -e import(...)` less that
 * of `node -e 0`, median of 5 each.
 */
async function vendorImportRows(nodeAlone: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const vendorDir = join(dirname(builtCli()), '..', 'vendor');
  for (const file of readdirSync(join(REPO_ROOT, 'src', 'vendor')).filter((f) => f.endsWith('.ts'))) {
    const name = file.slice(0, -'.ts'.length);
    const importing = (specifier: string): Promise<number> => startupCpu([process.execPath, '--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`]);
    // resolved here, as the sources resolve it, so the command runs from any directory
    const installed = (await importing(import.meta.resolve(name))) - nodeAlone;
    const bundled = (await importing(pathToFileURL(join(vendorDir, `${name}.js`)).href)) - nodeAlone;
    const variant = `start-up: import ${name}`;
    const note = 'CPU of a new process less node -e 0; median of 5';
    rows.push({ bench: 'e2e', variant: `${variant}, as installed`, metric: 'CPU time', value: installed, unit: 's', note });
    rows.push({ bench: 'e2e', variant: `${variant}, bundled (dist/vendor)`, metric: 'CPU time', value: bundled, unit: 's', note });
  }
  return rows;
}

/** What starting a command costs before it does any work, against Node itself; `out` is a finished run to read, `fullOut` one of the full chain. */
async function startupRows(out: string, fullOut: string): Promise<BenchRow[]> {
  const cli = builtCli();
  const node = await startupCpu([process.execPath, '-e', '0']);
  const rows: BenchRow[] = [{ bench: 'e2e', variant: 'start-up: node -e 0', metric: 'CPU time', value: node, unit: 's', note: 'median of 5' }];
  for (const [what, args] of [
    ['sluice --help', ['--help']],
    ['sluice stats OUT', ['stats', out]],
    ['sluice verify OUT', ['verify', out]],
  ] as const) {
    const cpu = await startupCpu([process.execPath, cli, ...args]);
    rows.push({ bench: 'e2e', variant: `start-up: ${what}`, metric: 'CPU time', value: cpu, unit: 's', note: what === 'sluice --help' ? 'median of 5; target < 0.3 s' : 'median of 5' });
  }
  rows.push(...(await vendorImportRows(node)));
  const worker = await workerStartup(fullOut);
  const variant = 'start-up: a worker of the full chain, fork to ready';
  const note = 'median of 5; what each lane past the first pays before its first task';
  rows.push({ bench: 'e2e', variant, metric: 'wall', value: worker.wall, unit: 's', note });
  if (worker.cpu !== undefined) rows.push({ bench: 'e2e', variant, metric: 'CPU time', value: worker.cpu, unit: 's', note: `${note}; all its threads` });
  return rows;
}

async function runPipelineCli(
  cli: string,
  tag: string,
  name: string,
  corpus: string,
  chain: Step[],
  workers: number,
  root: string,
  splitBytes?: number,
  nodeFlags: readonly string[] = [],
): Promise<RunFigures> {
  const out = join(root, `${name}-w${workers}${tag}`);
  const file = `${out}.yaml`;
  writeFileSync(file, yamlOf(name, corpus, out, chain, splitBytes));
  const { wall, cpu } = await runCli(cli, ['run', file, '--out', out, '--workers', String(workers), '--fresh'], nodeFlags);
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
  const tasks = tasksOf(out);
  const maxWorkerRssMb = Math.max(0, ...tasks.map((t) => t.peakRssMb));
  return { wall, cpu, maxWorkerRssMb, phases: stats.tasks, kept: stats.ledger.kept, ...(stats.input_bytes === undefined ? {} : { inputBytes: stats.input_bytes }), tasks };
}

/**
 * Child side: the chain's stages in this process over documents in memory, chained as a run
 * chains them: the stream stages of a segment and the collect of the barriers that end it in one
 * pass over the documents (one document through every stage before the next, so the filters
 * share one tokenization of each text, as in a run), the barriers' steps, then the next segment
 * from their apply. Consecutive barriers collect in one pass as the runner fuses them
 * (`fuseBarriers`).
 */
export async function stagesOnly(args: { corpus: string; chain: string }): Promise<StageOnly> {
  const chain = CHAINS[args.chain]!;
  const rows = readFileSync(args.corpus, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; text: string; url: string });
  let bytes = 0;
  for (const r of rows) bytes += Buffer.byteLength(r.text);
  let docs: Doc[] = rows.map((r) => ({ id: r.id, text: r.text, source: 'web', meta: { url: r.url } }));
  const work = join(tmpdir(), `sluice-e2e-stages-${process.pid}`);
  const stats = new StatsRecorder();
  // built before the clock starts: vocabularies and models load once per worker in a run too
  const segments: Segment[] = [{ stages: [], barriers: [] }];
  for (const [k, [name, params]] of chain.entries()) {
    const def = stages[name]!;
    const workDir = join(work, `${k}-${name}`);
    mkdirSync(workDir, { recursive: true });
    appendStage(segments, name, await def.build(def.params.parse(params), { workDir, world: 1, configDir: process.cwd(), log: silentLogger }));
  }
  const pipeline = fuseBarriers({ segments, manifest: {} });
  globalThis.gc?.();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  try {
    for (const [k, segment] of pipeline.segments.entries()) {
      let stream: AsyncIterable<Doc> = fromArray(docs);
      if (k > 0) for (const { id, barrier } of pipeline.segments[k - 1]!.barriers) stream = barrier.apply(stream, benchContext(stats, id));
      for (const stage of segment.stages) stream = stage.run(stream, benchContext(stats, stage.id));
      for (const { id, barrier } of segment.barriers) stream = barrier.collect(stream, benchContext(stats, id));
      const out: Doc[] = [];
      for await (const d of stream) out.push(d);
      docs = out;
      for (const { id, barrier } of segment.barriers) {
        for (const step of barrier.steps) {
          const tasks = step.tasks(1);
          for (let rank = 0; rank < tasks; rank++) await step.run(rank, tasks, { signal: new AbortController().signal, log: silentLogger, stats: stats.stage(id) });
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const cpu = process.cpuUsage(c0);
  return { cpu: (cpu.user + cpu.system) / 1e6, wall: (performance.now() - t0) / 1000, mb: bytes / 1e6, docs: rows.length, kept: docs.length };
}

/** The corpus cut in two at the line start nearest its middle, written once per corpus (both chains read them). */
function halvesOf(corpus: string, root: string): [string, string] {
  const stem = basename(corpus).replace(/\.jsonl$/, '');
  const halves: [string, string] = [join(root, `${stem}-half-1.jsonl`), join(root, `${stem}-half-2.jsonl`)];
  if (existsSync(halves[1])) return halves;
  const text = readFileSync(corpus);
  const cut = text.indexOf(10, text.length >> 1) + 1;
  writeFileSync(halves[0], text.subarray(0, cut));
  writeFileSync(halves[1], text.subarray(cut));
  return halves;
}

/** One round of the ceiling's measurements (`ceilingRound`). */
interface CeilingRound {
  /** The stages in one process over the whole corpus: the `stages alone` rows' run of this round. */
  whole: StageOnly;
  /** Summed CPU of the two processes over the halves at once. */
  two: number;
  /** Wall of the one process against the slower of the two. */
  wallRatio: number;
  /** The first half's CPU in the pair against the same half alone. */
  contention: number;
}

/**
 * The most two processes can give on this corpus, whatever the runner does: the stages alone (as
 * in the "stages alone" row) in one process over the whole corpus, then in two processes at once
 * over its two halves. Two processes each compile and warm up the same code and build the same
 * tables, so their summed CPU time exceeds one process's; the runner's 2-worker rows pay that
 * too, plus each process's start-up, reader, spills and writer. Dedup over halves finds only the
 * duplicates within each half, a small change in its work. The two processes get the V8 flags a
 * 2-worker run gives its lanes here (runner/jit-budget.ts), the one process those of a 1-worker
 * run, as in the runner's rows.
 *
 * The first half also runs alone with the lanes' flags, so the round says what the machine itself
 * takes when both cores are busy: the same half's CPU time two at once against alone. On a machine
 * whose cores do not slow each other it is 1.00; on this VM (no steal time reported, vCPUs on host
 * cores that other jobs share) it moves with the host's load.
 */
async function ceilingRound(name: string, corpus: string, halves: [string, string]): Promise<CeilingRound> {
  const lanes = laneJitFlags(2);
  const one = (await isolated<StageOnly>('./end-to-end.js', 'stagesOnly', { corpus, chain: name })).value;
  const two = (await Promise.all(halves.map((half) => isolated<StageOnly>('./end-to-end.js', 'stagesOnly', { corpus: half, chain: name }, lanes)))).map((r) => r.value);
  const alone = (await isolated<StageOnly>('./end-to-end.js', 'stagesOnly', { corpus: halves[0], chain: name }, lanes)).value;
  return { whole: one, two: two[0]!.cpu + two[1]!.cpu, wallRatio: one.wall / Math.max(two[0]!.wall, two[1]!.wall), contention: two[0]!.cpu / alone.cpu };
}

/** The ceiling's rows from its rounds (medians); `cpuRatio` is the median CPU-time-normalised speed-up. */
function ceilingRows(name: string, size: string, taken: CeilingRound[]): { rows: BenchRow[]; cpuRatio: number } {
  const variant = `${name}${size}, stages alone, 2 processes over halves / 1`;
  const of = taken.length > 1 ? `; median of ${taken.length}` : '';
  const cpuRatio = median(taken.map((r) => (2 * r.whole.cpu) / r.two));
  const contention = taken.map((r) => r.contention);
  return {
    cpuRatio,
    rows: [
      {
        bench: 'e2e',
        variant,
        metric: 'speed-up (CPU-time-normalised)',
        value: cpuRatio,
        unit: 'x',
        note: `${median(taken.map((r) => r.whole.cpu)).toFixed(1)} s CPU in one process, ${median(taken.map((r) => r.two)).toFixed(1)} s in two${of}: the ceiling of the 2-worker rows on this corpus`,
      },
      { bench: 'e2e', variant, metric: 'speed-up (wall)', value: median(taken.map((r) => r.wallRatio)), unit: 'x', note: `both halves at once on this machine${of}` },
      {
        bench: 'e2e',
        variant: `${name}${size}, the machine: a half's stages, two processes at once / one alone`,
        metric: 'CPU time ratio',
        value: median(contention),
        unit: 'x',
        note: `1.00 where busy cores do not slow each other${taken.length > 1 ? `; rounds: ${contention.map((c) => c.toFixed(2)).join(', ')}` : ''}`,
      },
    ],
  };
}

/**
 * A 1-worker run's CPU split three ways (steady-state.ts): the leader outside tasks, the JIT
 * warm-up of each docs phase's first tasks, and the steady rate the later tasks reach. No rows
 * when a docs phase has too few tasks to tell them apart (the 10 MB corpus).
 */
function steadyRows(variant: string, r: RunFigures, mb: number): BenchRow[] {
  const warmup = warmupCpu(r.tasks);
  const tasksCpu = tasksCpuSeconds(r.phases);
  if (warmup === undefined || tasksCpu === undefined) return [];
  const steadyCpu = tasksCpu - warmup;
  return [
    { bench: 'e2e', variant, metric: 'CPU outside tasks (leader: start-up, plan, merge)', value: r.cpu - tasksCpu, unit: 's', note: `of the run's ${r.cpu.toFixed(1)} s` },
    {
      bench: 'e2e',
      variant,
      metric: 'JIT warm-up inside tasks (CPU)',
      value: warmup,
      unit: 's',
      note: `the first ${WARM_TASKS} tasks of each docs phase, less ${WARM_TASKS} times the median of the later ones`,
    },
    {
      bench: 'e2e',
      variant,
      metric: 'MB/s per core, steady state',
      value: mb / steadyCpu,
      unit: 'MB/s',
      note: `${steadyCpu.toFixed(1)} s of the tasks' ${tasksCpu.toFixed(1)} s: what a warmed-up worker reaches`,
    },
  ];
}

/** The dedup steps' phases of a run (stats.json's per-phase times). */
function stepPhases(f: RunFigures): PhaseTime[] {
  return f.phases.filter((p) => isStepPhase(p.phase));
}

/** The median of repeated runs: median wall and CPU time, the phases of the run with the median CPU, the largest RSS. */
function medianRun(taken: RunFigures[]): RunFigures {
  const byCpu = [...taken].sort((a, b) => a.cpu - b.cpu);
  const middle = byCpu[byCpu.length >> 1]!;
  return {
    ...middle,
    wall: median(taken.map((r) => r.wall)),
    maxWorkerRssMb: Math.max(...taken.map((r) => r.maxWorkerRssMb)),
  };
}

/** One chain over one corpus: the stages alone, then `sluice run` with each worker count (and the baseline CLI beside it). */
async function benchChain(name: string, corpus: string, size: string, root: string, opts: EndToEndOptions, withModel: boolean): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const chain = `${name}${size}`;
  const variant = (w: number): string => `${chain}, ${w} worker${w === 1 ? '' : 's'}`;
  const clis: { cli: string; tag: string; label: string }[] = [{ cli: builtCli(), tag: '', label: '' }];
  if (opts.baseline) clis.unshift({ cli: opts.baseline, tag: '-baseline', label: ' (baseline)' });
  const runs = new Map<string, RunFigures>();
  const runName = size === '' ? name : `${name}-large`;
  const rounds = Math.max(1, opts.rounds ?? 1);
  const workerCounts = opts.workers ?? [1, 2];
  const taken = new Map<string, RunFigures[]>();
  const halves = halvesOf(corpus, root);
  const ceilings: CeilingRound[] = [];
  for (let round = 0; round < rounds; round++) {
    // the ceiling in the same round as the runs it is set against
    process.stderr.write(`end-to-end: ${chain}, stages alone in one process, in two over halves, one half alone${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ''}\n`);
    ceilings.push(await ceilingRound(name, corpus, halves));
    // worker counts, and the baseline and this build, back to back in alternating order, so that
    // each sees the same spells of load (this machine's CPU time moves with them)
    for (const w of round % 2 === 0 ? workerCounts : [...workerCounts].reverse()) {
      for (const { cli, tag, label } of round % 2 === 0 ? clis : [...clis].reverse()) {
        process.stderr.write(`end-to-end: ${chain}, sluice run --workers ${w}${label}${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ''}\n`);
        const r = await runPipelineCli(cli, tag, runName, corpus, CHAINS[name]!, w, root);
        taken.set(`${w}${tag}`, [...(taken.get(`${w}${tag}`) ?? []), r]);
      }
    }
  }
  // the stages alone are the ceiling's one-process run of each round, so a run is set against the
  // stages alone of its own round (this machine's CPU time moves by a fifth within minutes)
  const own = ceilings[0]!.whole;
  const mb = own.mb;
  const aloneCpu = median(ceilings.map((c) => c.whole.cpu));
  rows.push({
    bench: 'e2e',
    variant: `${chain}, stages alone`,
    metric: 'throughput (CPU time)',
    value: mb / aloneCpu,
    unit: 'MB/s',
    note: `${own.docs} docs, ${mb.toFixed(1)} MB in memory, ${own.kept} kept; no reader, spill or writer${rounds > 1 ? `; median of ${rounds} rounds` : ''}`,
  });
  // the ratio to the stages alone means something only while they do a run's work
  for (const [key, figures] of taken) {
    const differs = key.endsWith('-baseline') ? undefined : figures.find((f) => f.kept !== own.kept);
    if (differs) throw new Error(`e2e: ${chain}: the stages alone kept ${own.kept} documents, sluice run --workers ${key} kept ${differs.kept}: stagesOnly no longer runs the chain as a run does`);
  }
  const ceiling = ceilingRows(name, size, ceilings);
  rows.push(...ceiling.rows);
  for (const w of workerCounts) {
    for (const { tag, label } of clis) {
      const r = medianRun(taken.get(`${w}${tag}`)!);
      runs.set(`${w}${tag}`, r);
      const v = variant(w) + label;
      rows.push({ bench: 'e2e', variant: v, metric: 'wall', value: r.wall, unit: 's', note: `kept ${r.kept} of ${own.docs}${rounds > 1 ? `; median of ${rounds} runs` : ''}` });
      rows.push({ bench: 'e2e', variant: v, metric: 'MB/s per core (CPU time)', value: mb / r.cpu, unit: 'MB/s', note: `${r.cpu.toFixed(1)} s CPU, run and workers` });
      // what a user reads in `sluice stats`: input bytes per CPU-second of the tasks (a baseline from before it has none)
      const taskCpu = tasksCpuSeconds(r.phases);
      if (taskCpu !== undefined && r.inputBytes !== undefined) {
        rows.push({
          bench: 'e2e',
          variant: v,
          metric: 'MB/s per core, as sluice stats reports it',
          value: r.inputBytes / 1e6 / taskCpu,
          unit: 'MB/s',
          note: `input file MB per CPU-second of tasks: ${taskCpu.toFixed(1)} s of the run's ${r.cpu.toFixed(1)} s`,
        });
      }
      const byRound = taken.get(`${w}${tag}`)!.map((run, i) => ceilings[i]!.whole.cpu / run.cpu);
      rows.push({
        bench: 'e2e',
        variant: v,
        metric: 'stages alone / whole run (CPU)',
        value: median(byRound),
        unit: 'x',
        note: `target >= 0.8${rounds > 1 ? `; each run against the stages alone of its round, median; rounds: ${byRound.map((x) => x.toFixed(2)).join(', ')}` : ''}`,
      });
      if (w === 1) rows.push(...steadyRows(v, r, mb));
      rows.push({ bench: 'e2e', variant: v, metric: 'peak RSS per worker', value: r.maxWorkerRssMb, unit: 'MiB', note: 'largest task; target < 500' });
      const top = [...r.phases].sort((a, b) => b.seconds - a.seconds).slice(0, 3);
      rows.push({
        bench: 'e2e',
        variant: v,
        metric: 'phases',
        value: r.phases.length,
        unit: 'phases',
        note: `longest: ${top.map((p) => `${p.phase} ${p.seconds.toFixed(1)} s`).join(', ')}`,
      });
    }
    const now = runs.get(`${w}`);
    const before = runs.get(`${w}-baseline`);
    if (now && before) {
      for (const [metric, key, unit] of [
        ['speed-up (CPU time)', 'cpu', 's CPU'],
        ['speed-up (wall)', 'wall', 's'],
      ] as const) {
        rows.push({ bench: 'e2e', variant: `${variant(w)}, this / baseline`, metric, value: before[key] / now[key], unit: 'x', note: `${before[key].toFixed(1)} -> ${now[key].toFixed(1)} ${unit}` });
      }
    }
  }
  for (const { tag, label } of clis) {
    const one = runs.get(`1${tag}`);
    const two = runs.get(`2${tag}`);
    if (!one || !two) continue;
    rows.push(...pairedSpeedUpRows(`${chain}, 2 workers / 1${label}`, taken.get(`1${tag}`)!, taken.get(`2${tag}`)!));
    const runnerRatio = (2 * one.cpu) / two.cpu;
    rows.push({
      bench: 'e2e',
      variant: `${chain}, 2 workers / 1${label}, against the ceiling`,
      metric: 'share of the ceiling (CPU-time-normalised)',
      value: runnerRatio / ceiling.cpuRatio,
      unit: 'x',
      note: `${runnerRatio.toFixed(2)}x of the ${ceiling.cpuRatio.toFixed(2)}x the stages alone gave in two processes in the same rounds: the rest is the runner's own (start-up, reader, writer) or the load moving within a round`,
    });
    if (tag !== '' || !withModel) continue;
    // the model's own check: what it predicts for 2 cores against the 2-worker run just measured
    const model = scalingRows({ out: join(root, `${runName}-w1`), wall: one.wall }, { cores: [2, 16, 64], scales: [1, 64], label: name });
    const predicted = model.find((r) => r.variant === `${name}, 2 cores, corpus x1`);
    if (predicted)
      rows.push({
        bench: 'e2e',
        variant: `${name}, scaling model`,
        metric: 'predicted / measured speed-up at 2',
        value: predicted.value / (one.wall / two.wall),
        unit: 'x',
        note: `predicted ${predicted.value.toFixed(2)}x, measured ${(one.wall / two.wall).toFixed(2)}x`,
      });
    rows.push(...model);
  }
  return rows;
}

/** 2 workers against 1: in wall time, and CPU-time-normalised (2 x CPU of one worker / CPU of two: what two workers would give with both cores theirs; where the host's time is not reported as steal, load moves it too). */
function speedUpRows(variant: string, one: RunFigures, two: RunFigures, wallNote: string, cpuNotePrefix: string, cpuNoteSuffix = ''): BenchRow[] {
  return [
    { bench: 'e2e', variant, metric: 'speed-up (wall)', value: one.wall / two.wall, unit: 'x', note: wallNote },
    wallBoundRow(variant, one, two),
    {
      bench: 'e2e',
      variant,
      metric: 'speed-up (CPU-time-normalised)',
      value: (2 * one.cpu) / two.cpu,
      unit: 'x',
      note: `${cpuNotePrefix}${one.cpu.toFixed(1)} s CPU with 1 worker, ${two.cpu.toFixed(1)} s with 2${cpuNoteSuffix}`,
    },
  ];
}

/**
 * The 2-worker rows of paired rounds (`ones[i]` and `twos[i]` ran back to back): `speedUpRows` of
 * the median runs, each round's own CPU-time-normalised ratio in its note, and with more than one
 * round the ratio of each count's least CPU (`leastCpuRow`).
 */
function pairedSpeedUpRows(variant: string, ones: RunFigures[], twos: RunFigures[]): BenchRow[] {
  const rounds = ones.length;
  const byRound = rounds > 1 ? `; by round (1 and 2 workers back to back): ${ones.map((r, i) => ((2 * r.cpu) / twos[i]!.cpu).toFixed(2)).join(', ')}` : '';
  const rows = speedUpRows(variant, medianRun(ones), medianRun(twos), 'target >= 1.8 on a quiet machine', 'target >= 1.8; ', byRound);
  const least = (figures: RunFigures[]): number => Math.min(...figures.map((f) => f.cpu));
  if (rounds > 1) rows.push(leastCpuRow(variant, least(ones), least(twos), rounds));
  return rows;
}

/**
 * The wall-time speed-up the 2-worker run's CPU time allows on 2 cores: the 1-worker run's wall
 * against the 2-worker run's CPU spread over both cores without a pause. A 1-worker run has the
 * second core for its compiler, collector and I/O threads (its CPU exceeds its wall), a 2-worker
 * run has no idle core for them, so the wall speed-up stays under 2 even where the CPU-time-
 * normalised one reaches it.
 */
function wallBoundRow(variant: string, one: RunFigures, two: RunFigures): BenchRow {
  return {
    bench: 'e2e',
    variant,
    metric: 'speed-up (wall), the most its CPU allows on 2 cores',
    value: one.wall / (two.cpu / 2),
    unit: 'x',
    note: `1 worker: ${one.wall.toFixed(1)} s wall, ${(one.cpu / one.wall).toFixed(2)} cores busy; 2 workers: ${two.cpu.toFixed(1)} s CPU over 2 cores`,
  };
}

/**
 * The same ratio from each worker count's least CPU over the rounds. This machine (a VM) reports
 * no steal time, so time the host takes from a vCPU counts as the run's CPU: load only adds to a
 * run's CPU, and each count's least is the quietest moment the rounds caught. The medians above
 * stay the figure of record; this one says what a quiet machine would read.
 */
function leastCpuRow(variant: string, one: number, two: number, rounds: number): BenchRow {
  return {
    bench: 'e2e',
    variant,
    metric: 'speed-up (CPU-time-normalised, least CPU of the rounds)',
    value: (2 * one) / two,
    unit: 'x',
    note: `${one.toFixed(1)} s CPU with 1 worker, ${two.toFixed(1)} s with 2, each the least of ${rounds} rounds`,
  };
}

/**
 * The filters with 1 and 2 workers over a corpus large enough that what each process pays once
 * (start-up, JIT warm-up, plan and merge) weighs little: paired rounds as in `benchChain`. No
 * stages alone or ceiling: `stagesOnly` reads its corpus as one string, and V8's strings stop
 * at 512 MB.
 */
async function largeSpeedUpRows(corpus: CorpusStats, size: string, root: string, opts: EndToEndOptions): Promise<BenchRow[]> {
  const rounds = Math.max(1, opts.rounds ?? 1);
  const taken: Record<1 | 2, RunFigures[]> = { 1: [], 2: [] };
  for (let round = 0; round < rounds; round++) {
    for (const w of round % 2 === 0 ? ([1, 2] as const) : ([2, 1] as const)) {
      process.stderr.write(`end-to-end: filters${size}, sluice run --workers ${w}${rounds > 1 ? ` (round ${round + 1} of ${rounds})` : ''}\n`);
      taken[w].push(await runPipelineCli(builtCli(), '', 'filters-xl', corpus.path, CHAINS['filters']!, w, root));
    }
  }
  const mb = corpus.bytes / 1e6;
  const rows: BenchRow[] = ([1, 2] as const).map((w) => {
    const r = medianRun(taken[w]);
    return {
      bench: 'e2e',
      variant: `filters${size}, ${w} worker${w === 1 ? '' : 's'}`,
      metric: 'MB/s per core (CPU time)',
      value: mb / r.cpu,
      unit: 'MB/s',
      note: `${r.cpu.toFixed(1)} s CPU, ${r.wall.toFixed(1)} s wall, file MB${rounds > 1 ? `; median of ${rounds} runs` : ''}`,
    };
  });
  rows.push(...pairedSpeedUpRows(`filters${size}, 2 workers / 1`, taken[1], taken[2]));
  for (const w of [1, 2]) rmSync(join(root, `filters-xl-w${w}`), { recursive: true, force: true });
  return rows;
}

/**
 * What V8 compiles in a 1-worker run of the filters, from its own trace (`--trace-opt
 * --trace-deopt` on stdout): optimising compiles, deoptimisations, and the compiles of the reader
 * path (`readInputs`, the JSONL reader's `read`, `jsonRecords`), which a task's new objects used
 * to send back to the compiler every task (runner/task.ts, taskRun). Counts, not times: they hold
 * on a loaded machine. This build and the baseline, one run each.
 */
function jitTraceRows(corpus: string, size: string, root: string, opts: EndToEndOptions): BenchRow[] {
  const clis: { cli: string; label: string }[] = [{ cli: builtCli(), label: '' }];
  if (opts.baseline) clis.unshift({ cli: opts.baseline, label: ' (baseline)' });
  const rows: BenchRow[] = [];
  for (const { cli, label } of clis) {
    process.stderr.write(`end-to-end: filters${size}, 1 worker under V8's compile trace${label}\n`);
    const out = join(root, `jit-trace${label === '' ? '' : '-baseline'}`);
    writeFileSync(`${out}.yaml`, yamlOf('jit-trace', corpus, out, CHAINS['filters']!));
    const trace = execFileSync(process.execPath, ['--trace-opt', '--trace-deopt', cli, 'run', `${out}.yaml`, '--out', out, '--workers', '1', '--fresh'], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, NO_COLOR: '1' },
    }).split('\n');
    const compiles = trace.filter((l) => l.startsWith('[completed compiling'));
    const readerPath = compiles.filter((l) => /<JSFunction (readInputs|read|jsonRecords) /.test(l)).length;
    const variant = `filters${size}, 1 worker, V8's compile trace${label}`;
    rows.push(
      { bench: 'e2e', variant, metric: 'optimising compiles', value: compiles.length, unit: 'compiles', note: 'one run' },
      { bench: 'e2e', variant, metric: 'deoptimisations', value: trace.filter((l) => l.startsWith('[bailout')).length, unit: 'deopts', note: 'one run' },
      { bench: 'e2e', variant, metric: 'compiles of the reader path', value: readerPath, unit: 'compiles', note: 'readInputs, read, jsonRecords' },
    );
  }
  return rows;
}

/**
 * The filters over the same corpus as .jsonl.zst, once as frames of 1 MiB of text concatenated
 * (cut into pieces at frame starts) and once as one frame (read whole, by one task), each with 1
 * and 2 workers: whether a compressed input still spreads over the cores. `split_bytes` is set so
 * the multi-frame file makes as many pieces as the uncompressed one (it compresses about 20x).
 */
async function zstdSplitRows(corpus: string, root: string, opts: EndToEndOptions): Promise<BenchRow[]> {
  const plain = readFileSync(corpus);
  const frames: Buffer[] = [];
  for (let at = 0; at < plain.length; at += 1 << 20) frames.push(compress(plain.subarray(at, at + (1 << 20)), { compressionLevel: 3 }));
  const files = { 'multi-frame': Buffer.concat(frames), 'one frame': compress(plain, { compressionLevel: 3 }) };
  const pieces = Math.ceil(plain.length / (8 * 1024 * 1024));
  const rows: BenchRow[] = [];
  for (const [kind, bytes] of Object.entries(files)) {
    const path = join(root, `web-${kind.replace(' ', '-')}.jsonl.zst`);
    writeFileSync(path, bytes);
    const splitBytes = Math.ceil(bytes.length / pieces);
    const figures: RunFigures[] = [];
    for (const w of [1, 2]) {
      const taken: RunFigures[] = [];
      for (let round = 0; round < Math.max(1, opts.rounds ?? 1); round++) {
        process.stderr.write(`end-to-end: filters over .jsonl.zst (${kind}), sluice run --workers ${w}\n`);
        taken.push(await runPipelineCli(builtCli(), '', `zst-${kind.replace(' ', '-')}`, path, CHAINS['filters']!, w, root, splitBytes));
      }
      figures.push(medianRun(taken));
    }
    const [one, two] = figures as [RunFigures, RunFigures];
    const wallNote = `${one.wall.toFixed(1)} -> ${two.wall.toFixed(1)} s; ${(bytes.length / 1e6).toFixed(1)} MB compressed, split_bytes ${splitBytes}`;
    rows.push(...speedUpRows(`filters, .jsonl.zst ${kind}, 2 workers / 1`, one, two, wallNote, ''));
  }
  return rows;
}

/**
 * The full chain over the first 2 MB of the corpus cut into pieces of 16 KiB (about 120 tasks a
 * phase): the dedup steps with their default task count (`defaultStepTasks`: the square root of
 * the run's tasks for an input this small) against 64 step tasks (the default before, the run's
 * task count up to 64) and one step task per piece (the default before that cap). A step's fixed
 * cost grows with (docs tasks x step tasks); the rows give the steps' summed task time and the
 * run's CPU time, medians of `rounds` alternated runs, and check that all give the same shards.
 */
async function stepTaskRows(corpus: string, root: string, rounds: number): Promise<BenchRow[]> {
  const text = readFileSync(corpus);
  const path = join(root, 'web-2MB.jsonl');
  writeFileSync(path, text.subarray(0, text.lastIndexOf(10, 2_000_000) + 1));
  const splitBytes = 16 * 1024;
  const stepSeconds = (f: RunFigures): number => stepPhases(f).reduce((sum, p) => sum + p.seconds, 0);
  const shards = (name: string): string => (JSON.parse(readFileSync(join(root, `${name}-w1`, 'manifest.json'), 'utf8')) as { shards: { sha256: string }[] }).shards.map((x) => x.sha256).join();
  const world = Math.ceil(statSync(path).size / splitBytes); // about: pieces end at line starts
  const withSteps = (tasks: number): Step[] =>
    CHAINS['full']!.map(([stage, params]): Step => (stage === 'exact_dedup' ? [stage, { tasks: Math.min(256, tasks) }] : stage === 'minhash_dedup' ? [stage, { tasks }] : [stage, params]));
  const variants = [
    { name: 'pieces-default', steps: CHAINS['full']!, runs: [] as RunFigures[] },
    { name: 'pieces-64', steps: withSteps(64), runs: [] as RunFigures[] },
    { name: 'pieces-per-piece', steps: withSteps(world), runs: [] as RunFigures[] },
  ];
  for (let round = 0; round < Math.max(1, rounds); round++) {
    process.stderr.write(`end-to-end: full chain over 2 MB in 16 KiB pieces, default step tasks, 64 and ${world} (round ${round + 1})\n`);
    for (const v of variants) v.runs.push(await runPipelineCli(builtCli(), '', v.name, path, v.steps, 1, root, splitBytes));
    if (variants.some((v) => shards(v.name) !== shards('pieces-default'))) throw new Error('the step task count changed the shards');
  }
  const [byDefault, cap64, perPiece] = variants.map((v) => v.runs) as [RunFigures[], RunFigures[], RunFigures[]];
  const defaultTasks = stepPhases(byDefault[0]!)[0]?.tasks ?? 0;
  const variant = (tasks: string): string => `full, 2 MB in 16 KiB pieces, ${tasks}`;
  const note = `1 worker, ${perPiece[0]!.phases.find((p) => p.phase === 'docs-0')?.tasks ?? world} tasks a docs phase, median of ${Math.max(1, rounds)}; the same shards (sha256) each way`;
  const cpu = (runs: RunFigures[]): number => median(runs.map((r) => r.cpu));
  const steps = (runs: RunFigures[]): number => median(runs.map(stepSeconds));
  const labelled: [string, RunFigures[]][] = [
    [`${world} step tasks`, perPiece],
    ['64 step tasks (the default before)', cap64],
    [`default step tasks (${defaultTasks})`, byDefault],
  ];
  return [
    ...labelled.map(([label, runs]): BenchRow => ({ bench: 'e2e', variant: variant(label), metric: 'dedup steps, task time', value: steps(runs), unit: 's', note })),
    ...labelled.map(([label, runs]): BenchRow => ({ bench: 'e2e', variant: variant(label), metric: 'run CPU time', value: cpu(runs), unit: 's', note })),
    { bench: 'e2e', variant: variant('default / 64 step tasks'), metric: 'speed-up (CPU time)', value: cpu(cap64) / cpu(byDefault), unit: 'x' },
    { bench: 'e2e', variant: variant('default / per-piece step tasks'), metric: 'speed-up (CPU time)', value: cpu(perPiece) / cpu(byDefault), unit: 'x' },
  ];
}

const MIB = 1024 * 1024;

/**
 * What each task costs beyond its documents, on the full chain over one large file with 1 worker:
 * the file cut into the default pieces (runner.split_bytes, 8 MiB) against pieces four times
 * larger, a quarter as many tasks a phase. Every task opens its inputs, writes its own spill,
 * dedup runs, rejects, log and marker, and reads every task of the step before it in a dedup
 * step, so a phase's fixed cost grows with its task count (and a step's with its square); the
 * larger pieces give the same documents in fewer shard files. Medians of `rounds` alternated runs.
 */
async function pieceSizeRows(corpus: string, size: string, root: string, rounds: number): Promise<BenchRow[]> {
  const sizes = [DEFAULT_SPLIT_BYTES, 4 * DEFAULT_SPLIT_BYTES];
  const taken: RunFigures[][] = sizes.map(() => []);
  for (let round = 0; round < Math.max(1, rounds); round++) {
    for (const k of round % 2 === 0 ? [0, 1] : [1, 0]) {
      process.stderr.write(`end-to-end: full${size}, 1 worker, pieces of ${sizes[k]! / MIB} MiB (round ${round + 1})\n`);
      taken[k]!.push(await runPipelineCli(builtCli(), '', `pieces-${sizes[k]! / MIB}mib`, corpus, CHAINS['full']!, 1, root, sizes[k]));
    }
  }
  const kept = new Set(taken.flat().map((r) => r.kept));
  if (kept.size !== 1) throw new Error(`the piece size changed the kept documents: ${[...kept].join(', ')}`);
  const stepCpu = (f: RunFigures): number => tasksCpuSeconds(stepPhases(f)) ?? NaN;
  const summary = (runs: RunFigures[]): { cpu: number; steps: number; tasks: number } => ({
    cpu: median(runs.map((r) => r.cpu)),
    steps: median(runs.map(stepCpu)),
    tasks: runs[0]!.phases.find((p) => p.phase === 'docs-0')?.tasks ?? 0,
  });
  const small = summary(taken[0]!);
  const large = summary(taken[1]!);
  const variant = (bytes: number, tasks: number): string => `full${size}, 1 worker, pieces of ${bytes / MIB} MiB (${tasks} tasks a phase)`;
  const note = `median of ${Math.max(1, rounds)}, alternated; the same ${[...kept][0]} documents kept`;
  return [
    { bench: 'e2e', variant: variant(sizes[0]!, small.tasks), metric: 'run CPU time', value: small.cpu, unit: 's', note: `dedup steps ${small.steps.toFixed(2)} s of it; ${note}` },
    { bench: 'e2e', variant: variant(sizes[1]!, large.tasks), metric: 'run CPU time', value: large.cpu, unit: 's', note: `dedup steps ${large.steps.toFixed(2)} s of it; ${note}` },
    {
      bench: 'e2e',
      variant: `full${size}, 1 worker, pieces of ${sizes[1]! / MIB} / ${sizes[0]! / MIB} MiB`,
      metric: 'speed-up (CPU time)',
      value: small.cpu / large.cpu,
      unit: 'x',
      ...(small.tasks > large.tasks ? { note: `${((small.cpu - large.cpu) / (small.tasks - large.tasks)).toFixed(3)} s of CPU per task a phase` } : {}),
    },
  ];
}

/** V8's own default for a flag, from `node --v8-options`. */
function v8Default(flag: string): string {
  const options = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const m = new RegExp(`default: --${flag}=(\\S+)`).exec(options);
  if (!m) throw new Error(`node --v8-options does not give a default for --${flag}`);
  return m[1]!;
}

/**
 * What the lanes' V8 budget (src/runner/jit-budget.ts) does where it applies (2 lanes filling
 * the cores): the full chain with 2 workers as sluice runs it, against the same with V8's default
 * interrupt budget given on the command line (a budget the user sets stands), alternated, medians.
 */
async function jitBudgetRows(corpus: string, root: string, rounds: number): Promise<BenchRow[]> {
  if (laneJitFlags(2).length === 0) {
    process.stderr.write(`end-to-end: 2 lanes leave cores free here (${availableParallelism()}): the lanes' V8 budget does not apply, no rows\n`);
    return [];
  }
  const defaults = [`--interrupt-budget=${v8Default('interrupt-budget')}`];
  const lanes: RunFigures[] = [];
  const v8: RunFigures[] = [];
  for (let round = 0; round < Math.max(1, rounds); round++) {
    process.stderr.write(`end-to-end: full chain, 2 workers, the lanes' V8 budget and V8's default ${defaults[0]} (round ${round + 1})\n`);
    const pair = round % 2 === 0 ? [true, false] : [false, true];
    for (const own of pair) {
      if (own) lanes.push(await runPipelineCli(builtCli(), '', 'budget-lanes', corpus, CHAINS['full']!, 2, root));
      else v8.push(await runPipelineCli(builtCli(), '', 'budget-v8', corpus, CHAINS['full']!, 2, root, undefined, defaults));
    }
  }
  const variant = (which: string): string => `full, 2 workers, ${which}`;
  const note = `median of ${Math.max(1, rounds)}, alternated`;
  const [cpuL, cpuD] = [median(lanes.map((r) => r.cpu)), median(v8.map((r) => r.cpu))];
  const [wallL, wallD] = [median(lanes.map((r) => r.wall)), median(v8.map((r) => r.wall))];
  return [
    { bench: 'e2e', variant: variant(`V8's default budget (${defaults[0]})`), metric: 'CPU time', value: cpuD, unit: 's', note: `wall ${wallD.toFixed(2)} s; ${note}` },
    { bench: 'e2e', variant: variant("the lanes' budget (jit-budget.ts)"), metric: 'CPU time', value: cpuL, unit: 's', note: `wall ${wallL.toFixed(2)} s; ${note}` },
    { bench: 'e2e', variant: variant("lanes' budget / V8's default"), metric: 'speed-up (CPU time)', value: cpuD / cpuL, unit: 'x', note: `wall ${(wallD / wallL).toFixed(2)}x` },
  ];
}

export async function benchEndToEnd(opts: EndToEndOptions): Promise<BenchRow[]> {
  process.stderr.write(`end-to-end: generating ${opts.mb} MB of web-like JSONL...\n`);
  const corpus = await ensureWebCorpus(opts.mb);
  const root = join(tmpdir(), `sluice-bench-e2e-${process.pid}`);
  mkdirSync(root, { recursive: true });
  const rows: BenchRow[] = [];
  try {
    for (const name of Object.keys(CHAINS)) rows.push(...(await benchChain(name, corpus.path, '', root, opts, true)));
    rows.push(...(await zstdSplitRows(corpus.path, root, opts)));
    rows.push(...(await stepTaskRows(corpus.path, root, opts.rounds ?? 1)));
    rows.push(...(await jitBudgetRows(corpus.path, root, opts.rounds ?? 1)));
    process.stderr.write('end-to-end: start-up\n');
    const firstWorkers = (opts.workers ?? [1, 2])[0];
    rows.push(...(await startupRows(join(root, `filters-w${firstWorkers}`), join(root, `full-w${firstWorkers}`))));
    if (opts.scaleMb !== undefined) {
      process.stderr.write(`end-to-end: generating ${opts.scaleMb} MB of web-like JSONL...\n`);
      const large = await ensureWebCorpus(opts.scaleMb);
      for (const name of Object.keys(CHAINS)) rows.push(...(await benchChain(name, large.path, ` (${opts.scaleMb} MB)`, root, opts, false)));
      rows.push(...(await pieceSizeRows(large.path, ` (${opts.scaleMb} MB)`, root, opts.rounds ?? 1)));
      rows.push(...jitTraceRows(large.path, ` (${opts.scaleMb} MB)`, root, opts));
    }
    if (opts.speedUpMb !== undefined) {
      process.stderr.write(`end-to-end: generating ${opts.speedUpMb} MB of web-like JSONL...\n`);
      const larger = await ensureWebCorpus(opts.speedUpMb);
      rows.push(...(await largeSpeedUpRows(larger, ` (${opts.speedUpMb} MB)`, root, opts)));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/**
 * What a task's bookkeeping costs as a run grows to many tasks (issue 15, "parallelism that holds
 * on real machines"): the costs that used to grow with the square of the task count, measured
 * with the code a run uses now, beside the way they were paid before where that code still runs.
 *
 * - An ending scheduler task learns whether it is the last: `allTasksFinished` (marker existence),
 *   against reading every marker up to the first missing one (`collectMarkers`, what finalize
 *   still does once, and what every task did before). Markers are padded to the size a web
 *   chain's report data gives them (about 270 kB).
 * - A docs task's clean-up of an interrupted attempt, by name (`cleanTaskOutputs`), with the files
 *   of W tasks in `shards/`, four `rejects/<stage>/` and the spill folder: flat in W, where a
 *   listing of those folders per task made a phase read about W^2 names.
 * - A fused dedup stage reading the removals of the one before it (`loadRemovedOrdinals`): from
 *   the ordinals files against the JSON lines older work files hold (still read, for those).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DedupWorkLayout } from '../../src/dedup/work-layout.js';
import { loadRemovedOrdinals, writeRemovals, type Removal } from '../../src/dedup/removals.js';
import { collectMarkers } from '../../src/runner/finalize.js';
import { OutputLayout } from '../../src/runner/layout.js';
import { cleanTaskOutputs } from '../../src/runner/leftovers.js';
import { allTasksFinished, type TaskMarker } from '../../src/runner/marker.js';
import type { PhaseSpec } from '../../src/runner/pipeline.js';
import { shardFileName } from '../../src/shard/shard-name.js';
import { median } from './median.js';
import type { BenchRow } from './types.js';

export interface RunnerScaleOptions {
  /** Docs tasks a phase for the marker check. */
  markerTasks: number;
  /** Task counts for the clean-up (the files of this many tasks in place). */
  cleanupTasks: readonly number[];
  /** Removals a fused stage reads. */
  removals: number;
  /** Repetitions; medians are reported. */
  rounds: number;
}

const MARKER_BYTES = 270_000;
const FILTER_STAGES = ['gopher_repetition', 'gopher_quality', 'c4', 'fineweb'];

function cpuMs(start: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(start);
  return (c.user + c.system) / 1000;
}

/** A marker of the size a web chain's report data gives one; its fields are what finalize reads. */
function paddedMarker(phase: string, rank: number): string {
  const marker: TaskMarker = {
    phase,
    rank,
    world: 1,
    stats: {} as TaskMarker['stats'],
    shards: [],
    rejects: [],
    started: new Date(0).toISOString(),
    seconds: 1,
    host: 'bench',
    pid: 1,
    peak_rss_mb: 1,
  };
  const text = JSON.stringify(marker);
  // the report data: many short strings, as samples and histograms are
  const filler = Array.from({ length: Math.ceil((MARKER_BYTES - text.length) / 40) }, (_, i) => `sample text of a removed document ${i}`);
  return JSON.stringify({ ...marker, report: { filler } });
}

async function markerRows(root: string, w: number, rounds: number): Promise<BenchRow[]> {
  const layout = new OutputLayout(join(root, 'markers'));
  // the checks read a phase's id and task count alone: the step phase stands in as a docs one
  const phases: PhaseSpec[] = [
    { id: 'docs-0', kind: 'docs', segment: 0, tasks: w },
    { id: 'exact_dedup.groups', kind: 'docs', segment: 0, tasks: 32 },
    { id: 'docs-1', kind: 'docs', segment: 1, tasks: w },
  ];
  const put = (phase: string, rank: number): void => {
    const file = layout.taskMarker(phase, rank);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, paddedMarker(phase, rank));
  };
  for (let r = 0; r < w; r++) put('docs-0', r);
  for (let r = 0; r < 32; r++) put('exact_dedup.groups', r);
  // the task halfway through the last docs phase ends; the ones after it still run
  const half = w >> 1;
  for (let r = 0; r < half; r++) put('docs-1', r);
  const reading: number[] = [];
  const existence: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let c0 = process.cpuUsage();
    const all = await collectMarkers(layout, phases);
    reading.push(cpuMs(c0));
    c0 = process.cpuUsage();
    const done = await allTasksFinished(layout, phases, 'docs-1', half - 1);
    existence.push(cpuMs(c0));
    if (all !== undefined || done) throw new Error('runner-scale: a task halfway through the last phase is not the last');
  }
  const variant = `an ending task's "am I the last?", ${w} tasks a docs phase`;
  const [before, now] = [median(reading), median(existence)];
  const note = `task ${half - 1} of the last docs phase; markers of ${Math.round(MARKER_BYTES / 1000)} kB; median of ${rounds}`;
  return [
    { bench: 'runner-scale', variant: `${variant}, reading every marker (before)`, metric: 'CPU time', value: before, unit: 'ms', note },
    { bench: 'runner-scale', variant: `${variant}, markers' existence (now)`, metric: 'CPU time', value: now, unit: 'ms', note },
    { bench: 'runner-scale', variant: `${variant}, before / now`, metric: 'speed-up (CPU time)', value: before / now, unit: 'x' },
  ];
}

async function cleanupRows(root: string, counts: readonly number[], rounds: number): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const perTask: number[] = [];
  const sample = 40;
  for (const w of counts) {
    const layout = new OutputLayout(join(root, `cleanup-${w}`));
    mkdirSync(layout.shardsDir, { recursive: true });
    for (const s of FILTER_STAGES) mkdirSync(join(layout.rejectsDir, s), { recursive: true });
    mkdirSync(dirname(layout.spill('docs-0', 0)), { recursive: true });
    const make = (ranks: Iterable<number>): void => {
      for (const r of ranks) {
        writeFileSync(join(layout.shardsDir, shardFileName(layout.shardPrefix(r), 0)), '');
        for (const s of FILTER_STAGES) writeFileSync(layout.rejectsFile(s, 'docs-0', r), '');
        writeFileSync(layout.spill('docs-0', r), '');
      }
    };
    make(Array.from({ length: w }, (_, r) => r));
    const taken: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // tasks spread over the phase, their files put back after each round
      const ranks = Array.from({ length: sample }, (_, i) => Math.floor((i * w) / sample));
      const c0 = process.cpuUsage();
      for (const r of ranks) await cleanTaskOutputs(layout, 'docs-0', r);
      taken.push(cpuMs(c0) / sample);
      make(ranks);
    }
    const ms = median(taken);
    perTask.push(ms);
    rows.push({
      bench: 'runner-scale',
      variant: `a docs task's clean-up by name, files of ${w} tasks in place`,
      metric: 'CPU time per task',
      value: ms,
      unit: 'ms',
      note: `a shard, ${FILTER_STAGES.length} rejects files and a spill per task; ${sample} tasks, median of ${rounds}`,
    });
    rmSync(layout.dir, { recursive: true, force: true });
  }
  if (counts.length > 1)
    rows.push({
      bench: 'runner-scale',
      variant: `a docs task's clean-up by name, ${counts.at(-1)} tasks / ${counts[0]}`,
      metric: 'cost ratio',
      value: perTask.at(-1)! / perTask[0]!,
      unit: 'x',
      note: 'about 1: a task looks for its own names, whatever the folders hold',
    });
  return rows;
}

async function removalRows(root: string, n: number, rounds: number): Promise<BenchRow[]> {
  const tasks = 8;
  const ranks = 64;
  const ordinals = new DedupWorkLayout(join(root, 'removals-ord'));
  const json = new DedupWorkLayout(join(root, 'removals-json'));
  for (let t = 0; t < tasks; t++) {
    const removals: Removal[] = [];
    for (let i = t; i < n; i += tasks)
      removals.push({ rank: i % ranks, ordinal: Math.floor(i / ranks), id: `https://example.com/page/${i}?utm=${i * 7}`, keptId: `https://example.com/page/${i + 1}`, similarity: 1 });
    await writeRemovals(ordinals, t, removals);
    await writeRemovals(json, t, removals);
    // what a sluice before the ordinals files wrote: no .ord file, three numbers a rank in the index
    rmSync(json.removedOrdinals(t));
    const index = JSON.parse(readFileSync(json.removalIndex(t), 'utf8')) as { ranks: Record<string, number[]> };
    for (const entry of Object.values(index.ranks)) entry.length = 3;
    writeFileSync(json.removalIndex(t), JSON.stringify(index));
  }
  const cpu = { ordinals: [] as number[], json: [] as number[] };
  for (let round = 0; round < rounds; round++) {
    for (const [kind, layout] of [
      ['ordinals', ordinals],
      ['json', json],
    ] as const) {
      globalThis.gc?.();
      const c0 = process.cpuUsage();
      const loaded = loadRemovedOrdinals(layout, tasks);
      cpu[kind].push(cpuMs(c0));
      let count = 0;
      for (const list of loaded.values()) count += list.length;
      if (count !== n) throw new Error(`runner-scale: ${kind} gave ${count} removals of ${n}`);
    }
  }
  const variant = `a fused dedup stage reading ${n.toLocaleString('en')} removals of the one before (${ranks} ranks, ${tasks} step tasks)`;
  const [fromJson, fromOrdinals] = [median(cpu.json), median(cpu.ordinals)];
  return [
    { bench: 'runner-scale', variant: `${variant}, JSON lines (older work files)`, metric: 'CPU time', value: fromJson, unit: 'ms', note: `median of ${rounds}` },
    { bench: 'runner-scale', variant: `${variant}, ordinals files (now)`, metric: 'CPU time', value: fromOrdinals, unit: 'ms', note: `median of ${rounds}` },
    { bench: 'runner-scale', variant: `${variant}, JSON / ordinals`, metric: 'speed-up (CPU time)', value: fromJson / fromOrdinals, unit: 'x' },
  ];
}

export async function benchRunnerScale(opts: RunnerScaleOptions): Promise<BenchRow[]> {
  const root = join(tmpdir(), `sluice-bench-runner-scale-${process.pid}`);
  mkdirSync(root, { recursive: true });
  try {
    process.stderr.write(`runner-scale: markers, ${opts.markerTasks} tasks a docs phase\n`);
    const rows = await markerRows(root, opts.markerTasks, opts.rounds);
    process.stderr.write(`runner-scale: clean-up by name, ${opts.cleanupTasks.join(' and ')} tasks\n`);
    rows.push(...(await cleanupRows(root, opts.cleanupTasks, opts.rounds)));
    process.stderr.write(`runner-scale: ${opts.removals} removals\n`);
    rows.push(...(await removalRows(root, opts.removals, opts.rounds)));
    return rows;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

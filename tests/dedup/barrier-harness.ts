/**
 * Runs a barrier stage's phases in this process, the way the runner does across tasks and
 * machines: `collect` in every task, each global step's tasks, then `apply` in every task.
 * Documents are dealt to `world` tasks round-robin. One StatsRecorder gathers everything.
 */
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { Barrier, RejectDetail, StageContext, StageDefinition } from '../../src/core/stage.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { fromArray } from '../helpers/harness.js';

export interface Removed {
  doc: Doc;
  reason: string;
  detail: RejectDetail;
}

export interface BarrierRun {
  kept: Doc[];
  removed: Removed[];
  stats: StatsRecorder;
  barrier: Barrier;
}

export async function buildBarrier(def: StageDefinition, params: unknown, workDir: string, world: number): Promise<Barrier> {
  const built = await def.build(def.params.parse(params), { workDir, world, configDir: process.cwd(), log: silentLogger });
  if (built.kind !== 'barrier') throw new Error(`${def.name} did not build a barrier`);
  return built.barrier;
}

export function deal<T>(items: T[], world: number): T[][] {
  const out: T[][] = Array.from({ length: world }, () => []);
  items.forEach((item, i) => out[i % world]!.push(item));
  return out;
}

export async function runBarrier(
  def: StageDefinition,
  params: unknown,
  docs: Doc[],
  opts: { workDir: string; world: number; betweenPhases?: (phase: string) => void | Promise<void> },
): Promise<BarrierRun> {
  const { workDir, world } = opts;
  const barrier = await buildBarrier(def, params, workDir, world);
  const stats = new StatsRecorder();
  const id = def.name;
  const removed: Removed[] = [];
  const context = (rank: number): StageContext => ({
    rank,
    world,
    stage: id,
    stats: stats.stage(id),
    signal: new AbortController().signal,
    log: silentLogger,
    strict: false,
    reject() {
      throw new Error('dedup stages never reject');
    },
    duplicate(doc, reason, detail) {
      stats.duplicate(id, doc.source);
      removed.push({ doc, reason, detail: detail ?? {} });
    },
  });
  const parts = deal(docs, world);
  const spilled: Doc[][] = [];
  for (let rank = 0; rank < world; rank++) {
    const out: Doc[] = [];
    for (const d of parts[rank]!) stats.docIn(d.source, d.text.length);
    for await (const d of barrier.collect(fromArray(parts[rank]!), context(rank))) out.push(d);
    spilled.push(out);
  }
  await opts.betweenPhases?.('collect');
  for (const step of barrier.steps) {
    const tasks = Math.max(1, step.tasks(world));
    for (let t = 0; t < tasks; t++) await step.run(t, tasks, { signal: new AbortController().signal, log: silentLogger, stats: stats.stage(id) });
    await opts.betweenPhases?.(step.name);
  }
  const kept: Doc[] = [];
  for (let rank = 0; rank < world; rank++) {
    for await (const d of barrier.apply(fromArray(spilled[rank]!), context(rank))) {
      stats.kept(d.source, d.text.length, 0);
      kept.push(d);
    }
  }
  return { kept, removed, stats, barrier };
}

/** Removed ids with the id kept in their place, sorted: what two runs must agree on. */
export function decisions(run: BarrierRun): string[] {
  return run.removed.map((r) => `${r.doc.id} -> ${String(r.detail['kept_id'])} @ ${String(r.detail['similarity'] ?? 1)}`).sort();
}

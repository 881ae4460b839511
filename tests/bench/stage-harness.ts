/**
 * Stages run by a bench in its own process, over documents in memory, without the runner: the
 * context a task would give them (rejects and duplicates only counted) and a stream to drain.
 */
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { Stage, StageContext } from '../../src/core/stage.js';
import type { StatsRecorder } from '../../src/core/stats.js';

export function benchContext(stats: StatsRecorder, name: string): StageContext {
  return {
    rank: 0,
    world: 1,
    stage: name,
    stats: stats.stage(name),
    signal: new AbortController().signal,
    log: silentLogger,
    strict: false,
    reject: (doc, reason) => stats.rejected(name, doc.source, reason),
    duplicate: (doc) => stats.duplicate(name, doc.source),
  };
}

export async function* fromArray(docs: readonly Doc[]): AsyncIterable<Doc> {
  for (const d of docs) yield d;
}

/** The documents `stage` lets through. */
export async function drain(stage: Stage, docs: readonly Doc[], ctx: StageContext): Promise<Doc[]> {
  const out: Doc[] = [];
  for await (const d of stage(fromArray(docs), ctx)) out.push(d);
  return out;
}

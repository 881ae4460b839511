/**
 * Stages run by a bench in its own process, over documents in memory, without the runner: the
 * context a task would give them (rejects and duplicates only counted) and a stream of documents.
 */
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import type { StageContext } from '../../src/core/stage.js';
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

import { SluiceError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { ArtefactKind, CheckedReader, CheckedWriter } from './checked-file.js';
import { readMarker } from './marker.js';
import type { DedupWorkLayout } from './work-layout.js';

/** One document to remove, and why: the document kept in its place. */
export interface Removal {
  rank: number;
  ordinal: number;
  id: string;
  keptId: string;
  /** Estimated similarity to the kept document (1 for exact duplicates). */
  similarity: number;
}

interface RemovalLine {
  o: number;
  id: string;
  k: string;
  s: number;
}

/** Byte range of each rank's removals in a task's file; written after it, as its completion marker. */
interface RemovalIndex {
  task: number;
  removals: number;
  ranks: Record<string, [start: number, end: number, count: number]>;
}

/**
 * Writes what one step task decided: JSON lines sorted by (rank, ordinal) in a checked file,
 * then an index of each rank's byte range, so `apply` in task r reads only rank r's lines.
 */
export async function writeRemovals(layout: DedupWorkLayout, task: number, removals: Removal[]): Promise<void> {
  removals.sort((a, b) => a.rank - b.rank || a.ordinal - b.ordinal);
  const index: RemovalIndex = { task, removals: removals.length, ranks: {} };
  const w = new CheckedWriter(layout.removals(task), ArtefactKind.Removals, 64 * 1024);
  try {
    let i = 0;
    while (i < removals.length) {
      const rank = removals[i]!.rank;
      const start = w.offset;
      let count = 0;
      const lines: string[] = [];
      for (; i < removals.length && removals[i]!.rank === rank; i++, count++) {
        const r = removals[i]!;
        lines.push(JSON.stringify({ o: r.ordinal, id: r.id, k: r.keptId, s: r.similarity } satisfies RemovalLine));
        if (lines.length === 4096) w.write(Buffer.from(lines.splice(0).join('\n') + '\n', 'utf8'));
      }
      if (lines.length > 0) w.write(Buffer.from(lines.join('\n') + '\n', 'utf8'));
      index.ranks[String(rank)] = [start, w.offset, count];
    }
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  await writeFileAtomic(layout.removalIndex(task), JSON.stringify(index) + '\n');
}

function readIndex(layout: DedupWorkLayout, task: number): RemovalIndex {
  return readMarker<RemovalIndex>(layout.removalIndex(task), `the clustering pass's task ${task} has not written its removal list`);
}

/** Calls `onLine` with each of rank `rank`'s lines in task `task`'s file, checking their count against the index. */
function eachLine(layout: DedupWorkLayout, task: number, reader: CheckedReader, rank: number, range: [number, number, number], onLine: (r: RemovalLine) => void): void {
  const text = Buffer.from(reader.read(range[0], range[1] - range[0])).toString('utf8');
  let n = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    onLine(JSON.parse(line) as RemovalLine);
    n++;
  }
  if (n !== range[2]) throw new SluiceError('SLUICE_ARTEFACT', `${layout.removals(task)}: rank ${rank} should have ${range[2]} removals, found ${n}`, { file: layout.removals(task) });
}

/** The removals of documents collected by `rank`, from every one of the `tasks` step tasks, by ordinal. */
export function loadRemovals(layout: DedupWorkLayout, tasks: number, rank: number): Map<number, Removal> {
  const out = new Map<number, Removal>();
  for (let t = 0; t < tasks; t++) {
    const range = readIndex(layout, t).ranks[String(rank)];
    if (!range) continue;
    const reader = CheckedReader.open(layout.removals(t), ArtefactKind.Removals);
    try {
      eachLine(layout, t, reader, rank, range, (r) => out.set(r.o, { rank, ordinal: r.o, id: r.id, keptId: r.k, similarity: r.s }));
    } finally {
      reader.close();
    }
  }
  return out;
}

/**
 * The removed ordinals, ascending, of every rank (or of `only` that rank), from the `tasks` step
 * tasks' files, each read once; a rank with none is absent.
 */
export function loadRemovedOrdinals(layout: DedupWorkLayout, tasks: number, only?: number): Map<number, Uint32Array> {
  const byRank = new Map<number, number[]>();
  for (let t = 0; t < tasks; t++) {
    const index = readIndex(layout, t);
    const ranks = Object.entries(index.ranks).filter(([rank]) => only === undefined || Number(rank) === only);
    if (ranks.length === 0) continue;
    const reader = CheckedReader.open(layout.removals(t), ArtefactKind.Removals);
    try {
      for (const [rank, range] of ranks) {
        const list = byRank.get(Number(rank)) ?? [];
        eachLine(layout, t, reader, Number(rank), range, (r) => list.push(r.o));
        byRank.set(Number(rank), list);
      }
    } finally {
      reader.close();
    }
  }
  const out = new Map<number, Uint32Array>();
  for (const [rank, list] of byRank) out.set(rank, Uint32Array.from(list).sort());
  return out;
}

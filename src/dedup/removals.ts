import { SluiceError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { ArtefactKind, bytesOf, CheckedReader, CheckedWriter, writeChecked } from './checked-file.js';
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

/**
 * Byte range of each rank's removals in a task's file, and where its ordinals start in the task's
 * `.ord` file (absent from the work files of a sluice before it); written after both, as the
 * task's completion marker.
 */
interface RemovalIndex {
  task: number;
  removals: number;
  ranks: Record<string, RankRange>;
}

type RankRange = [start: number, end: number, count: number, ordinalsAt?: number];

/**
 * Writes what one step task decided: JSON lines sorted by (rank, ordinal) in a checked file, the
 * same documents' ordinals alone in another (what a stage fused after this one reads for every
 * rank, without parsing ids), then an index of each rank's byte ranges, so `apply` in task r
 * reads only rank r's lines.
 */
export async function writeRemovals(layout: DedupWorkLayout, task: number, removals: Removal[]): Promise<void> {
  removals.sort((a, b) => a.rank - b.rank || a.ordinal - b.ordinal);
  const index: RemovalIndex = { task, removals: removals.length, ranks: {} };
  const ordinals = new Uint32Array(removals.length);
  const w = new CheckedWriter(layout.removals(task), ArtefactKind.Removals, 64 * 1024);
  try {
    let i = 0;
    while (i < removals.length) {
      const rank = removals[i]!.rank;
      const start = w.offset;
      const first = i;
      const lines: string[] = [];
      for (; i < removals.length && removals[i]!.rank === rank; i++) {
        const r = removals[i]!;
        ordinals[i] = r.ordinal;
        lines.push(JSON.stringify({ o: r.ordinal, id: r.id, k: r.keptId, s: r.similarity } satisfies RemovalLine));
        if (lines.length === 4096) w.write(Buffer.from(lines.splice(0).join('\n') + '\n', 'utf8'));
      }
      if (lines.length > 0) w.write(Buffer.from(lines.join('\n') + '\n', 'utf8'));
      index.ranks[String(rank)] = [start, w.offset, i - first, 4 * first];
    }
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  writeChecked(layout.removedOrdinals(task), ArtefactKind.Ordinals, bytesOf(ordinals));
  await writeFileAtomic(layout.removalIndex(task), JSON.stringify(index) + '\n');
}

function readIndex(layout: DedupWorkLayout, task: number): RemovalIndex {
  return readMarker<RemovalIndex>(layout.removalIndex(task), `the clustering pass's task ${task} has not written its removal list`);
}

/** Calls `onLine` with each of rank `rank`'s lines in task `task`'s file, checking their count against the index. */
function eachLine(layout: DedupWorkLayout, task: number, reader: CheckedReader, rank: number, range: RankRange, onLine: (r: RemovalLine) => void): void {
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
 * tasks' files, each read once; a rank with none is absent. 4 bytes a removed document, read
 * from the `.ord` files; a task that an older sluice ran has only its JSON lines, parsed instead.
 */
export function loadRemovedOrdinals(layout: DedupWorkLayout, tasks: number, only?: number): Map<number, Uint32Array> {
  const parts = new Map<number, Uint32Array[]>();
  for (let t = 0; t < tasks; t++) {
    const index = readIndex(layout, t);
    const ranks = Object.entries(index.ranks).filter(([rank]) => only === undefined || Number(rank) === only);
    if (ranks.length === 0) continue;
    const binary = ranks.every(([, range]) => range[3] !== undefined);
    const reader = binary ? CheckedReader.open(layout.removedOrdinals(t), ArtefactKind.Ordinals) : CheckedReader.open(layout.removals(t), ArtefactKind.Removals);
    try {
      for (const [rank, range] of ranks) {
        let list: Uint32Array;
        if (binary) list = new Uint32Array(reader.read(range[3]!, 4 * range[2]).buffer);
        else {
          list = new Uint32Array(range[2]);
          let n = 0;
          eachLine(layout, t, reader, Number(rank), range, (r) => (list[n++] = r.o));
        }
        const lists = parts.get(Number(rank));
        if (lists) lists.push(list);
        else parts.set(Number(rank), [list]);
      }
    } finally {
      reader.close();
    }
  }
  const out = new Map<number, Uint32Array>();
  for (const [rank, lists] of parts) out.set(rank, lists.length === 1 ? lists[0]! : concat(lists).sort());
  return out;
}

function concat(lists: readonly Uint32Array[]): Uint32Array {
  const out = new Uint32Array(lists.reduce((n, l) => n + l.length, 0));
  let at = 0;
  for (const l of lists) {
    out.set(l, at);
    at += l.length;
  }
  return out;
}

/**
 * Sorted runs of (key, ordinal) rows: what one task writes per band (MinHash) or once (exact
 * dedup), and how a later pass merges the runs of every task into groups of equal keys.
 *
 * A row is `width` u32 words: the key's words, most significant first, optionally a tag, then
 * the ordinal.
 * Each run records where each of 256 key ranges (the key's top 8 bits) starts, so a pass can
 * take one key range of one band without reading the rest.
 */
import { ArtefactKind, bytesOf, CheckedReader, CheckedWriter, RecordCursor } from './checked-file.js';
import { docRef, type DocRef } from './doc-ref.js';

export const KEY_RANGES = 256;
/** Above this many runs in one merge, files are closed between chunks to stay under the fd limit. */
const MAX_OPEN_RUNS = 256;

/** A growable table of rows. */
export class KeyRows {
  data: Uint32Array;
  count = 0;

  constructor(
    readonly width: number,
    initialRows = 1024,
  ) {
    this.data = new Uint32Array(width * initialRows);
  }

  /** Room for one more row; returns the word offset to write it at. */
  append(): number {
    const at = this.count * this.width;
    if (at + this.width > this.data.length) {
      const bigger = new Uint32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.count++;
    return at;
  }
}

/**
 * Below this many rows a sort takes 8-bit digits: a 16-bit pass clears and sums 65,536 counters
 * whatever the row count, which for a task's few thousand rows per band cost more than the rows.
 */
const SMALL_SORT_ROWS = 1 << 15;

/**
 * Stable LSD radix sort of the rows by their first `keyWords` words (unsigned, most significant
 * word first), 16 bits per pass (8 for small tables). Passes where every row has the same digit
 * are skipped.
 */
export function sortRows(rows: KeyRows, keyWords: number): void {
  const { width, count } = rows;
  const bits = count < SMALL_SORT_ROWS ? 8 : 16;
  const buckets = 1 << bits;
  const mask = buckets - 1;
  let src = rows.data;
  let dst: Uint32Array = new Uint32Array(src.length);
  const counts = new Uint32Array(buckets + 1);
  for (let w = keyWords - 1; w >= 0; w--) {
    for (let shift = 0; shift < 32; shift += bits) {
      counts.fill(0);
      for (let i = 0, at = w; i < count; i++, at += width) counts[((src[at]! >>> shift) & mask) + 1]!++;
      if (oneBucket(counts, count)) continue;
      for (let d = 1; d <= buckets; d++) counts[d]! += counts[d - 1]!;
      for (let i = 0, at = 0; i < count; i++, at += width) {
        const d = (src[at + w]! >>> shift) & mask;
        const to = counts[d]!++ * width;
        for (let j = 0; j < width; j++) dst[to + j] = src[at + j]!;
      }
      const t = src;
      src = dst;
      dst = t;
    }
  }
  rows.data = src;
}

/** Every row fell into one bucket: the pass would not move anything. */
function oneBucket(counts: Uint32Array, count: number): boolean {
  for (let d = 1; d < counts.length; d++) if (counts[d] === count) return true;
  return false;
}

/** Writes sorted rows as a checked file; returns, per key range, the row it starts at (257 entries). */
export function writeSortedRun(path: string, rows: KeyRows): number[] {
  const rowBytes = rows.width * 4;
  const w = new CheckedWriter(path, ArtefactKind.SortedKeys, rowBytes * 2048);
  try {
    w.write(bytesOf(rows.data.subarray(0, rows.count * rows.width)));
    w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
  const starts: number[] = new Array<number>(KEY_RANGES + 1).fill(rows.count);
  for (let i = rows.count - 1; i >= 0; i--) starts[rows.data[i * rows.width]! >>> 24] = i;
  for (let q = KEY_RANGES - 1; q >= 0; q--) starts[q] = Math.min(starts[q]!, starts[q + 1]!);
  return starts;
}

/** One task's sorted run, restricted to a span of key ranges. */
export interface RunSlice {
  path: string;
  rank: number;
  /** First and one-past-last row. */
  start: number;
  end: number;
}

/**
 * Calls `onRow` for every row of the slices, in key order (ties: by rank, then ordinal): a
 * k-way merge that holds one chunk per run, whatever the number of rows.
 */
export function mergeRuns(slices: RunSlice[], width: number, keyWords: number, onRow: (words: Uint32Array, at: number, ref: DocRef) => void): void {
  const rowBytes = width * 4;
  const readers: CheckedReader[] = [];
  const cursors: RecordCursor[] = [];
  const ranks: number[] = [];
  try {
    const many = slices.length > MAX_OPEN_RUNS;
    for (const s of slices) {
      if (s.end <= s.start) continue;
      const reader = CheckedReader.open(s.path, ArtefactKind.SortedKeys);
      readers.push(reader);
      const c = new RecordCursor(reader, rowBytes, s.start * rowBytes, s.end * rowBytes, 2048, many);
      if (c.advanceChunk()) {
        cursors.push(c);
        ranks.push(s.rank);
      }
    }
    const less = (i: number, j: number): boolean => {
      const a = cursors[i]!,
        b = cursors[j]!;
      const aw = a.words,
        bw = b.words;
      const ao = a.index * width,
        bo = b.index * width;
      for (let w = 0; w < keyWords; w++) {
        const x = aw[ao + w]!,
          y = bw[bo + w]!;
        if (x !== y) return x < y;
      }
      return ranks[i]! < ranks[j]!;
    };
    const heap = new MinHeap(cursors.length, less);
    for (let i = 0; i < cursors.length; i++) heap.push(i);
    while (heap.size > 0) {
      const i = heap.top();
      const c = cursors[i]!;
      const at = c.index * width;
      onRow(c.words, at, docRef(ranks[i]!, c.words[at + width - 1]!));
      if (c.step()) heap.replaceTop(i);
      else heap.pop();
    }
  } finally {
    for (const r of readers) r.close();
  }
}

/**
 * Groups the merged rows by equal key and calls `onGroup` with the refs of every group of two
 * or more, in (rank, ordinal) order, and, when rows carry a word between key and ordinal (a
 * tag), the members' tags.
 */
export function mergeGroups(slices: RunSlice[], width: number, keyWords: number, onGroup: (members: DocRef[], tags: number[]) => void): void {
  const key = new Uint32Array(keyWords);
  const tagged = width > keyWords + 1;
  let members: DocRef[] = [];
  let tags: number[] = [];
  mergeRuns(slices, width, keyWords, (words, at, ref) => {
    let same = members.length > 0;
    for (let w = 0; w < keyWords && same; w++) same = words[at + w] === key[w];
    if (!same) {
      if (members.length > 1) onGroup(members, tags);
      members = [];
      tags = [];
      for (let w = 0; w < keyWords; w++) key[w] = words[at + w]!;
    }
    members.push(ref);
    if (tagged) tags.push(words[at + keyWords]!);
  });
  if (members.length > 1) onGroup(members, tags);
}

/** A binary heap of small integers ordered by a caller's comparison. */
class MinHeap {
  private readonly items: Int32Array;
  size = 0;

  constructor(
    capacity: number,
    private readonly less: (a: number, b: number) => boolean,
  ) {
    this.items = new Int32Array(Math.max(1, capacity));
  }

  top(): number {
    return this.items[0]!;
  }

  push(v: number): void {
    let i = this.size++;
    this.items[i] = v;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  pop(): void {
    this.size--;
    if (this.size > 0) {
      this.items[0] = this.items[this.size]!;
      this.siftDown();
    }
  }

  /** The top's key changed (its cursor moved on): restore the order. */
  replaceTop(v: number): void {
    this.items[0] = v;
    this.siftDown();
  }

  private siftDown(): void {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) return;
      const r = l + 1;
      const m = r < this.size && this.less(this.items[r]!, this.items[l]!) ? r : l;
      if (!this.less(this.items[m]!, this.items[i]!)) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const t = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = t;
  }
}

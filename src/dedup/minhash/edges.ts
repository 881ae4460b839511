import { ArtefactKind, bytesOf, CheckedReader, CheckedWriter } from '../checked-file.js';
import { refPartition, type DocRef } from '../doc-ref.js';
import type { DedupWorkLayout } from '../work-layout.js';

const BUFFER_PAIRS = 1024;

/**
 * Edges between documents, handed from one clustering round to the next. Each undirected edge
 * (u, v) is written twice: as (u, v) to the partition that owns u and as (v, u) to the one that
 * owns v, so every partition sees the whole neighbourhood of the documents it owns.
 */
export class PartitionedEdgeWriter {
  private readonly writers: CheckedWriter[] = [];
  private readonly buffers: Float64Array[] = [];
  private readonly fills: number[] = [];
  edges = 0;

  constructor(
    layout: DedupWorkLayout,
    round: string,
    from: number,
    private readonly partitions: number,
  ) {
    for (let p = 0; p < partitions; p++) {
      this.writers.push(new CheckedWriter(layout.edges(round, from, p), ArtefactKind.Edges, 16 * 4096));
      this.buffers.push(new Float64Array(BUFFER_PAIRS * 2));
      this.fills.push(0);
    }
  }

  private put(p: number, a: DocRef, b: DocRef): void {
    const buf = this.buffers[p]!;
    let fill = this.fills[p]!;
    buf[fill++] = a;
    buf[fill++] = b;
    if (fill === buf.length) {
      this.writers[p]!.write(bytesOf(buf));
      fill = 0;
    }
    this.fills[p] = fill;
  }

  add(u: DocRef, v: DocRef): void {
    this.put(refPartition(u, this.partitions), u, v);
    this.put(refPartition(v, this.partitions), v, u);
    this.edges++;
  }

  close(): void {
    for (let p = 0; p < this.partitions; p++) {
      this.writers[p]!.write(bytesOf(this.buffers[p]!.subarray(0, this.fills[p]!)));
      this.writers[p]!.close();
    }
  }

  abort(): void {
    for (const w of this.writers) w.abort();
  }
}

/** The (owner, neighbour) pairs sent to partition `to` by `producers` tasks of `round`. */
export function readEdges(layout: DedupWorkLayout, round: string, producers: number, to: number): Float64Array {
  const parts: Float64Array[] = [];
  let total = 0;
  for (let from = 0; from < producers; from++) {
    const reader = CheckedReader.open(layout.edges(round, from, to), ArtefactKind.Edges);
    try {
      const a = new Float64Array(reader.readAll().buffer);
      parts.push(a);
      total += a.length;
    } finally {
      reader.close();
    }
  }
  const out = new Float64Array(total);
  let at = 0;
  for (const a of parts) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

/** Sorts pairs by (first, second) and drops repeats; returns the distinct pairs. */
export function sortUniquePairs(pairs: Float64Array): Float64Array {
  const n = pairs.length / 2;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((x, y) => pairs[2 * x]! - pairs[2 * y]! || pairs[2 * x + 1]! - pairs[2 * y + 1]!);
  const out = new Float64Array(pairs.length);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k]!;
    const a = pairs[2 * i]!, b = pairs[2 * i + 1]!;
    if (m > 0 && out[2 * m - 2] === a && out[2 * m - 1] === b) continue;
    out[2 * m] = a;
    out[2 * m + 1] = b;
    m++;
  }
  return out.subarray(0, 2 * m);
}

/** Calls `onNode(u, neighbours)` for each owner in sorted, distinct pairs; neighbours ascending. */
export function forEachNeighbourhood(sorted: Float64Array, onNode: (u: DocRef, neighbours: Float64Array) => void): void {
  const n = sorted.length / 2;
  const second = new Float64Array(n);
  for (let i = 0; i < n; i++) second[i] = sorted[2 * i + 1]!;
  let i = 0;
  while (i < n) {
    const u = sorted[2 * i]!;
    const start = i;
    while (i < n && sorted[2 * i] === u) i++;
    onNode(u, second.subarray(start, i));
  }
}

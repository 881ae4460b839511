import { SluiceError } from '../../core/errors.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { ArtefactKind, bytesOf, CheckedReader, CheckedWriter } from '../checked-file.js';
import { refPartition, type DocRef } from '../doc-ref.js';
import { readMarker } from '../marker.js';
import type { DedupWorkLayout } from '../work-layout.js';

/** Byte range of each destination partition in a producer's edge file; written after it. */
interface EdgeIndex {
  from: number;
  ranges: [start: number, end: number][];
}

/**
 * Edges between documents, handed from one clustering round to the next. Each undirected edge
 * (u, v) is stored twice: as (u, v) for the partition that owns u and as (v, u) for the one that
 * owns v, so every partition sees the whole neighbourhood of the documents it owns. A producer
 * writes one file, its pairs grouped by destination partition, and an index of the groups, so a
 * round of P tasks makes P files, not P x P.
 */
export class PartitionedEdgeWriter {
  private readonly pairs: Float64Array[] = [];
  private readonly fills: number[] = [];
  edges = 0;

  constructor(
    private readonly layout: DedupWorkLayout,
    private readonly round: string,
    private readonly from: number,
    private readonly partitions: number,
  ) {
    for (let p = 0; p < partitions; p++) {
      this.pairs.push(new Float64Array(16));
      this.fills.push(0);
    }
  }

  private put(p: number, a: DocRef, b: DocRef): void {
    let buf = this.pairs[p]!;
    const fill = this.fills[p]!;
    if (fill + 2 > buf.length) {
      const bigger = new Float64Array(buf.length * 2);
      bigger.set(buf);
      this.pairs[p] = buf = bigger;
    }
    buf[fill] = a;
    buf[fill + 1] = b;
    this.fills[p] = fill + 2;
  }

  add(u: DocRef, v: DocRef): void {
    this.put(refPartition(u, this.partitions), u, v);
    this.put(refPartition(v, this.partitions), v, u);
    this.edges++;
  }

  async close(): Promise<void> {
    const w = new CheckedWriter(this.layout.edges(this.round, this.from), ArtefactKind.Edges, 64 * 1024);
    const index: EdgeIndex = { from: this.from, ranges: [] };
    try {
      for (let p = 0; p < this.partitions; p++) {
        const start = w.offset;
        w.write(bytesOf(this.pairs[p]!.subarray(0, this.fills[p]!)));
        index.ranges.push([start, w.offset]);
      }
      w.close();
    } catch (err) {
      w.abort();
      throw err;
    }
    await writeFileAtomic(this.layout.edgeIndex(this.round, this.from), JSON.stringify(index) + '\n');
  }
}

/** The (owner, neighbour) pairs sent to partition `to` by the `producers` tasks of `round`. */
export function readEdges(layout: DedupWorkLayout, round: string, producers: number, to: number): Float64Array {
  const ranges: [from: number, start: number, end: number][] = [];
  let bytes = 0;
  for (let from = 0; from < producers; from++) {
    const indexPath = layout.edgeIndex(round, from);
    const index = readMarker<EdgeIndex>(indexPath, `${round} task ${from} has not finished`);
    const range = index.ranges[to];
    if (!range) throw new SluiceError('SLUICE_ARTEFACT', `${indexPath} has no partition ${to} (it has ${index.ranges.length})`, { file: indexPath, hint: 'rerun with --fresh' });
    if (range[1] === range[0]) continue;
    ranges.push([from, range[0], range[1]]);
    bytes += range[1] - range[0];
  }
  // each producer's part is read straight into its place in the result
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const [from, start, end] of ranges) {
    const reader = CheckedReader.open(layout.edges(round, from), ArtefactKind.Edges);
    try {
      reader.readInto(start, out.subarray(at, at + end - start));
    } finally {
      reader.close();
    }
    at += end - start;
  }
  return new Float64Array(out.buffer);
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
    const a = pairs[2 * i]!,
      b = pairs[2 * i + 1]!;
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

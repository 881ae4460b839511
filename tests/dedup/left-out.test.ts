import { describe, expect, it } from 'vitest';
import type { RemovedDocs } from '../../src/core/stage.js';
import { docRef } from '../../src/dedup/doc-ref.js';
import { LeftOut } from '../../src/dedup/upstream.js';

function removed(byRank: Map<number, number[]>): RemovedDocs {
  const typed = () => new Map([...byRank].map(([rank, list]) => [rank, Uint32Array.from(list)]));
  return { ofRank: (rank) => typed().get(rank) ?? new Uint32Array(0), all: typed };
}

describe('the documents a fused step leaves out', () => {
  it('answers the same for a task held as a sorted list (few left out) and one held as a bitmap (many)', () => {
    const sparse = [3, 900, 70_000]; // 12 bytes listed against 8.75 kB of bitmap
    const dense = Array.from({ length: 400 }, (_, i) => i * 3 + (i % 2)); // every third document or so
    const edge = [0, 7, 8, 15, 16]; // byte boundaries of a bitmap
    const leftOut = new LeftOut(
      removed(
        new Map([
          [0, sparse],
          [4, dense],
          [9, edge],
        ]),
      ),
    );
    for (const [rank, list] of [
      [0, sparse],
      [4, dense],
      [9, edge],
    ] as const) {
      const set = new Set(list);
      const top = list[list.length - 1]! + 20;
      for (let o = 0; o <= top; o += o < 2000 ? 1 : 997) {
        expect(leftOut.hasOrdinal(rank, o), `task ${rank} ordinal ${o}`).toBe(set.has(o));
        expect(leftOut.has(docRef(rank, o))).toBe(set.has(o));
      }
    }
    expect(leftOut.hasOrdinal(1, 3)).toBe(false); // a task that removes none
    expect(leftOut.hasOrdinal(4, 2 ** 32 - 1)).toBe(false); // past a bitmap's end
    const listed = new Map([...leftOut.byTask()].map(([rank, list]) => [rank, [...list]]));
    expect(listed).toEqual(
      new Map([
        [0, sparse],
        [4, dense],
        [9, edge],
      ]),
    );
  });
});

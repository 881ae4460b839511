import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import { docRef, refOrdinal, refRank } from '../../src/dedup/doc-ref.js';
import { KeyRows, mergeGroups, sortRows, writeSortedRun } from '../../src/dedup/sorted-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function rowsOf(keys: [number, number][]): KeyRows {
  const rows = new KeyRows(3, 1);
  keys.forEach(([hi, lo], ord) => {
    const at = rows.append();
    rows.data[at] = hi;
    rows.data[at + 1] = lo;
    rows.data[at + 2] = ord;
  });
  return rows;
}

function tuples(rows: KeyRows): [number, number, number][] {
  return Array.from({ length: rows.count }, (_, i) => [rows.data[3 * i]!, rows.data[3 * i + 1]!, rows.data[3 * i + 2]!]);
}

describe('sorted key runs', () => {
  it('radix sort orders by the full key, unsigned, and is stable', () => {
    const u32 = fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0x80000000, 0xffffffff), fc.integer({ min: 0, max: 0xffffffff }));
    fc.assert(
      fc.property(fc.array(fc.tuple(u32, u32), { maxLength: 300 }), (keys) => {
        const rows = rowsOf(keys);
        sortRows(rows, 2);
        const expected = keys.map(([hi, lo], ord) => [hi, lo, ord] as [number, number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
        expect(tuples(rows)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('tables past the small-sort size (16-bit digits) sort the same way', () => {
    const r = mulberry32(15);
    // few distinct high words, so equal keys and skipped passes both occur
    const keys: [number, number][] = Array.from({ length: 40_000 }, () => [(r() * 64) >>> 0, r() < 0.5 ? 7 : (r() * 0x100000000) >>> 0]);
    const rows = rowsOf(keys);
    sortRows(rows, 2);
    const expected = keys.map(([hi, lo], ord) => [hi, lo, ord] as [number, number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
    expect(tuples(rows)).toEqual(expected);
  });

  it('key-range starts point at the first row of each top byte', () => {
    const rows = rowsOf([
      [0x00000001, 5],
      [0x01ffffff, 1],
      [0xff000000, 2],
      [0x01000000, 3],
    ]);
    sortRows(rows, 2);
    const starts = writeSortedRun(join(dir, 'ranges.keys'), rows);
    expect(starts.length).toBe(257);
    expect(starts[0]).toBe(0);
    expect(starts[1]).toBe(1);
    expect(starts[2]).toBe(3);
    expect(starts[255]).toBe(3);
    expect(starts[256]).toBe(4);
  });

  it('merging runs of several tasks groups equal keys, members in (rank, ordinal) order', () => {
    const r = mulberry32(9);
    const world = 4;
    const slices = [];
    const truth = new Map<string, number[]>();
    for (let rank = 0; rank < world; rank++) {
      const keys: [number, number][] = [];
      for (let ord = 0; ord < 500; ord++) {
        const k = Math.floor(r() * 300); // plenty of repeats, within and across tasks
        const key: [number, number] = [(Math.imul(k, 0x9e3779b1) >>> 0) & 0xfff00000, k];
        keys.push(key);
        const name = key.join(':');
        truth.set(name, [...(truth.get(name) ?? []), docRef(rank, ord)]);
      }
      const rows = rowsOf(keys);
      sortRows(rows, 2);
      const path = join(dir, `merge-${rank}.keys`);
      const starts = writeSortedRun(path, rows);
      slices.push({ path, rank, start: starts[0]!, end: starts[256]! });
    }
    const groups: number[][] = [];
    mergeGroups(slices, 3, 2, (members) => groups.push([...members]));
    const expected = [...truth.values()].filter((m) => m.length > 1);
    expect(groups.length).toBe(expected.length);
    expect(new Set(groups.map((g) => g.join(',')))).toEqual(new Set(expected.map((g) => g.join(','))));
    for (const g of groups) {
      const sorted = [...g].sort((a, b) => refRank(a) - refRank(b) || refOrdinal(a) - refOrdinal(b));
      expect(g).toEqual(sorted);
    }
  });

  it('merges more runs than it keeps files open (closing them between chunks)', () => {
    const slices = [];
    for (let rank = 0; rank < 300; rank++) {
      const rows = rowsOf(Array.from({ length: 5000 }, (_, i): [number, number] => [i % 7 === 0 ? 0x10000000 : 0x20000000 + i, rank % 3]));
      sortRows(rows, 2);
      const path = join(dir, `many-${rank}.keys`);
      const starts = writeSortedRun(path, rows);
      slices.push({ path, rank, start: starts[0]!, end: starts[256]! });
    }
    const sizes: number[] = [];
    mergeGroups(slices, 3, 2, (members) => sizes.push(members.length));
    // key (0x10000000, rank % 3): 715 rows per run, 100 runs per key; the rest are unique per run but repeat across runs
    expect(sizes.filter((n) => n === 71_500).length).toBe(3);
    expect(sizes.length).toBe(3 + 4285 * 3);
  });
});

import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { loadRemovals, loadRemovedOrdinals, writeRemovals, type Removal } from '../../src/dedup/removals.js';
import { DedupWorkLayout } from '../../src/dedup/work-layout.js';
import { tempDir } from '../helpers/corpus.js';

/** Three step tasks' decisions: ranks spread over tasks, a rank in several, given out of order. */
function decisions(): Removal[][] {
  const removal = (rank: number, ordinal: number): Removal => ({ rank, ordinal, id: `doc-${rank}-${ordinal}`, keptId: `kept-${rank}`, similarity: 0.9 });
  return [
    [removal(2, 40), removal(0, 7), removal(2, 3), removal(0, 1)],
    [removal(2, 17), removal(5, 0)],
    [], // a step task that removes nothing
    [removal(0, 4), removal(5, 2 ** 32 - 1)],
  ];
}

const EXPECTED = new Map([
  [0, [1, 4, 7]],
  [2, [3, 17, 40]],
  [5, [0, 2 ** 32 - 1]],
]);

async function written(): Promise<DedupWorkLayout> {
  const layout = new DedupWorkLayout(tempDir());
  const all = decisions();
  for (let t = 0; t < all.length; t++) await writeRemovals(layout, t, all[t]!);
  return layout;
}

function asArrays(m: Map<number, Uint32Array>): Map<number, number[]> {
  return new Map([...m].sort((a, b) => a[0] - b[0]).map(([rank, list]) => [rank, [...list]]));
}

describe('removal lists', () => {
  it("every rank's removed ordinals, ascending, from every step task's ordinals file; one rank alone; the full records for apply", async () => {
    const layout = await written();
    expect(asArrays(loadRemovedOrdinals(layout, 4))).toEqual(EXPECTED);
    expect(asArrays(loadRemovedOrdinals(layout, 4, 2))).toEqual(new Map([[2, [3, 17, 40]]]));
    expect(loadRemovedOrdinals(layout, 4, 3).size).toBe(0);
    const records = loadRemovals(layout, 4, 0);
    expect([...records.keys()].sort((a, b) => a - b)).toEqual([1, 4, 7]);
    expect(records.get(4)).toEqual({ rank: 0, ordinal: 4, id: 'doc-0-4', keptId: 'kept-0', similarity: 0.9 });
  });

  it('reads the work files of a sluice before the ordinals files from their JSON lines, with the same answer', async () => {
    const layout = await written();
    for (let t = 0; t < 4; t++) {
      rmSync(layout.removedOrdinals(t));
      const index = JSON.parse(readFileSync(layout.removalIndex(t), 'utf8')) as { ranks: Record<string, number[]> };
      for (const range of Object.values(index.ranks)) range.length = 3;
      writeFileSync(layout.removalIndex(t), JSON.stringify(index) + '\n');
    }
    expect(asArrays(loadRemovedOrdinals(layout, 4))).toEqual(EXPECTED);
    expect(asArrays(loadRemovedOrdinals(layout, 4, 5))).toEqual(new Map([[5, [0, 2 ** 32 - 1]]]));
  });

  it('a damaged ordinals file stops the read with SLUICE_ARTEFACT naming it', async () => {
    const layout = await written();
    const file = layout.removedOrdinals(0);
    const bytes = readFileSync(file);
    bytes[bytes.length - 6]! ^= 0xff; // a payload byte of the last block
    writeFileSync(file, bytes);
    expect(() => loadRemovedOrdinals(layout, 4)).toThrow(SluiceError);
    expect(() => loadRemovedOrdinals(layout, 4)).toThrow(/t00000\.ord.*CRC-32/);
    // the ranks task 0 holds nothing of are read without it
    expect(asArrays(loadRemovedOrdinals(layout, 4, 5))).toEqual(new Map([[5, [0, 2 ** 32 - 1]]]));
  });
});

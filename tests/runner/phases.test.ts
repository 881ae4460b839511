/**
 * Phases around a barrier (exact_dedup): tasks that hand the next phase no documents, and single
 * tasks run by --rank in a step phase with more tasks than the docs phases, as a scheduler runs them.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { readSpill } from '../../src/runner/spill.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

const dir = tempDir('sluice-phases-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function pipeline(out: string, groupsTasks: number): string {
  return writePipeline(
    dir,
    `name: phases
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 100}
  - exact_dedup: {mode: scale_out, tasks: ${groupsTasks}}
output:
  dir: ${out}
runner:
  tasks: 5
`,
    `${out.split('/').pop()}.yaml`,
  );
}

describe('phases around a barrier', () => {
  // 3 files for 5 tasks: tasks 3 and 4 read nothing, and short.jsonl.gz's task keeps nothing
  writeJsonlCorpus(dir, [
    { name: 'a.jsonl.gz', docs: 30 },
    { name: 'b.jsonl.gz', docs: 30 },
    { name: 'short.jsonl.gz', docs: 10, chars: 20 },
  ]);

  it('a task that spills no documents hands the next phase an empty spill, not a missing one', async () => {
    const out = join(dir, 'empty');
    const result = await runPipeline({ pipelineFile: pipeline(out, 5), workers: 1, keepScratch: true, log: silentLogger });
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    // a and b hold the same texts (same seeds), so b's 30 are exact duplicates of a's
    expect(stats.ledger).toEqual({ docs_in: 70, kept: 30, rejected: 10, duplicates: 30, balanced: true });
    expect(result.report?.manifest.rows).toBe(30);
    for (const rank of [2, 3, 4]) {
      const spilled: unknown[] = [];
      for await (const d of readSpill(join(out, '.sluice', 'spill', 'docs-0', `0000${rank}.spill.zst`))) spilled.push(d);
      expect(spilled).toEqual([]);
    }
  });

  it("--rank runs a step-phase task past the docs phases' world, and refuses one past the phase's own count", async () => {
    const out = join(dir, 'ranks');
    const file = pipeline(out, 7);
    const run = (phase: string, rank: number) => runPipeline({ pipelineFile: file, phase, rank, world: 5, log: silentLogger });
    for (let rank = 0; rank < 5; rank++) await run('docs-0', rank);
    await expect(run('docs-0', 5)).rejects.toThrow(/--rank 5 is outside 0\.\.4: phase docs-0 has 5 task/);
    for (let rank = 0; rank < 7; rank++) await run('exact_dedup.groups', rank);
    await expect(run('exact_dedup.groups', 7)).rejects.toSatisfy((e) => e instanceof SluiceError && e.code === 'SLUICE_USAGE');
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    for (let rank = 0; rank < 4; rank++) await run('docs-1', rank);
    const last = await run('docs-1', 4);
    // the last task to finish writes stats and manifest
    expect(last.report?.stats.ledger).toEqual({ docs_in: 70, kept: 30, rejected: 10, duplicates: 30, balanced: true });
    expect((await readDataset(out, ['id'])).map((r) => r['id'] as string).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `a.jsonl.gz-${i + 1}`).sort());
  });
});

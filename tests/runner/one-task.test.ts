import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import type { Manifest } from '../../src/runner/finalize.js';
import { OutputLayout } from '../../src/runner/layout.js';
import { allTasksFinished } from '../../src/runner/marker.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

describe('a scheduler task that ends', () => {
  it('learns whether it is the last from the markers that exist, wherever the missing one is', async () => {
    const layout = new OutputLayout(tempDir());
    const phases = [
      { id: 'docs-0', tasks: 4 },
      { id: 'exact_dedup.groups', tasks: 2 },
      { id: 'docs-1', tasks: 4 },
    ];
    const all = phases.flatMap((p) => Array.from({ length: p.tasks }, (_, rank) => ({ phase: p.id, rank })));
    const plant = (l: OutputLayout, phase: string, rank: number): void => {
      const path = l.taskMarker(phase, rank);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, '{}\n');
    };
    // a single missing marker, wherever it is, is found by every asking task
    for (const missing of all) {
      const l = new OutputLayout(tempDir());
      for (const t of all) if (t !== missing) plant(l, t.phase, t.rank);
      for (const asking of all) {
        if (asking === missing) continue; // a task asks once its own marker is written
        expect(await allTasksFinished(l, phases, asking.phase, asking.rank), `${missing.phase}/${missing.rank} missing, asked by ${asking.phase}/${asking.rank}`).toBe(false);
      }
    }
    for (const t of all) plant(layout, t.phase, t.rank);
    expect(await allTasksFinished(layout, phases, 'docs-1', 3)).toBe(true);
    expect(await allTasksFinished(layout, phases, 'exact_dedup.groups', 0)).toBe(true);
  });

  it('run task by task, in any order within a phase, only the last task writes stats and manifest, the same as a local run', { timeout: 180_000 }, async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl', docs: 60, codec: 'none' },
      { name: 'b.jsonl', docs: 60, codec: 'none' },
      { name: 'c.jsonl', docs: 60, codec: 'none' },
    ]);
    const yaml = (out: string): string => `name: one-task
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl"]
stages:
  - length: {min_chars: 20}
  - exact_dedup: {}
output:
  dir: ${out}
`;
    const local = await runPipeline({ pipelineFile: writePipeline(dir, yaml(join(dir, 'local')), 'local.yaml'), workers: 1, log: silentLogger });
    const file = writePipeline(dir, yaml(join(dir, 'tasks')), 'tasks.yaml');
    const out = join(dir, 'tasks');
    const phases = local.prepared.phases.map((p) => ({ id: p.id, tasks: p.tasks }));
    expect(phases.map((p) => p.id)).toEqual(['docs-0', 'exact_dedup.groups', 'docs-1']);
    const finalized: string[] = [];
    for (const p of phases) {
      const order = Array.from({ length: p.tasks }, (_, r) => r).reverse();
      for (const rank of order) {
        const r = await runPipeline({ pipelineFile: file, phase: p.id, rank, world: phases[0]!.tasks, log: silentLogger });
        if (r.report) finalized.push(`${p.id}/${rank}`);
        expect(existsSync(join(out, 'manifest.json'))).toBe(r.report !== undefined);
      }
    }
    const last = phases[phases.length - 1]!;
    expect(finalized).toEqual([`${last.id}/0`]);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.shards.map((s) => [s.path, s.sha256])).toEqual(local.report!.manifest.shards.map((s) => [s.path, s.sha256]));
  });
});

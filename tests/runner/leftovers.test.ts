import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/log.js';
import type { Manifest } from '../../src/runner/finalize.js';
import { OutputLayout } from '../../src/runner/layout.js';
import { cleanTaskOutputs, removeUnclaimedOutputs } from '../../src/runner/leftovers.js';
import type { TaskMarker } from '../../src/runner/marker.js';
import { runPipeline } from '../../src/runner/run.js';
import { verifyOutput } from '../../src/runner/verify.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

function plant(dir: string, paths: string[]): void {
  for (const p of paths) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), 'left by an interrupted attempt');
  }
}

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return (readdirSync(dir, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path ?? '', e.name).slice(dir.length + 1))
    .sort();
}

function marker(phase: string, rank: number, shards: string[], rejects: string[]): TaskMarker {
  const file = { rows: 1, bytes: 1, sha256: '0' };
  return {
    phase,
    rank,
    world: 4,
    stats: { ledger: { docs_in: 0, kept: 0, rejected: 0, duplicates: 0 }, stages: {}, sources: {}, histograms: {} },
    shards: shards.map((path) => ({ path, tokens: 0, ...file })),
    rejects: rejects.map((path) => ({ stage: path.split('/')[0]!, path, ...file })),
    started: '',
    seconds: 0,
    host: '',
    pid: 0,
    peak_rss_mb: 0,
  } as TaskMarker;
}

describe("a task's leftovers", () => {
  it("a task's next attempt removes its own shards, rejects, spill and their temp files by name, and nothing of another task's", async () => {
    const dir = tempDir();
    const layout = new OutputLayout(dir);
    const mine = [
      'shards/part-00003-00000.parquet',
      'shards/part-00003-00001.parquet',
      'shards/.part-00003-00002.parquet.tmp',
      'rejects/length/docs-0-00003.jsonl.zst',
      'rejects/c4/.docs-0-00003.jsonl.zst.tmp',
      '.sluice/spill/docs-0/00003.spill.zst',
      '.sluice/spill/docs-0/.00003.spill.zst.tmp',
    ];
    const others = [
      'shards/part-00004-00000.parquet',
      'shards/part-00030-00000.parquet',
      'shards/.part-00004-00001.parquet.tmp',
      'rejects/length/docs-0-00004.jsonl.zst',
      'rejects/length/docs-1-00003.jsonl.zst',
      'rejects/c4/docs-0-00030.jsonl.zst',
      '.sluice/spill/docs-0/00004.spill.zst',
      '.sluice/spill/docs-1/00003.spill.zst',
    ];
    plant(dir, [...mine, ...others]);
    await cleanTaskOutputs(layout, 'docs-0', 3);
    expect(filesUnder(dir)).toEqual([...others].sort());
    // nothing left to remove is not an error, nor is a missing rejects or spill folder
    await cleanTaskOutputs(layout, 'docs-0', 3);
    await cleanTaskOutputs(new OutputLayout(tempDir()), 'docs-0', 0);
  });

  it('once every task finished, finalize removes the temp files and the task outputs no marker claims, and only those', async () => {
    const dir = tempDir();
    const layout = new OutputLayout(dir);
    const claimed = ['shards/part-00000-00000.parquet', 'shards/part-00001-00000.parquet', 'rejects/length/docs-0-00000.jsonl.zst', 'rejects/length/docs-1-00001.jsonl.zst'];
    const stray = [
      'shards/part-00001-00002.parquet', // past a gap in the numbering
      'shards/.part-00000-00001.parquet.tmp',
      'shards/.part-00001-00000.parquet.4242.0badf00d.tmp', // an older sluice's temp name
      'rejects/length/docs-0-00001.jsonl.zst',
      'rejects/c4/.docs-1-00000.jsonl.zst.77.cafe0123.tmp',
    ];
    const users = ['shards/README.txt', 'shards/part-a.parquet', 'rejects/length/notes.jsonl'];
    plant(dir, [...claimed, ...stray, ...users]);
    const markers = new Map([
      ['docs-0', [marker('docs-0', 0, [], ['length/docs-0-00000.jsonl.zst']), marker('docs-0', 1, [], [])]],
      // markers of older versions hold absolute rejects paths
      ['docs-1', [marker('docs-1', 0, ['part-00000-00000.parquet'], []), marker('docs-1', 1, ['part-00001-00000.parquet'], [join(layout.rejectsDir, 'length/docs-1-00001.jsonl.zst')])]],
    ]);
    const removed = await removeUnclaimedOutputs(layout, markers, 'docs-1');
    expect(removed.sort()).toEqual([...stray].sort());
    expect(filesUnder(dir)).toEqual([...claimed, ...users].sort());
    expect(await removeUnclaimedOutputs(layout, markers, 'docs-1')).toEqual([]);
  });

  it('a rerun after a killed attempt writes the same output, and finalize removes a shard the attempt left past a gap, with a warning', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl', docs: 2000, codec: 'none', chars: 400 },
      { name: 'b.jsonl', docs: 300, codec: 'none', chars: 60 },
    ]);
    const file = writePipeline(
      dir,
      `name: leftovers
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl"]
stages:
  - length: {min_chars: 120}
output:
  dir: ${dir}/out
  shard_bytes: 32KiB
`,
    );
    const out = join(dir, 'out');
    const lines: string[] = [];
    const log = createLogger('info', '', (l) => lines.push(l));
    await runPipeline({ pipelineFile: file, workers: 1, log });
    const first = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(first.shards.filter((s) => s.path.startsWith('shards/part-00000-')).length).toBeGreaterThan(1);
    expect(lines.filter((l) => l.includes('interrupted attempts left'))).toEqual([]);

    // As a kill before task 0's marker leaves it: its outputs and a temp file on disk, no marker,
    // no manifest; and what numbering alone cannot find, a shard past a gap and an older sluice's
    // temp name (a local run's leader sweeps temp files before the tasks start).
    rmSync(join(out, '.sluice', 'tasks', 'docs-0', '00000.json'));
    rmSync(join(out, 'manifest.json'));
    plant(out, ['shards/.part-00000-00000.parquet.tmp', 'shards/part-00000-00042.parquet', 'rejects/length/.docs-0-00000.jsonl.zst.999.abad1dea.tmp']);
    lines.length = 0;
    const rerun = await runPipeline({ pipelineFile: file, workers: 1, log });
    expect(rerun.report?.manifest.shards).toEqual(first.shards);
    const warned = lines.filter((l) => l.includes('interrupted attempts left'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain('removed 1 file(s)');
    expect(warned[0]).toContain('shards/part-00000-00042.parquet');
    expect(existsSync(join(out, 'shards', 'part-00000-00042.parquet'))).toBe(false);
    expect(readdirSync(join(out, 'shards')).sort()).toEqual(first.shards.map((s) => s.path.slice('shards/'.length)).sort());
    expect(filesUnder(out).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    expect((await verifyOutput(new OutputLayout(out), { checksums: true })).problems).toEqual([]);
    expect((await readDataset(out)).length).toBe(first.rows);
  });
});

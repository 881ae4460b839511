/**
 * The executor seam: worker processes start from their own module (worker-main), found beside the
 * runner, so a run from the TypeScript sources forks workers from the sources too (no dist/ needed).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { cliEntry, workerEntry } from '../../src/runner/entry-points.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { OutputLayout } from '../../src/runner/layout.js';
import type { TaskMarker } from '../../src/runner/marker.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

function pipelineYaml(dir: string, out: string): string {
  return `name: executors-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl*"]
stages:
  - length: {min_chars: 120}
  - exact_dedup: {}
output:
  dir: ${out}
  shard_bytes: 64KiB
runner:
  tasks: 4
`;
}

describe('executors', () => {
  it('entry points resolve to the sources under the test runner, loaded through tsx', () => {
    for (const entry of [workerEntry(), cliEntry()]) {
      expect(entry.module).toMatch(/[/\\]src[/\\](runner[/\\]worker-main|cli[/\\]main)\.ts$/);
      expect(entry.execArgv[0]).toBe('--import');
      expect(entry.execArgv[1]).toMatch(/^file:.*tsx/);
    }
  });

  it('a local run with worker processes, started from the sources, writes what a one-process run writes', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 300, badLines: [5], codec: 'gzip' },
      { name: 'b.jsonl.zst', docs: 200, codec: 'zstd' },
      { name: 'c.jsonl', docs: 100, codec: 'none', chars: 60 },
      { name: 'd.jsonl', docs: 150, codec: 'none' },
    ]);
    const one = join(dir, 'one');
    const two = join(dir, 'two');
    await runPipeline({ pipelineFile: writePipeline(dir, pipelineYaml(dir, one), 'one.yaml'), workers: 1, log: silentLogger });
    await runPipeline({ pipelineFile: writePipeline(dir, pipelineYaml(dir, two), 'two.yaml'), workers: 2, log: silentLogger });
    const stats = (out: string): StatsFile => JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    expect(stats(two).ledger).toEqual(stats(one).ledger);
    expect(stats(two).ledger).toMatchObject({ docs_in: 750, balanced: true });
    // with two workers the tasks ran in two processes, this one (the first lane) and a worker process; with one, in this one
    const markerPids = (out: string): Set<number> => {
      const pids = new Set<number>();
      const tasks = new OutputLayout(out).stateDir + '/tasks';
      for (const phase of readdirSync(tasks)) for (const f of readdirSync(join(tasks, phase))) pids.add((JSON.parse(readFileSync(join(tasks, phase, f), 'utf8')) as TaskMarker).pid);
      return pids;
    };
    expect(markerPids(one)).toEqual(new Set([process.pid]));
    const workerPids = markerPids(two);
    expect(workerPids.size).toBe(2);
    expect(workerPids.has(process.pid)).toBe(true);
    const ids = async (out: string): Promise<string[]> => (await readDataset(out)).map((r) => String(r['id'])).sort();
    expect(await ids(two)).toEqual(await ids(one));
  }, 240_000);

  it('a pipeline given as an object runs with worker processes, which receive the object; Slurm asks for a file', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl', docs: 120, codec: 'none' },
      { name: 'b.jsonl', docs: 80, codec: 'none', chars: 60 },
    ]);
    const pipeline = {
      name: 'object-pipeline',
      inputs: [{ reader: 'jsonl', paths: ['*.jsonl'] }],
      stages: [{ length: { min_chars: 120 } }],
      output: { dir: join(dir, 'out') },
      runner: { tasks: 2 },
    };
    const cwd = process.cwd();
    // relative input paths resolve from the working directory, as for a pipeline file
    process.chdir(dir);
    try {
      const result = await runPipeline({ pipeline, baseDir: dir, workers: 2, log: silentLogger });
      expect(result.report?.stats.ledger).toEqual({ docs_in: 200, kept: 120, rejected: 80, duplicates: 0, balanced: true });
      const tasks = new OutputLayout(join(dir, 'out')).stateDir + '/tasks';
      const pids = new Set(readdirSync(join(tasks, 'docs-0')).map((f) => (JSON.parse(readFileSync(join(tasks, 'docs-0', f), 'utf8')) as TaskMarker).pid));
      // one task in this process (the first lane), the other in a worker process that got the object
      expect(pids.size).toBe(2);
      expect(pids.has(process.pid)).toBe(true);
    } finally {
      process.chdir(cwd);
    }
    await expect(runPipeline({ pipeline, baseDir: dir, executor: 'slurm', log: silentLogger })).rejects.toThrow(/needs a pipeline file/);
    await expect(runPipeline({ log: silentLogger })).rejects.toThrow(/exactly one of pipelineFile and pipeline/);
  }, 240_000);

  it('worker-main is not a command: started by hand it exits 1 saying so', () => {
    const entry = workerEntry();
    const r = spawnSync(process.execPath, [...entry.execArgv, entry.module], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('started by a local run');
  }, 90_000);
});

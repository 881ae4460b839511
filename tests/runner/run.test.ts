import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { RejectRecord } from '../../src/runner/rejects.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

function pipelineYaml(dir: string, extra = ''): string {
  return `name: runner-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl*"]
stages:
  - length: {min_chars: 120}
output:
  dir: ${dir}/out
  shard_bytes: 64KiB
${extra}`;
}

async function rejectsOf(dir: string): Promise<RejectRecord[]> {
  const out: RejectRecord[] = [];
  for (const stage of readdirSync(join(dir, 'rejects'))) {
    for (const f of readdirSync(join(dir, 'rejects', stage))) for await (const r of readJsonl<RejectRecord>(join(dir, 'rejects', stage, f))) out.push(r);
  }
  return out;
}

describe('runner', () => {
  it('runs a pipeline end to end: balanced ledger, shards an independent reader reads, rejects with reasons', async () => {
    const dir = tempDir();
    const ids = writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 400, badLines: [7], codec: 'gzip' },
      { name: 'b.jsonl.zst', docs: 300, codec: 'zstd' },
      { name: 'c.jsonl', docs: 200, codec: 'none', chars: 60 },
    ]);
    const file = writePipeline(dir, pipelineYaml(dir));
    const result = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    const out = join(dir, 'out');
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    expect(stats.ledger).toEqual({ docs_in: 900, kept: 699, rejected: 201, duplicates: 0, balanced: true });
    expect(stats.stages['jsonl']!.rejected).toEqual({ bad_record: 1 });
    expect(stats.stages['length']).toMatchObject({ in: 899, out: 699, rejected: { too_short: 200 } });
    expect(result.report?.manifest.rows).toBe(699);

    const manifest = readManifest(out);
    expect(manifest.shards.length).toBeGreaterThan(1); // 64 KiB shards roll over
    const rows = await readDataset(out);
    expect(rows.length).toBe(699);
    expect(new Set(rows.map((r) => r['id']))).toEqual(new Set(ids.filter((id) => !id.startsWith('c.'))));
    const first = rows.find((r) => r['id'] === 'a.jsonl.gz-1')!;
    expect(first['source']).toBe('jsonl');
    expect(JSON.parse(first['meta'] as string)).toEqual({ lang: 'en', n: 1 });

    const rejects = await rejectsOf(out);
    const bad = rejects.find((r) => r.reason === 'bad_record')!;
    expect(bad).toMatchObject({ stage: 'jsonl', file: `${dir}/a.jsonl.gz`, record: 7, kind: 'rejected' });
    expect(rejects.filter((r) => r.reason === 'too_short').length).toBe(200);
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('fails on the first bad record in strict mode, naming file and line', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 20, badLines: [5] }]);
    const file = writePipeline(dir, pipelineYaml(dir));
    await expect(runPipeline({ pipelineFile: file, workers: 1, strict: true, log: silentLogger })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.message.includes(`error[SLUICE_BAD_RECORD]: ${dir}/a.jsonl.gz:5: invalid JSON`),
    );
    expect(existsSync(join(dir, 'out', 'manifest.json'))).toBe(false);
  });

  it('skips finished tasks on a rerun and refuses to resume a different configuration', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 50 },
      { name: 'b.jsonl.gz', docs: 50 },
    ]);
    const file = writePipeline(dir, pipelineYaml(dir));
    await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    const marker = join(dir, 'out', '.sluice', 'tasks', 'docs-0', '00000.json');
    const before = readFileSync(marker, 'utf8');
    await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    expect(readFileSync(marker, 'utf8')).toBe(before);

    writeFileSync(file, pipelineYaml(dir).replace('min_chars: 120', 'min_chars: 10'));
    await expect(runPipeline({ pipelineFile: file, workers: 1, log: silentLogger })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_RESUME_MISMATCH' && e.hint!.includes('--fresh'),
    );
    const fresh = await runPipeline({ pipelineFile: file, workers: 1, fresh: true, log: silentLogger });
    expect(fresh.report?.stats.ledger.kept).toBe(100);
  });

  it('resumes a run that another sluice planned with other dedup step counts, with those counts; refuses other phases', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 40 },
      { name: 'b.jsonl.gz', docs: 40 },
    ]);
    const file = writePipeline(dir, pipelineYaml(dir).replace('  - length: {min_chars: 120}', '  - length: {min_chars: 120}\n  - exact_dedup: {}'));
    const first = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    const planFile = join(dir, 'out', '.sluice', 'plan.json');
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { phases: { id: string; tasks: number }[] };
    expect(plan.phases.map((p) => `${p.id} x${p.tasks}`)).toEqual(['docs-0 x2', 'exact_dedup.groups x2', 'docs-1 x2']);
    const ids = async (): Promise<string[]> => (await readDataset(join(dir, 'out'), ['id'])).map((r) => r['id'] as string).sort();
    const keptIds = await ids();

    // the plan of a sluice whose default split the groups step into 3 tasks, its run stopped before any task ended
    rmSync(join(dir, 'out'), { recursive: true });
    mkdirSync(join(dir, 'out', '.sluice'), { recursive: true });
    writeFileSync(planFile, JSON.stringify({ ...plan, phases: plan.phases.map((p) => (p.id === 'exact_dedup.groups' ? { ...p, tasks: 3 } : p)) }));
    const resumed = await runPipeline({ pipelineFile: file, workers: 2, log: silentLogger });
    expect(resumed.report?.stats.tasks.map((p) => `${p.phase} x${p.tasks}`)).toEqual(['docs-0 x2', 'exact_dedup.groups x3', 'docs-1 x2']);
    expect(resumed.report?.stats.ledger).toEqual(first.report?.stats.ledger);
    expect(await ids()).toEqual(keptIds);

    // a plan with a step this sluice does not have: its finished phases' files would be read by tasks they were not written for
    const withStep = JSON.parse(readFileSync(planFile, 'utf8')) as typeof plan;
    withStep.phases.splice(2, 0, { id: 'exact_dedup.sort', tasks: 2 });
    writeFileSync(planFile, JSON.stringify(withStep));
    await expect(runPipeline({ pipelineFile: file, workers: 1, log: silentLogger })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_RESUME_MISMATCH' && e.message.includes('exact_dedup.sort x2 then, docs-1 x2 now') && e.hint!.includes('--fresh'),
    );
  });

  it('names the YAML path of a missing input file and of a glob that matches nothing', async () => {
    const dir = tempDir();
    const missing = writePipeline(dir, pipelineYaml(dir).replace(`"${dir}/*.jsonl*"`, `"${dir}/nope.jsonl"`));
    await expect(runPipeline({ pipelineFile: missing, log: silentLogger })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_INPUT_MISSING' && e.message.startsWith('inputs[0].paths[0]: input file') && e.message.includes('nope.jsonl'),
    );
    const empty = writePipeline(dir, pipelineYaml(dir));
    await expect(runPipeline({ pipelineFile: empty, log: silentLogger })).rejects.toSatisfy(
      (e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_INPUT_NO_MATCH' && e.message.includes(`inputs[0].paths[0]: the glob "${dir}/*.jsonl*" matches no files`),
    );
  });

  it('runs a single task as a scheduler would, and the last task finalizes', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 30 },
      { name: 'b.jsonl.gz', docs: 30 },
      { name: 'c.jsonl.gz', docs: 30 },
    ]);
    const file = writePipeline(dir, pipelineYaml(dir));
    const r0 = await runPipeline({ pipelineFile: file, rank: 0, world: 2, log: silentLogger });
    expect(r0.report).toBeUndefined();
    const r1 = await runPipeline({ pipelineFile: file, rank: 1, world: 2, log: silentLogger });
    expect(r1.report?.stats.ledger).toMatchObject({ docs_in: 90, kept: 90, balanced: true });
    const rows = await readDataset(join(dir, 'out'));
    expect(rows.length).toBe(90);
  });

  it('applies a stage only to the sources it names; the others bypass it', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'web.jsonl.gz', docs: 30, chars: 100 },
      { name: 'code.jsonl.gz', docs: 20, chars: 100 },
    ]);
    const file = writePipeline(
      dir,
      `name: routed\ninputs:\n  - {reader: jsonl, paths: ["${dir}/web.jsonl.gz"], source: web}\n  - {reader: jsonl, paths: ["${dir}/code.jsonl.gz"], source: code}\nstages:\n  - length: {min_chars: 1000, sources: [web]}\noutput:\n  dir: ${dir}/out\n`,
    );
    const r = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
    const stats = r.report!.stats;
    expect(stats.ledger).toMatchObject({ docs_in: 50, kept: 20, rejected: 30, balanced: true });
    expect(stats.stages['length']).toMatchObject({ in: 30, out: 0, rejected: { too_short: 30 }, counters: { bypassed: 20 } });
    expect(stats.sources['code']).toMatchObject({ kept: 20 });
  });
});

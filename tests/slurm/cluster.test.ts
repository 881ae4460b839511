/**
 * sluice on a real Slurm: a one-machine cluster with two nodes (tests/slurm/local-cluster.sh),
 * the executor submitting job arrays through sbatch and watching them through squeue and scontrol.
 * Every Slurm run is compared with a local run of the same pipeline: same shards (bytes), same
 * rows, same stats and ledger.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { Plan } from '../../src/runner/plan.js';
import type { Submission } from '../../src/runner/slurm/submission.js';
import { CLI, ROOT, sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';
import { seconds, startLocalCluster, type LocalCluster } from '../helpers/slurm.js';

let cluster: LocalCluster;
const dir = tempDir('sluice-slurm-');

beforeAll(() => {
  cluster = startLocalCluster({ nodes: 2, cpus: 2 });
});

afterAll(() => {
  cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const submissionOf = (out: string): Submission => readJson<Submission>(join(out, '.sluice', 'slurm', 'submission.json'));

function rowDigest(row: Record<string, unknown>): string {
  return createHash('sha256')
    .update(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
    .digest('hex');
}

/** Shards byte for byte, the rows in them, and stats.json apart from timestamps and timings. */
async function expectSameOutput(got: string, want: string): Promise<void> {
  const shards = (d: string) => readManifest(d).shards.map((s) => ({ path: s.path, rows: s.rows, sha256: s.sha256 }));
  expect(shards(got)).toEqual(shards(want));
  const rows = async (d: string) => (await readDataset(d)).map(rowDigest).sort();
  const gotRows = await rows(got);
  expect(gotRows.length).toBeGreaterThan(0);
  expect(gotRows).toEqual(await rows(want));
  const stats = (d: string) => {
    const { ledger, stages, sources, histograms } = readJson<StatsFile>(join(d, 'stats.json'));
    return { ledger, stages, sources, histograms };
  };
  const s = stats(got);
  expect(s.ledger.balanced).toBe(true);
  expect(s).toEqual(stats(want));
}

/** Nodes named in the task logs' first lines (`... on c1 at ...`). */
function nodesInLogs(out: string): Set<string> {
  const nodes = new Set<string>();
  const logs = join(out, '.sluice', 'logs');
  for (const phase of readdirSync(logs)) {
    for (const f of readdirSync(join(logs, phase))) {
      const m = / on (\S+) at /.exec(readFileSync(join(logs, phase, f), 'utf8'));
      if (m) nodes.add(m[1]!);
    }
  }
  return nodes;
}

function squeueStates(env: NodeJS.ProcessEnv, jobId: string): string[] {
  const r = spawnSync('squeue', ['-h', '-r', '-t', 'all', '-j', jobId, '-o', '%T|%r'], { env, encoding: 'utf8' });
  return r.stdout.trim().split('\n');
}

describe('sluice run --executor slurm on a local two-node cluster', () => {
  it('runs the default pipeline, every phase an array of 4+ tasks over both nodes, and matches a local run', async () => {
    const slurmOut = join(dir, 'default-slurm');
    const localOut = join(dir, 'default-local');
    // started elsewhere: --workdir makes the relative sample-corpora paths resolve as in the repository
    const t0 = performance.now();
    const r = sluice(['run', join(ROOT, 'pipelines', 'default.yaml'), '--executor', 'slurm', '--world', '4', '--out', slurmOut, '--workdir', ROOT], { cwd: dir, env: cluster.env });
    const slurmSeconds = seconds(t0);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('[balanced]');
    const t1 = performance.now();
    const local = sluice(['run', 'pipelines/default.yaml', '--world', '4', '--workers', '1', '--out', localOut]);
    const localSeconds = seconds(t1);
    expect(local.status, local.stderr).toBe(0);
    await expectSameOutput(slurmOut, localOut);

    const plan = readJson<Plan>(join(slurmOut, '.sluice', 'plan.json'));
    const submission = submissionOf(slurmOut);
    expect(submission.arrays.map((a) => [a.phase, a.ranks.length])).toEqual(plan.phases.map((p) => [p.id, p.tasks]));
    const arrayTasks = submission.arrays.reduce((n, a) => n + a.ranks.length, 0);
    console.log(`default pipeline: ${plan.phases.length} phases, ${arrayTasks} array tasks, submit to ledger ${slurmSeconds} s on Slurm; ${localSeconds} s locally (--workers 1)`);
    for (const p of plan.phases) expect(p.tasks).toBeGreaterThanOrEqual(4);
    submission.arrays.forEach((a, i) => expect(a.after).toEqual(i === 0 ? [] : [submission.arrays[i - 1]!.jobId]));
    expect([...nodesInLogs(slurmOut)].sort()).toEqual(['c1', 'c2']);
    expect(r.stderr).toMatch(/slurm \d+s \| docs-0 4\/4/);
  }, 240_000);

  describe('a failing task', () => {
    const corpus = join(dir, 'fault-corpus');
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `part-${i}.jsonl.gz`, docs: 40 }));
    const pipeline = (out: string): string =>
      writePipeline(
        dir,
        `name: slurm-fault
inputs:
  - reader: jsonl
    paths: ["${corpus}/*.jsonl.gz"]
stages:
  - length: {min_chars: 10}
  # the groups step runs 6 tasks while the docs phases run 4
  - exact_dedup: {mode: scale_out, tasks: 6}
output:
  dir: ${out}
runner:
  tasks: 4
executor:
  type: slurm
  slurm:
    time: "10:00"
    mem: 1G
    max_running: 3
    poll_seconds: 0.5
    marker_grace_seconds: 5
`,
        `${out.split('/').pop()}.yaml`,
      );

    it('cancels the phases after it, reports its log; after the fix a rerun resubmits only what did not finish, and another rerun watches those jobs instead of submitting twice', async () => {
      // the fault is in the data: a malformed record, which --strict turns into a failed task
      mkdirSync(corpus, { recursive: true });
      writeJsonlCorpus(
        corpus,
        files.map((f) => (f.name === 'part-3.jsonl.gz' ? { ...f, badLines: [5] } : f)),
      );
      const out = join(dir, 'fault-slurm');
      const file = pipeline(out);

      const t0 = performance.now();
      const first = sluice(['run', file, '--strict'], { env: cluster.env });
      console.log(`fault test: failing run (${files.length} inputs, 3 phases) ${seconds(t0)} s`);
      expect(first.status).toBe(1);
      // part-3 is the 4th of 6 sorted inputs: task 3 of docs-0
      expect(first.stderr).toContain('1 Slurm task(s) failed');
      expect(first.stderr).toMatch(/docs-0 task 3 \(job \d+_3\): FAILED, exit 1, node c[12]/);
      const log = join(out, '.sluice', 'logs', 'docs-0', '3.log');
      expect(first.stderr).toContain(`log: ${log}`);
      expect(first.stderr).toMatch(/\| error\[SLUICE_BAD_RECORD\]: .*part-3\.jsonl\.gz:5/);
      expect(first.stderr).toContain('cancelled because an earlier phase failed: exact_dedup.groups 6, docs-1 4 task(s)');
      expect(existsSync(join(out, 'manifest.json'))).toBe(false);

      const before = submissionOf(out);
      expect(before.arrays.map((a) => [a.phase, a.array])).toEqual([
        ['docs-0', '0-3%3'],
        ['exact_dedup.groups', '0-5%3'],
        ['docs-1', '0-3%3'],
      ]);
      // Slurm itself cancelled the dependents (--kill-on-invalid-dep=yes), all the way down the chain
      for (const a of before.arrays.slice(1)) expect(new Set(squeueStates(cluster.env, a.jobId))).toEqual(new Set(['CANCELLED|DependencyNeverSatisfied']));
      expect(readdirSync(join(out, '.sluice', 'tasks', 'docs-0')).sort()).toEqual(['00000.json', '00001.json', '00002.json']);

      // fix the data and run the same command again, allowing the edited input (its task reruns); this
      // time its watcher dies once it has submitted (a closed terminal, a lost login session) while the jobs go on
      writeJsonlCorpus(
        corpus,
        files.filter((f) => f.name === 'part-3.jsonl.gz'),
      );
      const refused = sluice(['run', file, '--strict'], { env: cluster.env });
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('part-3.jsonl.gz: size');
      const second = spawn(process.execPath, [CLI, 'run', file, '--strict', '--allow-changed-inputs'], { env: cluster.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let secondErr = '';
      second.stderr!.on('data', (b: Buffer) => (secondErr += b.toString()));
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline && second.exitCode === null && !secondErr.includes('docs-1: submitted')) await sleep(20);
      expect(second.exitCode, secondErr).toBe(null);
      process.kill(-second.pid!, 'SIGKILL');
      expect(secondErr).toContain('docs-0: resuming, 3/4 tasks already done');
      const after = submissionOf(out);
      expect(after.token).not.toBe(before.token);
      expect(after.arrays.map((a) => [a.phase, a.ranks])).toEqual([
        ['docs-0', [3]],
        ['exact_dedup.groups', [0, 1, 2, 3, 4, 5]],
        ['docs-1', [0, 1, 2, 3]],
      ]);
      // each waits only for this submission's arrays, never for the failed (or by now purged) ids of the first
      expect(after.arrays.map((a) => a.after)).toEqual([[], [after.arrays[0]!.jobId], [after.arrays[1]!.jobId]]);

      // the same command once more: it finds its jobs still queued and watches them to the end
      const t1 = performance.now();
      const third = sluice(['run', file, '--strict'], { env: cluster.env });
      console.log(`fault test: re-attached run, watching the resubmitted tasks to the end ${seconds(t1)} s`);
      expect(third.status, third.stderr).toBe(0);
      expect(third.stderr).toContain('from an earlier submit are still queued or running: watching them instead of submitting again');
      expect(submissionOf(out)).toEqual(after);
      expect(readFileSync(log, 'utf8')).not.toContain('SLUICE_BAD_RECORD');

      const localOut = join(dir, 'fault-local');
      const local = sluice(['run', pipeline(localOut), '--executor', 'local', '--workers', '2', '--strict']);
      expect(local.status, local.stderr).toBe(0);
      await expectSameOutput(out, localOut);
      const stats = readJson<StatsFile>(join(out, 'stats.json'));
      expect(stats.ledger.duplicates).toBeGreaterThan(0);
    }, 240_000);
  });

  // in this file, not beside the plugin tests: every test file would start and stop the same
  // cluster, and one file's afterAll would stop it under another file's jobs
  it('runs pipelines/plugin-example.yaml as a job array whose tasks (fresh processes on the nodes) load the TypeScript plugins', () => {
    const out = join(dir, 'plugin-example');
    const r = sluice(['run', join(ROOT, 'pipelines', 'plugin-example.yaml'), '--executor', 'slurm', '--out', out, '--workdir', ROOT], { cwd: dir, env: cluster.env });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const stats = readJson<StatsFile>(join(out, 'stats.json'));
    expect(stats.ledger).toEqual({ docs_in: 13, kept: 8, rejected: 5, duplicates: 0, balanced: true });
    expect(stats.stages['max_line_length']!.rejected).toEqual({ line_too_long: 3 });
    expect(submissionOf(out).arrays.reduce((n, a) => n + a.ranks.length, 0)).toBe(2);
  }, 180_000);
});

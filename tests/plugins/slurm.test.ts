/**
 * Plugins on Slurm: the array tasks are fresh `sluice run --rank` processes on the cluster's
 * nodes, each loading the pipeline file and so its plugins (.ts through tsx) itself. Runs on the
 * one-machine cluster of tests/slurm/local-cluster.sh; skipped where Slurm is not installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { Submission } from '../../src/runner/slurm/submission.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { startLocalCluster, type LocalCluster } from '../helpers/slurm.js';

const installed = ['sbatch', 'slurmctld', 'slurmd', 'munged'].every((cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0);

const skipped = installed ? '' : ' (skipped: sbatch, slurmctld, slurmd or munged is not installed)';

describe.skipIf(!installed)(`plugins on a local Slurm cluster${skipped}`, () => {
  let cluster: LocalCluster;
  const dir = tempDir('sluice-plugin-slurm-');

  beforeAll(() => {
    cluster = startLocalCluster({ nodes: 2, cpus: 2 });
  });

  afterAll(() => {
    cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs pipelines/plugin-example.yaml as a job array whose tasks load the TypeScript plugins', () => {
    const out = join(dir, 'out');
    // started elsewhere: --workdir makes the relative sample-corpora paths resolve as in the repository
    const r = sluice(['run', join(ROOT, 'pipelines', 'plugin-example.yaml'), '--executor', 'slurm', '--out', out, '--workdir', ROOT], { cwd: dir, env: cluster.env });
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    expect(stats.ledger).toEqual({ docs_in: 13, kept: 8, rejected: 5, duplicates: 0, balanced: true });
    expect(stats.stages['max_line_length']!.rejected).toEqual({ line_too_long: 3 });
    const submission = JSON.parse(readFileSync(join(out, '.sluice', 'slurm', 'submission.json'), 'utf8')) as Submission;
    expect(submission.arrays.reduce((n, a) => n + a.ranks.length, 0)).toBe(2);
  });
});

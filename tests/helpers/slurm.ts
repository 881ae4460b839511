/** Starts and stops the one-machine Slurm cluster of tests/slurm/local-cluster.sh for a test file. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

const SCRIPT = join(ROOT, 'tests', 'slurm', 'local-cluster.sh');

export interface LocalCluster {
  /** Environment for sluice and the Slurm commands: SLURM_CONF points at the cluster. */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

/**
 * Its own directory and ports, so a cluster someone started by hand is left alone. A cluster that
 * was already up (an earlier test run that did not stop it) is reused and left up.
 */
export function startLocalCluster(settings: { nodes?: number; cpus?: number } = {}): LocalCluster {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLURM_LOCAL_DIR: process.env['SLURM_LOCAL_DIR'] ?? '/tmp/sluice-slurm-test',
    SLURM_LOCAL_PORT: process.env['SLURM_LOCAL_PORT'] ?? '6917',
    SLURM_LOCAL_NODES: String(settings.nodes ?? 2),
    SLURM_LOCAL_CPUS: String(settings.cpus ?? 2),
  };
  const script = (command: string): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync('bash', [SCRIPT, command], { env, encoding: 'utf8', timeout: 180_000 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  };
  const wasUp = script('status').status === 0;
  const t0 = performance.now();
  const started = script('start');
  const conf = /export SLURM_CONF=(\S+)/.exec(started.stdout)?.[1];
  if (started.status !== 0 || !conf) {
    throw new Error(
      `could not start the local Slurm cluster (${SCRIPT} start):\n${started.stderr}${started.stdout}\n` +
        'It needs the Debian packages slurmctld, slurmd, slurm-client and munge (installed by the script when run as root).',
    );
  }
  // the README's Slurm timing table quotes these lines
  console.log(`local Slurm cluster: ${wasUp ? 'already up, reused' : `started in ${seconds(t0)} s`}`);
  return {
    env: { ...process.env, SLURM_CONF: conf },
    stop() {
      if (wasUp) return;
      const t1 = performance.now();
      script('stop');
      console.log(`local Slurm cluster: stopped in ${seconds(t1)} s`);
    },
  };
}

/** Seconds since `since` (a performance.now() reading), for timing lines in test output. */
export function seconds(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(2);
}

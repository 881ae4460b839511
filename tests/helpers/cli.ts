import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI to completion. */
export function sluice(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env }, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI in its own process group, so a test can SIGKILL it and every worker at once. */
export function sluiceDetached(args: string[], opts: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

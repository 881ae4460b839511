/** Runs the Debian python3 (with numpy and torch) on sluice_loader, as CI installs it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './cli.js';

/** $SLUICE_PYTHON, else /usr/bin/python3 (a pyenv python3 on PATH may lack torch). */
export const PYTHON = process.env['SLUICE_PYTHON'] ?? '/usr/bin/python3';
export const PY_PACKAGE_DIR = join(ROOT, 'src', 'loader', 'python');

export interface PythonResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runPython(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): PythonResult {
  const r = spawnSync(PYTHON, args, {
    cwd: ROOT,
    env: { ...process.env, PYTHONPATH: PY_PACKAGE_DIR, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: opts.timeoutMs ?? 120_000,
  });
  if (r.error) throw new Error(`cannot run ${PYTHON}: ${r.error.message} (install python3-numpy python3-torch, or set SLUICE_PYTHON)`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Fails with the python error when the interpreter lacks numpy or torch. */
export function requirePythonDeps(): void {
  const r = runPython(['-c', 'import numpy, torch']);
  if (r.status !== 0) throw new Error(`${PYTHON} cannot import numpy and torch (CI installs python3-numpy python3-torch; set SLUICE_PYTHON to another interpreter):\n${r.stderr}`);
}

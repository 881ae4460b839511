import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Tests that spawn the CLI (workers, kill-and-resume) need dist/ to match src/: build once per
 * test run. SLUICE_SKIP_BUILD=1 skips it when iterating on unit tests that import src/ directly.
 */
export default function setup(): void {
  if (process.env['SLUICE_SKIP_BUILD'] === '1') return;
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
}

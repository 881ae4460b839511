import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Tests that spawn the CLI (workers, kill-and-resume) need dist/ to match src/: build once per test run. */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npx', ['tsc', '-p', '.config/tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout the bench belongs to, whether it runs from tests/bench/ (tsx) or compiled into
 * .cache/bench/tests/bench/ (`make bench`): the first folder upwards that holds the Makefile.
 * The built CLI (dist/cli/main.js) and the Python loader are found from here.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'Makefile'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no Makefile above ${fileURLToPath(import.meta.url)}: run the bench inside a sluice checkout`);
    dir = up;
  }
  return dir;
}

export const REPO_ROOT = findRoot();

/** dist/cli/main.js of this checkout; the benches that run the CLI as a user does need it built. */
export function builtCli(): string {
  const cli = join(REPO_ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`make build\` first (make bench does)`);
  return cli;
}

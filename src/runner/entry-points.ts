/**
 * The modules sluice starts as processes of their own: the worker of a local run and the CLI that
 * a scheduler's array task runs. Both are found beside this module, so the same code works from
 * dist/ and from the TypeScript sources (tests, benchmarks), where the child loads them through tsx.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A module to start with `node [execArgv] module [args]`. */
export interface NodeEntry {
  readonly module: string;
  readonly execArgv: string[];
}

/**
 * The module `relative` (spelled `./name.js`, as in an import) beside the module at `base` (its
 * `import.meta.url`): the .js file when that module runs compiled, the .ts file, loaded through
 * tsx, when it runs from the TypeScript sources.
 */
export function entryBeside(base: string, relative: string): NodeEntry {
  const fromSource = base.endsWith('.ts');
  const module = fileURLToPath(new URL(fromSource ? relative.replace(/\.js$/, '.ts') : relative, base));
  if (!fromSource) return { module, execArgv: [] };
  // an absolute URL: `--import tsx` would resolve from the child's working directory, not from sluice
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { module, execArgv: ['--import', tsx] };
}

/** The worker of a local run (worker-main). */
export function workerEntry(): NodeEntry {
  return entryBeside(import.meta.url, './worker-main.js');
}

/** The `sluice` command line, the entry every scheduler's task runs (`sluice run P --phase X --rank R --world W`). */
export function cliEntry(): NodeEntry {
  return entryBeside(import.meta.url, '../cli/main.js');
}

import { fork } from 'node:child_process';
import { entryBeside } from '../../src/runner/entry-points.js';

/** What an isolated bench function returns: its own figures plus the child's peak RSS. */
export interface IsolatedResult<T> {
  value: T;
  peakRssMb: number;
  seconds: number;
}

/** `make bench` runs the compiled bench (.cache/bench), whose child is plain JavaScript too; from the sources, it loads through tsx. */
const CHILD = entryBeside(import.meta.url, './isolate-child.js');

/**
 * Runs `exportName` from bench module `modulePath` (relative to tests/bench, spelled `./name.js`
 * as in an import; tsx finds the .ts) in a fresh Node process, so peak RSS belongs to that
 * variant alone and earlier variants leave no garbage behind.
 */
export function isolated<T>(modulePath: string, exportName: string, args: unknown, nodeFlags: readonly string[] = []): Promise<IsolatedResult<T>> {
  const child = fork(CHILD.module, [modulePath, exportName, JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [...CHILD.execArgv, '--expose-gc', ...nodeFlags],
  });
  return new Promise((resolve, reject) => {
    let result: IsolatedResult<T> | undefined;
    child.on('message', (m: { ok: true; result: IsolatedResult<T> } | { ok: false; error: string }) => {
      if (m.ok) result = m.result;
      else reject(new Error(`${modulePath}#${exportName}: ${m.error}`));
    });
    child.on('exit', (code) => {
      if (result) resolve(result);
      else reject(new Error(`${modulePath}#${exportName} exited with code ${code} and no result`));
    });
  });
}

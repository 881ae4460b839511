import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What an isolated bench function returns: its own figures plus the child's peak RSS. */
export interface IsolatedResult<T> {
  value: T;
  peakRssMb: number;
  seconds: number;
}

/**
 * Runs `exportName` from bench module `modulePath` (relative to dist/bench) in a fresh Node
 * process, so peak RSS belongs to that variant alone and earlier variants leave no garbage behind.
 */
export function isolated<T>(modulePath: string, exportName: string, args: unknown): Promise<IsolatedResult<T>> {
  const child = fork(fileURLToPath(new URL('./isolate-child.js', import.meta.url)), [modulePath, exportName, JSON.stringify(args)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: ['--expose-gc'],
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

/**
 * The process a local run forks for each of its workers (never started by hand). It loads the
 * pipeline and its plugins, checks the plan the leader wrote, builds the stages once, and
 * serves tasks over IPC until told to exit (see worker.ts, worker-protocol.ts).
 */
import { createLogger, logLevelFromEnv } from '../core/log.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { reportableError } from '../core/system-error.js';
import { trapInterrupts } from './interrupt.js';
import { loadPipelineSource } from './pipeline-source.js';
import { prepareRun } from './prepare.js';
import { serveTasks } from './worker.js';
import type { WorkerInit } from './worker-protocol.js';

function parseInit(arg: string | undefined): WorkerInit {
  try {
    const init = JSON.parse(arg ?? '') as Partial<WorkerInit>;
    if (typeof init.pipeline === 'object' && init.pipeline !== null && typeof init.out === 'string' && typeof init.world === 'number' && typeof init.strict === 'boolean') return init as WorkerInit;
  } catch {
    // reported below
  }
  throw new SluiceError('SLUICE_INTERNAL', 'worker-main is started by a local run with its settings as JSON; it is not a command');
}

async function work(): Promise<number> {
  const log = createLogger(logLevelFromEnv());
  const interrupts = trapInterrupts();
  // a worker whose parent died (even by SIGKILL) must not go on with its task unobserved
  const orphaned = (): never => process.exit(1);
  process.once('disconnect', orphaned);
  try {
    const init = parseInit(process.argv[2]);
    const loaded = await loadPipelineSource(init.pipeline);
    const prepared = await prepareRun({ loaded, out: init.out, world: init.world, log, role: 'worker' });
    await serveTasks(prepared, { strict: init.strict, log, signal: interrupts.signal });
  } catch (err) {
    const reportable = reportableError(err);
    // as the CLI reports errors (cli/report-error.ts): `error[CODE]: ...`, not the logger's `error: error[CODE]`
    process.stderr.write(`${reportable ? reportable.describe() : `error[SLUICE_INTERNAL]: ${err instanceof Error ? (err.stack ?? errorMessage(err)) : errorMessage(err)}`}\n`);
    if (interrupts.received === undefined) {
      process.off('disconnect', orphaned);
      return 1;
    }
  }
  process.off('disconnect', orphaned);
  // stopped by a signal: end by that signal, as the leader does
  if (interrupts.received !== undefined) interrupts.exit();
  interrupts.dispose();
  return 0;
}

void work().then((code) => {
  process.exitCode = code;
  // the IPC channel would keep the process alive
  if (process.connected) process.disconnect();
});

import { SluiceError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { reportableError } from '../core/system-error.js';
import type { PreparedRun } from './prepare.js';
import { newProgress, taskRun } from './task.js';
import { runTaskLogged } from './task-log.js';
import type { ParentMessage, WorkerMessage } from './worker-protocol.js';

function send(msg: WorkerMessage): void {
  process.send?.(msg);
}

/**
 * The worker side of a local run: the configuration is loaded, inputs resolved and stages built
 * once (tokenizer vocabularies and language models load once per worker, not per task), then
 * tasks arrive over IPC until the parent says exit or goes away.
 */
export async function serveTasks(prepared: PreparedRun, opts: { strict: boolean; log: Logger; signal: AbortSignal }): Promise<void> {
  const queue: ParentMessage[] = [];
  let wake: (() => void) | undefined;
  process.on('message', (msg: ParentMessage) => {
    queue.push(msg);
    wake?.();
  });
  send({ type: 'ready' });
  for (;;) {
    while (queue.length === 0) await new Promise<void>((r) => (wake = r));
    const msg = queue.shift()!;
    if (msg.type === 'exit') return;
    const phase = prepared.phases.find((p) => p.id === msg.phase);
    const progress = newProgress();
    const timer = setInterval(() => send({ type: 'progress', progress }), 500);
    try {
      if (!phase) throw new SluiceError('SLUICE_INTERNAL', `worker has no phase ${msg.phase}`);
      await runTaskLogged(taskRun(prepared, { phase, rank: msg.rank, strict: opts.strict, log: opts.log, signal: opts.signal, progress }));
      send({ type: 'progress', progress });
      send({ type: 'done', phase: msg.phase, rank: msg.rank });
    } catch (err) {
      const reportable = reportableError(err);
      send({ type: 'failed', phase: msg.phase, rank: msg.rank, error: reportable ? reportable.describe() : err instanceof Error ? (err.stack ?? errorMessage(err)) : errorMessage(err) });
    } finally {
      clearInterval(timer);
    }
    // stopped by a signal: take no further task (the parent is stopping too)
    if (opts.signal.aborted) return;
  }
}

/**
 * The first SIGINT or SIGTERM asks the run to stop: in-flight reads are aborted, finished tasks
 * stay, and the process then ends by that same signal (a shell shows 130 or 143). A second one
 * ends it at once.
 *
 * Ending by the signal, rather than process.exit(), is also what makes the exit prompt: exit()
 * joins libuv's thread pool, and a thread blocked opening a FIFO nobody writes to never returns.
 */
import { constants } from 'node:os';

const TRAPPED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export interface Interrupts {
  readonly signal: AbortSignal;
  /** The first signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** 128 + the signal number, as shells report a process a signal ended. */
  exitCode(): number;
  /** Ends the process by the signal received (its exit status as a shell reports it: 128 + number). */
  exit(): void;
  dispose(): void;
}

export function trapInterrupts(): Interrupts {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  const code = (sig: NodeJS.Signals): number => 128 + (constants.signals[sig] ?? 15);
  const dispose = (): void => {
    for (const sig of TRAPPED) process.off(sig, onSignal);
  };
  const die = (sig: NodeJS.Signals): void => {
    // with no listener left, libuv restores the default action: the signal ends the process
    dispose();
    process.kill(process.pid, sig);
    setTimeout(() => process.exit(code(sig)), 1000);
  };
  function onSignal(sig: NodeJS.Signals): void {
    if (received !== undefined) return die(received);
    received = sig;
    controller.abort();
  }
  for (const sig of TRAPPED) process.on(sig, onSignal);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    exitCode: () => code(received ?? 'SIGTERM'),
    exit: () => die(received ?? 'SIGTERM'),
    dispose,
  };
}

import { reportableError } from '../core/system-error.js';
import { exitStatusOf } from './exit-codes.js';

/**
 * The one way a command's error reaches the user: `error[CODE]: message` with its location and
 * hint, and the exit status for its code (exit-codes.ts). Anything that is neither a SluiceError
 * nor an operating-system error is a bug and is shown with its stack.
 */
export function reportError(err: unknown, write: (text: string) => void): number {
  const reportable = reportableError(err);
  if (reportable) {
    write(reportable.describe());
    return exitStatusOf(reportable.code);
  }
  write(`error[SLUICE_INTERNAL]: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  return 1;
}

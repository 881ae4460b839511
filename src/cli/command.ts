import type { Logger } from '../core/log.js';
import type { CommandSpec, ParsedArgs } from './args.js';

export interface CliIO {
  out(text: string): void;
  /** Errors, as they are (report-error.ts formats them): stderr, without the logger's `error: ` tag. */
  err(text: string): void;
  log: Logger;
}

export interface Command {
  spec: CommandSpec;
  /** Returns the process exit code. */
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

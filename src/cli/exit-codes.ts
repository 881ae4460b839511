/**
 * What `sluice` exits with, in one place: main.ts maps every error through `exitStatusOf`, and
 * README.md's "Exit codes" table shows `EXIT_STATUSES` (tests/cli/errors.test.ts keeps the two equal).
 */
import type { ErrorCode } from '../core/errors.js';

/** The command was asked for something it cannot do as given: fixing the command line or the pipeline fixes it. */
export const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'SLUICE_USAGE',
  'SLUICE_CONFIG_INVALID',
  'SLUICE_CONFIG_UNKNOWN_KEY',
  'SLUICE_CONFIG_PARSE',
  'SLUICE_PLUGIN',
  'SLUICE_INPUT_MISSING',
  'SLUICE_INPUT_NO_MATCH',
  'SLUICE_RESUME_MISMATCH',
  'SLUICE_INPUT_CHANGED',
]);

export interface ExitStatus {
  status: number;
  /** A few words, for `sluice --help`; README.md says more. */
  meaning: string;
}

/** Every status sluice exits with, in order. */
export const EXIT_STATUSES: readonly ExitStatus[] = [
  { status: 0, meaning: 'success' },
  { status: 1, meaning: 'failed (a task, the ledger, the output lock, a check)' },
  { status: 2, meaning: 'usage or configuration error' },
  { status: 130, meaning: 'stopped by SIGINT (rerun to resume)' },
  { status: 143, meaning: 'stopped by SIGTERM (rerun to resume)' },
];

export function exitStatusOf(code: ErrorCode): number {
  return USAGE_ERRORS.has(code) ? 2 : 1;
}

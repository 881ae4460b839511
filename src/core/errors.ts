/**
 * Every error sluice raises on purpose carries a stable code (tests and scripts match on it),
 * a message with the values involved, and where possible a hint that says how to fix it.
 */
export type ErrorCode =
  | 'SLUICE_CONFIG_INVALID'
  | 'SLUICE_CONFIG_UNKNOWN_KEY'
  | 'SLUICE_CONFIG_PARSE'
  | 'SLUICE_INPUT_MISSING'
  | 'SLUICE_INPUT_NO_MATCH'
  | 'SLUICE_INPUT_READ'
  | 'SLUICE_BAD_RECORD'
  | 'SLUICE_HTTP'
  | 'SLUICE_DECOMPRESS'
  | 'SLUICE_OUTPUT'
  | 'SLUICE_RESUME_MISMATCH'
  /** Another live run holds the output directory's lock. */
  | 'SLUICE_LOCKED'
  /** An input's size, mtime, ETag or content differs from what the run's plan recorded. */
  | 'SLUICE_INPUT_CHANGED'
  /** A finished output (shard, rejects, spill) does not match what its task recorded. */
  | 'SLUICE_VERIFY'
  /** The run was stopped by SIGINT or SIGTERM; finished tasks are kept. */
  | 'SLUICE_INTERRUPTED'
  | 'SLUICE_LEDGER_MISMATCH'
  | 'SLUICE_TASK_FAILED'
  | 'SLUICE_USAGE'
  | 'SLUICE_SHARD_INVALID'
  | 'SLUICE_TOKENIZER'
  | 'SLUICE_LOADER'
  | 'SLUICE_EXECUTOR'
  /** An intermediate file between phases (dedup indexes) is missing, truncated or fails its checksum. */
  | 'SLUICE_ARTEFACT'
  /** The operating system refused a file operation (disk full, no permission, a file where a directory should be) where no more specific code applies. */
  | 'SLUICE_SYSTEM'
  /** A plugin named by a pipeline's `plugins:` is missing, fails to import, exports nothing usable, or clashes with another name. */
  | 'SLUICE_PLUGIN'
  /** A plugin's own code threw while building or running one of its stages or readers. */
  | 'SLUICE_PLUGIN_FAILED'
  | 'SLUICE_INTERNAL';

export interface ErrorDetails {
  hint?: string;
  /** YAML path such as `stages[2].length.min_chars`. */
  path?: string;
  file?: string;
  /** Record locator inside `file`: line number, byte offset or record id. */
  record?: string | number;
  cause?: unknown;
}

export class SluiceError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly path: string | undefined;
  readonly file: string | undefined;
  readonly record: string | number | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'SluiceError';
    this.code = code;
    this.hint = details.hint;
    this.path = details.path;
    this.file = details.file;
    this.record = details.record;
  }

  /**
   * Multi-line form for terminals: message, location and hint, each said once. A message that
   * already names the location or carries the hint (an invalid pipeline lists every problem with
   * its own line and hint) gets no second copy of it.
   */
  describe(): string {
    const lines = [`error[${this.code}]: ${this.message}`];
    const said = (text: string): boolean => this.message.includes(text);
    if (this.file !== undefined) {
      const where = `${this.file}${this.record === undefined ? '' : `:${this.record}`}`;
      if (!said(where)) lines.push(`  --> ${where}`);
    }
    if (this.path !== undefined && !said(this.path)) lines.push(`  at ${this.path}`);
    if (this.hint !== undefined && !said(`hint: ${this.hint}`)) lines.push(`  hint: ${this.hint}`);
    return lines.join('\n');
  }
}

export function isSluiceError(err: unknown): err is SluiceError {
  return err instanceof SluiceError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

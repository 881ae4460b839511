import { SluiceError } from '../core/errors.js';

/**
 * Under --strict, `ctx.invalid` throws SLUICE_BAD_RECORD to stop the run. Readers that catch
 * decoder failures must let it through, or the first bad record would be reported as a
 * truncated file.
 */
export function rethrowIfStrictStop(err: unknown): void {
  if (err instanceof SluiceError && err.code === 'SLUICE_BAD_RECORD') throw err;
}

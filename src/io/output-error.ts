import { SluiceError, errorMessage } from '../core/errors.js';
import { fromSystemError } from '../core/system-error.js';

/**
 * A failure while writing `file`, as the SLUICE_OUTPUT error a task reports: it names the file
 * and the problem in words ("cannot write /out/shards/x.parquet: no space left on device").
 * A SluiceError passes through unchanged, so wrapping twice does no harm.
 */
export function outputError(file: string, err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  return (
    fromSystemError(err, 'SLUICE_OUTPUT', file) ??
    new SluiceError('SLUICE_OUTPUT', `cannot write ${file}: ${errorMessage(err)}`, {
      file,
      cause: err,
      hint: 'check that the output directory exists, is writable and has free space',
    })
  );
}

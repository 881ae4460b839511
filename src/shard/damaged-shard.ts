import type { AsyncBuffer } from 'hyparquet';
import { SluiceError, errorMessage } from '../core/errors.js';
import { fromSystemError } from '../core/system-error.js';

const HINT = '`sluice verify OUT` lists every damaged file; rerunning the same `sluice run` command rewrites the shards of the tasks it finds damaged';
const MAGIC = 'PAR1';

/**
 * Fails, naming the file, when it cannot be a whole Parquet file: a file cut short (a full disk,
 * an interrupted copy) has lost the footer at its end, and the decoder would only say "Offset is
 * outside the bounds of the DataView".
 */
export async function assertParquetFooter(path: string, file: AsyncBuffer): Promise<void> {
  const size = file.byteLength;
  if (size >= 2 * MAGIC.length + 4 && Buffer.from(await file.slice(size - MAGIC.length, size)).toString('latin1') === MAGIC) return;
  throw new SluiceError('SLUICE_SHARD_INVALID', `${path} is truncated: ${size} bytes, with no Parquet footer at the end`, { file: path, hint: HINT });
}

/**
 * An error met while decoding the Parquet file at `path`, as one that names the file. The
 * decoder's own errors ("footer != PAR1", "invalid zstd data") say what broke inside the decoder,
 * not which file nor what to do about it.
 */
export function damagedShardError(path: string, err: unknown): SluiceError {
  if (err instanceof SluiceError) return err;
  const system = fromSystemError(err, 'SLUICE_INPUT_READ', path);
  if (system) return system;
  return new SluiceError('SLUICE_SHARD_INVALID', `${path} is damaged: ${errorMessage(err)}`, { file: path, cause: err, hint: HINT });
}

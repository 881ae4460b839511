import { SluiceError } from '../core/errors.js';

/**
 * A truncated or corrupt compressed stream (SLUICE_DECOMPRESS): the records before the damage
 * were read, and the reader reports the rest as one invalid record. Readers that catch errors of
 * a decoded stream handle only this; anything else fails the input.
 */
export function isDecompressDamage(err: unknown): boolean {
  return err instanceof SluiceError && err.code === 'SLUICE_DECOMPRESS';
}

/**
 * For readers that report a format library's errors (a bad zip or tar) as damaged input: every
 * SluiceError but decompression damage must still fail the input. Under --strict `ctx.invalid`
 * throws SLUICE_BAD_RECORD to stop the run (caught, the first bad record would be reported as a
 * damaged file), and an http input that gave up throws SLUICE_HTTP (caught, the run would go on
 * with the file silently cut short).
 */
export function rethrowUnlessDamage(err: unknown): void {
  if (err instanceof SluiceError && !isDecompressDamage(err)) throw err;
}

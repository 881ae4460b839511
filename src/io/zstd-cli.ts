/**
 * zstd through the `zstd` command when it is installed, in-process zstd-napi otherwise.
 *
 * Why: a Pushshift dump is compressed with `--long=31`, and zstd-napi's context then reserves a
 * 2 GiB window that is freed only when V8 happens to collect the (tiny) JS wrapper. Reading a
 * dozen such files in one worker piled up 80 GiB of address space in a test, after which every
 * `spawn` (lbzip2, ...) failed with ENOMEM. A child process returns its memory when it exits and
 * decodes on another core (`zstd --long=31 decode` rows of the readers-dumps bench).
 * `SLUICE_ZSTD=cli|napi` forces one.
 */
import { createLogger, logLevelFromEnv } from '../core/log.js';
import { onPath, throughChild } from './child-decoder.js';
import { decodeZstdInProcess, registerDecoder, ZSTD_WINDOW_LOG_MAX } from './decompress.js';

export type ZstdBackend = 'cli' | 'napi';

let chosen: ZstdBackend | undefined;

export function pickZstdBackend(): ZstdBackend {
  if (chosen) return chosen;
  const forced = process.env['SLUICE_ZSTD'];
  if (forced === 'cli' || forced === 'napi') chosen = forced;
  else if (onPath('zstd')) chosen = 'cli';
  else {
    createLogger(logLevelFromEnv(), 'zstd').warn('the zstd command is not on PATH; decoding zstd in-process (apt-get install zstd)');
    chosen = 'napi';
  }
  return chosen;
}

const log = createLogger(logLevelFromEnv(), 'zstd');

/** `zstd -dc --long=31` in a child process (in-process if the child cannot start). */
export function decodeZstdWithCli(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  return throughChild('zstd', ['-d', '-c', '-q', `--long=${ZSTD_WINDOW_LOG_MAX}`], raw, { fallback: decodeZstdInProcess, log });
}

registerDecoder('zstd', (raw) => (pickZstdBackend() === 'cli' ? decodeZstdWithCli(raw) : decodeZstdInProcess(raw)));

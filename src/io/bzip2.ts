/**
 * bzip2 decoding for Wikipedia dumps and anything else compressed with bzip2. Decoding runs in a
 * child process when one of the native tools is installed, because it is several times faster
 * than the pure-JS decoder and moves the work to another core: lbzip2 -dc (parallel: ahead when
 * cores are idle, level with bzip2 on two busy ones) >= bzip2 -dc > unbzip2-stream (pure JS).
 * `bzip2 decode` rows of the readers-dumps bench.
 * All three read multistream files (concatenated streams, as in `*-multistream.xml.bz2`) to the
 * end. Pure-JS seek-bzip and compressjs were rejected: without a flag they silently return only
 * the first stream of such a file.
 */
import { PassThrough, Readable, pipeline } from 'node:stream';
import { createLogger, logLevelFromEnv, type Logger } from '../core/log.js';
import { onPath, throughChild } from './child-decoder.js';
import { registerDecoder, type ExternalDecoder } from './decompress.js';

export type Bzip2Backend = 'lbzip2' | 'bzip2' | 'js';
export const BZIP2_BACKENDS: readonly Bzip2Backend[] = ['lbzip2', 'bzip2', 'js'];

let chosen: Bzip2Backend | undefined;

/**
 * The fastest backend available, decided once per process; each fallback is logged with its
 * reason. `SLUICE_BZIP2=lbzip2|bzip2|js` forces one (tests, benchmarks).
 */
export function pickBzip2Backend(log: Logger = createLogger(logLevelFromEnv(), 'bzip2')): Bzip2Backend {
  if (chosen) return chosen;
  const forced = process.env['SLUICE_BZIP2'];
  if (forced !== undefined && (BZIP2_BACKENDS as readonly string[]).includes(forced)) {
    chosen = forced as Bzip2Backend;
    return chosen;
  }
  if (onPath('lbzip2')) chosen = 'lbzip2';
  else if (onPath('bzip2')) {
    log.warn('lbzip2 is not on PATH; decoding bzip2 with `bzip2 -dc` (not parallel; apt-get install lbzip2)');
    chosen = 'bzip2';
  } else {
    log.warn('neither lbzip2 nor bzip2 is on PATH; decoding bzip2 with the pure-JS unbzip2-stream (several times slower; apt-get install lbzip2)');
    chosen = 'js';
  }
  return chosen;
}

async function* viaJs(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // unbzip2-stream is an old-style through stream, not async-iterable: pipe into a PassThrough
  // loaded here, not at the top: every process imports this module for its decoder registration
  const { default: unbzip2Stream } = await import('unbzip2-stream');
  const out = new PassThrough();
  pipeline(Readable.from(raw, { objectMode: false }), unbzip2Stream(), out, () => {});
  try {
    yield* out;
  } catch (err) {
    // its errors on damaged input are TypeErrors from deep inside the bit reader
    throw new Error(`unbzip2-stream could not decode the input (truncated or corrupt): ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A decoder using `backend` (default: the fastest available). */
export function bzip2Decoder(backend?: Bzip2Backend): ExternalDecoder {
  const log = createLogger(logLevelFromEnv(), 'bzip2');
  return (raw) => {
    switch (backend ?? pickBzip2Backend(log)) {
      case 'lbzip2':
        return throughChild('lbzip2', ['-d', '-c'], raw, { fallback: viaJs, log });
      case 'bzip2':
        return throughChild('bzip2', ['-d', '-c'], raw, { fallback: viaJs, log });
      case 'js':
        return viaJs(raw);
    }
  };
}

registerDecoder('bzip2', bzip2Decoder());

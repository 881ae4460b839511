/**
 * Decompression in a child process (lbzip2, bzip2, zstd): the work moves to another core and
 * the decoder's memory is returned to the system when the child exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

const INTERRUPTS: ReadonlySet<string> = new Set(['SIGINT', 'SIGTERM', 'SIGHUP']);

/** Absolute path of `command` on PATH, if it is there and executable. */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface ChildDecoderOptions {
  /** In-process decoder used when the child cannot be started (ENOMEM, EAGAIN, ...). */
  fallback: (raw: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>;
  log: Logger;
}

/** Streams `raw` through `command args` and yields its stdout; a non-zero exit is an error carrying its stderr. */
export async function* throughChild(command: string, args: string[], raw: AsyncIterable<Uint8Array>, opts: ChildDecoderOptions): AsyncIterable<Uint8Array> {
  let child: ChildProcessWithoutNullStreams;
  try {
    child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    // spawn throws synchronously for ENOMEM and the like; nothing has been read from `raw` yet
    opts.log.warn(`could not start ${command} (${(err as NodeJS.ErrnoException).code ?? String(err)}); decoding in-process instead`);
    yield* opts.fallback(raw);
    return;
  }
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  exited.catch(() => {}); // observed below; avoid an unhandled rejection if the consumer stops early
  // A failure of the source (an HTTP input that gave up) must surface as itself, not as the
  // child's complaint about a short input.
  let sourceError: unknown;
  pipeline(Readable.from(raw, { objectMode: false }), child.stdin, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== 'EPIPE') {
      sourceError = err;
      child.kill();
    }
  });
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) yield chunk;
    const { code, signal } = await exited;
    if (sourceError !== undefined) throw sourceError;
    // Ctrl-C reaches the whole process group: a decoder stopped by it says nothing about the input
    if (signal !== null && INTERRUPTS.has(signal)) throw new SluiceError('SLUICE_INTERRUPTED', `${command} was stopped by ${signal}`);
    if (code !== 0) throw new Error(`${command} ${signal ? `was killed by ${signal}` : `exited with status ${code}`}: ${stderr.trim() || 'no message'}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill();
  }
}

import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { SluiceError, errorMessage, isSluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { batchHeader, endFrame, errorFrame, helloFrame, tokenBytes, type HelloInfo } from './frame.js';
import type { TokenLoader } from './loader.js';
import { parseState, type LoaderState } from './state.js';

export function helloInfo(loader: TokenLoader): HelloInfo {
  const ds = loader.dataset;
  return {
    format: 'sluice-batches',
    version: 1,
    dataset: ds.dir,
    name: ds.manifest.name,
    tokenizer: ds.tokenizer,
    vocab_size: ds.tokenizer.vocab_size,
    eos_id: ds.tokenizer.eos_id,
    docs: ds.docs,
    tokens: ds.tokens,
    seq_len: loader.seqLen,
    batch: loader.batch,
    rank: loader.rank,
    world: loader.world,
    seed: loader.seed,
    shuffle_buffer: loader.shuffleBuffer,
    doc_mask: loader.docMask,
    streams: loader.streamNames,
    epoch_tokens: loader.epochTokens,
    state: loader.state(),
  };
}

function closedByReader(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' || code === 'ERR_STREAM_DESTROYED';
}

/**
 * Writes HELLO and then batches to `out` until `steps` batches were sent (then END) or the
 * reader goes away. Backpressure: waits for 'drain' whenever the stream's buffer is full, so
 * the loader runs at most a frame or two ahead of its reader.
 */
export async function streamBatches(loader: TokenLoader, out: Writable, steps?: number): Promise<'done' | 'closed'> {
  let closed = false;
  const onError = (err: unknown): void => {
    if (closedByReader(err)) closed = true;
  };
  const onClose = (): void => {
    closed = true;
  };
  out.on('error', onError);
  out.on('close', onClose);
  const write = async (chunk: Buffer): Promise<void> => {
    if (!out.write(chunk)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  };
  try {
    await write(helloFrame(helloInfo(loader)));
    for (let sent = 0; steps === undefined || sent < steps; sent++) {
      if (closed || out.destroyed) return 'closed';
      const batch = loader.next();
      const parts = [batchHeader(batch, loader.state()), tokenBytes(batch.tokens)];
      if (batch.docStart) parts.push(Buffer.from(batch.docStart.buffer, batch.docStart.byteOffset, batch.docStart.byteLength));
      for (let i = 0; i < parts.length - 1; i++) out.write(parts[i]!);
      await write(parts[parts.length - 1]!);
    }
    if (!closed) await write(endFrame(steps ?? 0));
    return closed ? 'closed' : 'done';
  } catch (err) {
    if (closed || closedByReader(err)) return 'closed';
    if (!out.destroyed) out.write(errorFrame(isSluiceError(err) ? err.describe() : errorMessage(err)));
    throw err;
  } finally {
    out.off('error', onError);
    out.off('close', onClose);
  }
}

/** The request a socket client sends first: one JSON line. */
export interface ServeRequest {
  resume?: LoaderState | null;
  steps?: number | null;
}

function readRequest(socket: Socket): Promise<ServeRequest> {
  // 'data' listeners, not for-await: leaving a for-await loop early destroys the socket
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err: Error | undefined, req?: ServeRequest): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onEnd);
      socket.pause();
      if (err) reject(err);
      else resolve(req!);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const nl = text.indexOf('\n');
      if (nl < 0) {
        if (text.length > 1 << 16) done(new SluiceError('SLUICE_USAGE', 'the request line is longer than 64 KiB'));
        return;
      }
      try {
        const raw = JSON.parse(text.slice(0, nl)) as unknown;
        if (typeof raw !== 'object' || raw === null) throw new Error('not a JSON object');
        done(undefined, raw as ServeRequest);
      } catch (err) {
        done(new SluiceError('SLUICE_USAGE', `bad request line: ${errorMessage(err)}`, { hint: 'send one JSON line, e.g. {"resume": null}, then read frames' }));
      }
    };
    const onEnd = (): void => done(new SluiceError('SLUICE_USAGE', 'the client sent no request line', { hint: 'send one JSON line, e.g. {"resume": null}, then read frames' }));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('error', onEnd);
  });
}

/**
 * Serves batches on a Unix socket: each connection sends one JSON line ({"resume": state or
 * null, "steps": n or null}) and then receives HELLO and batch frames from its own loader.
 * Runs until the signal aborts.
 */
export async function serveSocket(path: string, makeLoader: () => TokenLoader, log: Logger, signal: AbortSignal): Promise<void> {
  rmSync(path, { force: true });
  const open = new Set<Socket>();
  const server = createServer((socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    void (async () => {
      const loader = makeLoader();
      try {
        const req = await readRequest(socket);
        if (req.resume) loader.resume(parseState(req.resume));
        const steps = req.steps ?? undefined;
        const how = await streamBatches(loader, socket, steps);
        if (how === 'done') socket.end();
      } catch (err) {
        log.error(isSluiceError(err) ? err.describe() : errorMessage(err));
        if (!socket.destroyed) socket.end(errorFrame(isSluiceError(err) ? err.describe() : errorMessage(err)));
      } finally {
        loader.close();
      }
    })();
  });
  server.listen(path);
  await once(server, 'listening');
  log.info(`serving batches on ${path}`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  server.close();
  for (const socket of open) socket.destroy();
  rmSync(path, { force: true });
}

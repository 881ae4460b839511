/**
 * zstd compression contexts shared by every writer in a process: a task opens a rejects file per
 * stage, a spill and shards, and each new context allocates its tables (a few MB at level 3),
 * which zstd-napi reports to V8 as external memory. New ones for every task drove V8 into a full
 * mark-compact about once per task (49 in one run of 61 small tasks with a 15 MB heap, by
 * `--trace-gc`; 3 with the pool), and the
 * tables were freed only then. Reused, a context is allocated once per level and process.
 */
import { createRequire } from 'node:module';
import { Compressor } from 'zstd-napi';

/** zstd-napi's native binding (compression and decompression contexts): a CommonJS module whose exports ESM cannot name, so it is required. */
export const zstdBinding = createRequire(import.meta.url)('zstd-napi/binding') as typeof import('zstd-napi/binding.js');
const binding = zstdBinding;

export type StreamContext = InstanceType<typeof binding.CCtx>;
export const EndDirective = binding.EndDirective;
/** ZSTD_CStreamOutSize: the output one streaming call can fill at most per block. */
export const STREAM_OUT_BYTES = binding.cStreamOutSize();

/** Idle streaming contexts by level; a process rarely writes more than a few files at once. */
const idle = new Map<number, StreamContext[]>();
const MAX_IDLE = 8;

/** A streaming context at `level`, ready for a new frame; hand it back with `releaseStreamContext`. */
export function takeStreamContext(level: number): StreamContext {
  const reused = idle.get(level)?.pop();
  if (reused) return reused;
  const cctx = new binding.CCtx();
  cctx.setParameter(binding.CParameter.compressionLevel, level);
  return cctx;
}

/** Returns a context to the pool; `midFrame` when its frame was not ended (an aborted file): the frame is dropped. */
export function releaseStreamContext(level: number, cctx: StreamContext, midFrame: boolean): void {
  if (midFrame) cctx.reset(binding.ResetDirective.sessionOnly);
  const list = idle.get(level) ?? [];
  if (list.length < MAX_IDLE) list.push(cctx);
  idle.set(level, list);
}

const oneShot = new Map<number, Compressor>();

/** A one-shot compressor (each call a whole frame) at `level`, one per level and process: calls are synchronous, so sharing is safe. */
export function sharedCompressor(level: number): Compressor {
  let c = oneShot.get(level);
  if (!c) {
    c = new Compressor();
    c.setParameters({ compressionLevel: level });
    oneShot.set(level, c);
  }
  return c;
}

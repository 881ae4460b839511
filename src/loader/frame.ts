/**
 * The batch stream `sluice loader serve` writes (FORMAT.md, "Frames"): one HELLO frame with
 * the dataset's facts as JSON, then one BATCH frame per step (a fixed 64-byte header, then
 * little-endian int32 tokens, then the optional document-start mask), then END when a step
 * limit was given, or ERROR when the server fails. All integers little-endian.
 */
import { SluiceError } from '../core/errors.js';
import type { Batch } from './loader.js';
import type { LoaderState } from './state.js';

export const MAGIC = { hello: 'SLH1', batch: 'SLB1', end: 'SLE1', error: 'SLX1' } as const;
export const BATCH_HEADER_BYTES = 64;
export const FLAG_DOC_MASK = 1;

/** What HELLO carries: enough for a trainer to size its model and check its tokenizer. */
export interface HelloInfo {
  format: 'sluice-batches';
  version: 1;
  dataset: string;
  name: string;
  tokenizer: { name: string; vocab_size: number; sha256: string; eos_id: number };
  vocab_size: number;
  eos_id: number;
  docs: number;
  tokens: number;
  seq_len: number;
  batch: number;
  rank: number;
  world: number;
  seed: number;
  shuffle_buffer: number;
  doc_mask: boolean;
  streams: string[];
  epoch_tokens: number[];
  /** The state the first batch is produced from. */
  state: LoaderState;
}

function lengthPrefixed(magic: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(magic, 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

export function helloFrame(info: HelloInfo): Buffer {
  return lengthPrefixed(MAGIC.hello, Buffer.from(JSON.stringify(info), 'utf8'));
}

export function errorFrame(message: string): Buffer {
  return lengthPrefixed(MAGIC.error, Buffer.from(message, 'utf8'));
}

export function endFrame(steps: number): Buffer {
  const b = Buffer.alloc(16);
  b.write(MAGIC.end, 0, 'latin1');
  b.writeBigUInt64LE(BigInt(steps), 8);
  return b;
}

/** The header of a batch frame; `state` is the loader's state after this batch. */
export function batchHeader(batch: Batch, state: LoaderState): Buffer {
  const h = Buffer.alloc(BATCH_HEADER_BYTES);
  const cells = batch.rows * batch.cols;
  h.write(MAGIC.batch, 0, 'latin1');
  h.writeUInt32LE(batch.docStart ? FLAG_DOC_MASK : 0, 4);
  h.writeBigUInt64LE(BigInt(batch.step), 8);
  h.writeUInt32LE(batch.rows, 16);
  h.writeUInt32LE(batch.cols, 20);
  h.writeUInt32LE(state.seed, 24);
  h.writeUInt32LE(state.rank, 28);
  h.writeUInt32LE(state.world, 32);
  h.writeUInt32LE(state.shuffle_buffer, 36);
  h.writeUInt32LE(state.dataset, 40);
  h.writeUInt32LE(state.mixture, 44);
  h.writeBigUInt64LE(BigInt(cells * 4 + (batch.docStart ? cells : 0)), 48);
  h.writeUInt32LE(state.version, 56);
  return h;
}

/** The batch's tokens as little-endian bytes: a view, since the loader runs only on little-endian hosts (token-shard.ts). */
export function tokenBytes(tokens: Int32Array): Buffer {
  return Buffer.from(tokens.buffer, tokens.byteOffset, tokens.byteLength);
}

export type Frame = { kind: 'hello'; info: HelloInfo } | { kind: 'batch'; batch: Batch; state: LoaderState } | { kind: 'end'; steps: number } | { kind: 'error'; message: string };

/** Parses a complete byte stream of frames (tests and tools; the Python client has its own reader). */
export function decodeFrames(bytes: Buffer): Frame[] {
  const frames: Frame[] = [];
  let pos = 0;
  const need = (n: number): void => {
    if (pos + n > bytes.length) throw new SluiceError('SLUICE_LOADER', `frame stream ends inside a frame at byte ${pos}`);
  };
  while (pos < bytes.length) {
    need(8);
    const magic = bytes.toString('latin1', pos, pos + 4);
    if (magic === MAGIC.hello || magic === MAGIC.error) {
      const n = bytes.readUInt32LE(pos + 4);
      need(8 + n);
      const text = bytes.toString('utf8', pos + 8, pos + 8 + n);
      frames.push(magic === MAGIC.hello ? { kind: 'hello', info: JSON.parse(text) as HelloInfo } : { kind: 'error', message: text });
      pos += 8 + n;
    } else if (magic === MAGIC.end) {
      need(16);
      frames.push({ kind: 'end', steps: Number(bytes.readBigUInt64LE(pos + 8)) });
      pos += 16;
    } else if (magic === MAGIC.batch) {
      need(BATCH_HEADER_BYTES);
      const flags = bytes.readUInt32LE(pos + 4);
      const step = Number(bytes.readBigUInt64LE(pos + 8));
      const rows = bytes.readUInt32LE(pos + 16);
      const cols = bytes.readUInt32LE(pos + 20);
      const payload = Number(bytes.readBigUInt64LE(pos + 48));
      need(BATCH_HEADER_BYTES + payload);
      const cells = rows * cols;
      const body = pos + BATCH_HEADER_BYTES;
      const tokens = new Int32Array(cells);
      Buffer.from(tokens.buffer).set(bytes.subarray(body, body + cells * 4));
      const batch: Batch = { step, rows, cols, tokens };
      if (flags & FLAG_DOC_MASK) batch.docStart = Uint8Array.from(bytes.subarray(body + cells * 4, body + cells * 5));
      const state: LoaderState = {
        version: 1,
        step: step + 1,
        seed: bytes.readUInt32LE(pos + 24),
        rank: bytes.readUInt32LE(pos + 28),
        world: bytes.readUInt32LE(pos + 32),
        seq_len: cols - 1,
        batch: rows,
        shuffle_buffer: bytes.readUInt32LE(pos + 36),
        dataset: bytes.readUInt32LE(pos + 40),
        mixture: bytes.readUInt32LE(pos + 44),
      };
      frames.push({ kind: 'batch', batch, state });
      pos = body + payload;
    } else {
      throw new SluiceError('SLUICE_LOADER', `unknown frame magic ${JSON.stringify(magic)} at byte ${pos}`);
    }
  }
  return frames;
}

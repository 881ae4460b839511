import { Readable, pipeline, type Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { InputFile } from './input.js';
import { zstdBinding } from './zstd-contexts.js';
import { FRAME_HEADER_MAX_BYTES, frameWindowBytes } from './zstd-format.js';

export type Codec = 'gzip' | 'zstd' | 'bzip2' | 'none';

/** Compression detected from magic bytes, never only from the file name. */
export function detectCodec(head: Uint8Array): Codec {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return 'zstd';
  // zstd skippable frames (0x184D2A5?) start some multi-frame files
  if (head.length >= 4 && (head[0]! & 0xf0) === 0x50 && head[1] === 0x2a && head[2] === 0x4d && head[3] === 0x18) return 'zstd';
  if (head.length >= 4 && head[0] === 0x42 && head[1] === 0x5a && head[2] === 0x68 && head[3]! >= 0x31 && head[3]! <= 0x39) return 'bzip2';
  return 'none';
}

/** Pushshift dumps are compressed with `zstd --long=31`: a 2 GiB window that default decoders refuse. */
export const ZSTD_WINDOW_LOG_MAX = 31;

/** A decoder for codecs whose implementation lives elsewhere (bzip2 via a child process). */
export type ExternalDecoder = (raw: AsyncIterable<Uint8Array>, uri: string) => AsyncIterable<Uint8Array>;
const externalDecoders = new Map<Codec, ExternalDecoder>();

export function registerDecoder(codec: Codec, decoder: ExternalDecoder): void {
  externalDecoders.set(codec, decoder);
}

/** Reads ahead until `n` bytes are available (or the stream ends) without losing them. */
export async function peek(stream: AsyncIterable<Uint8Array>, n: number): Promise<{ head: Uint8Array; rest: AsyncIterable<Uint8Array> }> {
  const it = stream[Symbol.asyncIterator]();
  const held: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    held.push(r.value);
    have += r.value.length;
  }
  const head = Buffer.concat(held).subarray(0, n);
  async function* rest(): AsyncIterable<Uint8Array> {
    try {
      yield* held;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          done = true;
          return;
        }
        yield r.value;
      }
    } catch (err) {
      done = true; // the source failed: nothing to close
      throw err;
    } finally {
      // a consumer that stops early closes the source (file handle, socket)
      if (!done) await it.return?.();
    }
  }
  return { head, rest: rest() };
}

/** Pipes through a transform with errors from either side surfacing in the consumer's loop. */
function through(source: AsyncIterable<Uint8Array>, transform: Transform): AsyncIterable<Uint8Array> {
  pipeline(Readable.from(source, { objectMode: false }), transform, () => {});
  return transform;
}

/**
 * Frames with a larger window go to the registered decoder (the `zstd` command when installed):
 * 128 MiB is zstd's own default limit for decoders (windowLogMax 27); `--long=31` frames ask for
 * up to 2 GiB, which contexts freed only by garbage collection must not pile up (zstd-cli.ts).
 */
const IN_PROCESS_WINDOW = 128 * 1024 * 1024;

/** Bytes one streaming decompression call may write: ZSTD_DStreamOutSize, zstd's recommended output size. */
const ZSTD_OUT_BYTES = zstdBinding.dStreamOutSize();

/** A zstd-napi decompression context that accepts windows up to 2^31 bytes, and the output size one streaming call may fill. */
export function zstdDecoderContext(): { dctx: InstanceType<typeof zstdBinding.DCtx>; outBytes: number } {
  const dctx = new zstdBinding.DCtx();
  dctx.setParameter(zstdBinding.DParameter.windowLogMax, ZSTD_WINDOW_LOG_MAX);
  return { dctx, outBytes: ZSTD_OUT_BYTES };
}

/**
 * zstd in this process (zstd-napi's ZSTD_DCtx). Note: a `--long=31` frame makes the context
 * reserve its 2 GiB window, and contexts are freed only by garbage collection, so many such
 * streams in one process pile up address space (see src/io/zstd-cli.ts, which avoids it).
 *
 * A generator over the context rather than zstd-napi's DecompressStream: a stream's consumer that
 * falls behind gets every chunk buffered since its last read joined into one (Readable.read), a
 * copy of every byte of a spill; here each output buffer is yielded as it is filled. Every
 * yielded buffer is new (the spill reader keeps them without copying).
 */
export async function* decodeZstdInProcess(raw: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const { dctx } = zstdDecoderContext();
  // a new output buffer only once one was yielded: a call that produced nothing leaves it unused
  let dst = Buffer.allocUnsafe(ZSTD_OUT_BYTES);
  let inFrame = false;
  for await (const chunk of raw) {
    let src = chunk;
    for (;;) {
      const [left, produced, consumed] = dctx.decompressStream(dst, src);
      if (produced > 0) {
        yield dst.subarray(0, produced);
        dst = Buffer.allocUnsafe(ZSTD_OUT_BYTES);
      }
      src = src.subarray(consumed);
      // all input taken and the output not full: nothing more to flush for now
      if (src.length === 0 && (produced < dst.length || left === 0)) {
        inFrame = left !== 0;
        break;
      }
    }
  }
  if (inFrame) throw new Error('Stream ended in middle of compressed data frame');
}

function wrapErrors(stream: AsyncIterable<Uint8Array>, codec: Codec, uri: string): AsyncIterable<Uint8Array> {
  return (async function* () {
    try {
      yield* stream;
    } catch (err) {
      if (err instanceof SluiceError) throw err;
      throw new SluiceError('SLUICE_DECOMPRESS', `${codec} stream of ${uri} is damaged: ${errorMessage(err)}`, {
        file: uri,
        hint: 'the file is truncated or corrupt; records before the damage were read',
        cause: err,
      });
    }
  })();
}

/** Raw bytes with gzip (multi-member), zstd (long window) or bzip2 removed, detected by magic bytes. */
export async function decodeStream(raw: AsyncIterable<Uint8Array>, uri: string): Promise<{ codec: Codec; bytes: AsyncIterable<Uint8Array> }> {
  const { head, rest } = await peek(raw, 4);
  const codec = detectCodec(head);
  switch (codec) {
    case 'none':
      return { codec, bytes: rest };
    case 'gzip':
      return { codec, bytes: wrapErrors(through(rest, createGunzip({ chunkSize: 1 << 20 })), codec, uri) };
    case 'zstd': {
      const external = externalDecoders.get('zstd');
      return { codec, bytes: wrapErrors(external ? external(rest, uri) : decodeZstdInProcess(rest), codec, uri) };
    }
    case 'bzip2': {
      const decoder = externalDecoders.get('bzip2');
      if (!decoder) {
        throw new SluiceError('SLUICE_DECOMPRESS', `${uri} is bzip2-compressed but no bzip2 decoder is available`, { file: uri });
      }
      return { codec, bytes: wrapErrors(decoder(rest, uri), codec, uri) };
    }
  }
}

/** Decompressed bytes of an input file. */
export async function openDecoded(file: InputFile): Promise<{ codec: Codec; bytes: AsyncIterable<Uint8Array> }> {
  const piece = file.piece;
  // line pieces are cut from uncompressed files only, and a piece's first line must not be taken for magic bytes;
  // a bz2-streams piece starts with a stream header and is detected as bzip2 like the whole file
  if (piece?.kind === 'lines') return { codec: 'none', bytes: file.open() };
  if (piece?.kind === 'zstd-lines') return { codec: 'zstd', bytes: pieceLines(await decodePiece(file), piece, file.uri) };
  return decodeStream(file.open(), file.uri);
}

/**
 * A zstd piece starts at a frame; its lines are a window of what decodes from there. Decoded in
 * this process unless its frame asks for a window past IN_PROCESS_WINDOW: the plan has decoded
 * the file in process already, and a child per piece (the `zstd` command) costs a process start
 * and a pipe per piece: decoding the 15 pieces of a 172 MB file took 1.4 s that way against
 * 0.33 s in process (one-off script, wall time).
 */
async function decodePiece(file: InputFile): Promise<AsyncIterable<Uint8Array>> {
  const { head, rest } = await peek(file.open(), FRAME_HEADER_MAX_BYTES);
  const window = frameWindowBytes(head);
  if (window !== undefined && window <= IN_PROCESS_WINDOW) return wrapErrors(decodeZstdInProcess(rest), 'zstd', file.uri);
  return (await decodeStream(rest, file.uri)).bytes;
}

/**
 * The decoded bytes of one piece: `skip` bytes dropped, then `length` bytes, after which the
 * decoder (and the file or child process behind it) is closed. A stream that ends early is damage.
 */
export async function* pieceLines(decoded: AsyncIterable<Uint8Array>, piece: { skip: number; length: number }, uri: string): AsyncIterable<Uint8Array> {
  let skip = piece.skip;
  let left = piece.length;
  if (left <= 0) return;
  for await (let chunk of decoded) {
    if (skip > 0) {
      if (chunk.length <= skip) {
        skip -= chunk.length;
        continue;
      }
      chunk = chunk.subarray(skip);
      skip = 0;
    }
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
  throw new SluiceError('SLUICE_DECOMPRESS', `zstd piece of ${uri} ends ${left} bytes before its last line (the file changed since the run was planned?)`, {
    file: uri,
    hint: 'rerun with --fresh if the input was replaced on purpose',
  });
}

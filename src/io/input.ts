import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { abortable } from '../core/abortable.js';
import { fileFingerprint, treeFingerprint, type InputFingerprint } from './fingerprint.js';

/**
 * The byte-source interface every reader consumes: a name to show the user and a way to stream
 * raw (still compressed) bytes from an offset. Local files, HTTP URLs and in-memory buffers all
 * implement it, so readers are tested from buffers and run on anything.
 */
export interface InputFile {
  /** Path or URL as the user should see it in errors and rejects. */
  readonly uri: string;
  /** Set when the input is on local disk (tree readers walk it directly). */
  readonly localPath?: string;
  readonly isDirectory: boolean;
  /** Set when this is one piece of a larger file (see byte-range.ts, bz2-streams.ts): `open` streams only the piece. */
  readonly piece?: FilePiece;
  /** Set with `piece`: the file it was cut from. */
  readonly whole?: InputFile;
  /**
   * Streams the bytes from `offset`. `end` (exclusive) says where the caller stops reading: a
   * source may stop there and size its reads to it, or stream on (the caller cuts).
   */
  open(offset?: number, end?: number): AsyncIterable<Uint8Array>;
  size(): Promise<number | undefined>;
  /** Identifies this version of the input (see fingerprint.ts); absent where nothing can (stdin, memory). */
  fingerprint?(opts: { content: boolean }): Promise<InputFingerprint>;
}

/**
 * A piece of a file: lines numbered from `firstLine`; whole bzip2 streams (still compressed); or
 * zstd frames from `start`, whose decoded bytes from `skip` on hold the piece's `length` bytes of
 * lines, the first numbered `firstLine` at decoded offset `firstOffset` (see zstd-frames.ts).
 */
export type FilePiece =
  | { readonly kind: 'lines'; readonly start: number; readonly end: number; readonly firstLine: number }
  | { readonly kind: 'bz2-streams'; readonly start: number; readonly end: number }
  | {
      readonly kind: 'zstd-lines';
      readonly start: number;
      readonly end: number;
      readonly firstLine: number;
      readonly firstOffset: number;
      readonly skip: number;
      readonly length: number;
    };

const CHUNK = 1 << 20;

/** A read stream of `path` from `offset`, to `end` where given: a piece or small file then costs reads (and buffers) of its size, not of CHUNK past it. */
function readStream(path: string, offset: number, end: number | undefined): AsyncIterable<Uint8Array> {
  if (end === undefined) return createReadStream(path, { start: offset, highWaterMark: CHUNK });
  if (end <= offset) return (async function* () {})();
  return createReadStream(path, { start: offset, end: end - 1, highWaterMark: Math.min(CHUNK, end - offset) });
}

export function localFile(path: string, isDirectory = false): InputFile {
  return {
    uri: path,
    localPath: path,
    isDirectory,
    open: (offset = 0, end) => readStream(path, offset, end),
    size: async () => (await stat(path)).size,
    fingerprint: ({ content }) => (isDirectory ? treeFingerprint(path, content) : fileFingerprint(path, content)),
  };
}

/** Standard input as an input named '-' (the CLI's convention); it can be read once, from the start. */
export function stdinFile(): InputFile {
  return { uri: '-', isDirectory: false, open: () => process.stdin, size: async () => undefined };
}

/**
 * An in-memory input; `chunkSize` (one size, or sizes taken in turn like a network stream's) lets
 * tests prove a reader does not depend on chunk boundaries.
 */
export function memoryFile(uri: string, bytes: Uint8Array, chunkSize: number | readonly number[] = CHUNK): InputFile {
  const sizes = typeof chunkSize === 'number' ? [chunkSize] : chunkSize;
  return {
    uri,
    isDirectory: false,
    async *open(offset = 0) {
      for (let i = offset, k = 0; i < bytes.length; k++) {
        const n = sizes[k % sizes.length]!;
        yield bytes.subarray(i, Math.min(bytes.length, i + n));
        i += n;
      }
    },
    size: async () => bytes.length,
  };
}

/**
 * `file` whose byte streams end with `onAbort()` as soon as `signal` aborts, even mid-read (a
 * stalled server, a FIFO nobody writes to). At the byte level the race costs once per chunk,
 * not once per document.
 */
export function abortableFile(file: InputFile, signal: AbortSignal, onAbort: () => Error): InputFile {
  return derivedFile(file, {
    open: (offset, end) => abortable(file.open(offset, end), signal, onAbort),
    whole: file.whole && abortableFile(file.whole, signal, onAbort),
  });
}

/**
 * `file` with another way to open it (and, for a piece, its range, whole file and size). Every
 * file built from another has the same fields in the same order: V8 (Node 20) gives an object
 * spread from another a hidden class of its own after a few, and the readers' loops, which read
 * a new file each task, would deoptimise and compile again every time.
 */
export function derivedFile(file: InputFile, changes: Pick<InputFile, 'open'> & Partial<Pick<InputFile, 'piece' | 'whole' | 'size'>>): InputFile {
  return {
    uri: file.uri,
    localPath: file.localPath,
    isDirectory: file.isDirectory,
    piece: changes.piece ?? file.piece,
    whole: changes.whole ?? file.whole,
    open: changes.open,
    size: changes.size ?? file.size,
    fingerprint: file.fingerprint,
  };
}

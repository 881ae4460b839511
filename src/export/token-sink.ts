import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { tempPathFor } from '../io/atomic.js';
import { outputError } from '../io/output-error.js';
import { SluiceError, errorMessage } from '../core/errors.js';

export type TokenWidth = 2 | 4;

const CHUNK_TOKENS = 1 << 20;

/**
 * Writes tokens to a file as little-endian 16- or 32-bit integers, a chunk at a time. The
 * file is written under a temp name and renamed into place by commit(): a reader never sees
 * half an export.
 */
export class TokenSink {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly chunk: Uint16Array | Int32Array;
  private used = 0;
  /** Bytes in the file so far (pending chunk included). */
  bytes = 0;

  constructor(
    readonly path: string,
    readonly width: TokenWidth,
  ) {
    if (endianness() !== 'LE') throw new SluiceError('SLUICE_OUTPUT', 'token export needs a little-endian host');
    this.chunk = width === 2 ? new Uint16Array(CHUNK_TOKENS) : new Int32Array(CHUNK_TOKENS);
    this.tmp = tempPathFor(path);
    try {
      this.fd = openSync(this.tmp, 'w');
    } catch (err) {
      throw new SluiceError('SLUICE_OUTPUT', `cannot create ${path}: ${errorMessage(err)}`, { file: path, hint: 'check that the directory exists and is writable' });
    }
  }

  /** Appends raw bytes (a header). */
  raw(bytes: Uint8Array): void {
    this.flush();
    this.writeAll(bytes);
    this.bytes += bytes.length;
  }

  /** Appends tokens[from, to). */
  tokens(tokens: Int32Array, from: number, to: number): void {
    this.bytes += (to - from) * this.width;
    while (from < to) {
      const n = Math.min(to - from, CHUNK_TOKENS - this.used);
      // Uint16Array.set truncates to 16 bits; callers check ids fit before choosing width 2
      this.chunk.set(tokens.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === CHUNK_TOKENS) this.flush();
    }
  }

  token(t: number): void {
    this.chunk[this.used++] = t;
    this.bytes += this.width;
    if (this.used === CHUNK_TOKENS) this.flush();
  }

  /** Overwrites bytes at an absolute offset (a header completed at the end). */
  patch(offset: number, bytes: Uint8Array): void {
    this.flush();
    writeSync(this.fd, bytes, 0, bytes.length, offset);
  }

  commit(): void {
    this.flush();
    fsyncSync(this.fd);
    closeSync(this.fd);
    renameSync(this.tmp, this.path);
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    rmSync(this.tmp, { force: true });
  }

  private flush(): void {
    if (this.used === 0) return;
    this.writeAll(new Uint8Array(this.chunk.buffer, 0, this.used * this.width));
    this.used = 0;
  }

  private writeAll(bytes: Uint8Array): void {
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (err) {
      throw outputError(this.path, err);
    }
  }
}

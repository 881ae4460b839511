/**
 * Sequential little-endian reads from a model file through a file descriptor. Small fields go
 * through a 1 MiB window; matrices are read straight into their typed arrays, so loading a model
 * costs about its own size in memory, not twice that. Every read checks the file's length first:
 * a truncated model is an error naming the file and what was being read, never garbage.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { SluiceError } from '../core/errors.js';

const WINDOW = 1 << 20;

export class ModelReader {
  readonly size: number;
  private readonly fd: number;
  private pos = 0;
  private readonly buf = Buffer.allocUnsafe(WINDOW);
  private bufStart = 0;
  private bufEnd = 0;

  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'r');
    } catch (err) {
      throw new SluiceError('SLUICE_INPUT_MISSING', `cannot open fastText model ${file}: ${(err as Error).message}`, { file, cause: err });
    }
    this.size = fstatSync(this.fd).size;
  }

  close(): void {
    closeSync(this.fd);
  }

  get offset(): number {
    return this.pos;
  }

  /** An error for a model that is not what it claims to be. */
  damaged(what: string): SluiceError {
    return new SluiceError('SLUICE_INPUT_READ', `${this.file} is not a valid fastText model: ${what} (at byte ${this.pos} of ${this.size})`, {
      file: this.file,
      hint: 'the file is damaged or was not written by fastText; download or train it again',
    });
  }

  /** Throws unless `n` more bytes follow: checked before a large allocation sized from the header. */
  need(n: number, what: string): void {
    if (this.pos + n > this.size) {
      throw new SluiceError('SLUICE_INPUT_READ', `${this.file} is truncated: ${what} needs ${n} bytes at byte ${this.pos}, the file has ${this.size}`, {
        file: this.file,
        hint: 'the download or copy was cut short; fetch the model again',
      });
    }
  }

  /** Makes at least `n` (≤ WINDOW) bytes from `pos` available in the window. */
  private window(n: number, what: string): number {
    this.need(n, what);
    if (this.pos < this.bufStart || this.pos + n > this.bufEnd) {
      const len = Math.min(WINDOW, this.size - this.pos);
      let got = 0;
      while (got < len) got += readSync(this.fd, this.buf, got, len - got, this.pos + got);
      this.bufStart = this.pos;
      this.bufEnd = this.pos + len;
    }
    const at = this.pos - this.bufStart;
    this.pos += n;
    return at;
  }

  i32(what: string): number {
    return this.buf.readInt32LE(this.window(4, what));
  }

  i64(what: string): number {
    const v = this.buf.readBigInt64LE(this.window(8, what));
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) throw this.damaged(`${what} is ${v}`);
    return Number(v);
  }

  f64(what: string): number {
    return this.buf.readDoubleLE(this.window(8, what));
  }

  u8(what: string): number {
    return this.buf[this.window(1, what)]!;
  }

  /** Bytes up to (not including) the next NUL, which is consumed. */
  cstring(what: string, maxLen = 1 << 16): Uint8Array {
    const start = this.pos;
    for (;;) {
      const at = this.window(1, what);
      if (this.buf[at] === 0) break;
      if (this.pos - start > maxLen) throw this.damaged(`${what} is longer than ${maxLen} bytes`);
    }
    const len = this.pos - 1 - start;
    const out = new Uint8Array(len);
    // the bytes may straddle a window refill: read them back through the descriptor
    if (start >= this.bufStart && start + len <= this.bufEnd) out.set(this.buf.subarray(start - this.bufStart, start - this.bufStart + len));
    else readSync(this.fd, out, 0, len, start);
    return out;
  }

  /** Fills `into` with the next `into.byteLength` bytes straight from the file. */
  bytes(into: Uint8Array, what: string): void {
    this.need(into.byteLength, what);
    let got = 0;
    while (got < into.byteLength) {
      const n = readSync(this.fd, into, got, into.byteLength - got, this.pos + got);
      if (n === 0) throw this.damaged(`${what} ends early`);
      got += n;
    }
    this.pos += into.byteLength;
  }

  f32array(count: number, what: string): Float32Array {
    this.need(count * 4, what);
    const out = new Float32Array(count);
    this.bytes(new Uint8Array(out.buffer), what);
    return out;
  }
}

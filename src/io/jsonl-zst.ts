import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { CompressStream } from 'zstd-napi';
import { tempPathFor } from './atomic.js';
import { decodeStream } from './decompress.js';
import { localFile } from './input.js';
import { splitLines } from './lines.js';
import { outputError } from './output-error.js';
import { SluiceError } from '../core/errors.js';

/**
 * zstd-compressed JSON lines, written under a temp name and renamed on `commit()`.
 * Used for rejects and for documents spilled between phases.
 *
 * A write error (a full disk) on either stream fails the next `write`/`flushIfFull`/`commit`
 * with a SLUICE_OUTPUT error naming the file; it never escapes as an unhandled 'error' event.
 */
export class JsonlZstWriter {
  private readonly tmp: string;
  private readonly zstd = new CompressStream({ compressionLevel: 3 });
  private file: WriteStream | undefined;
  private opened: Promise<void> | undefined;
  /** Settles once the last compressed byte is on disk, or rejects with the first error of either stream. */
  private written: Promise<void> | undefined;
  private failure: SluiceError | undefined;
  private buffer: string[] = [];
  private bufferedChars = 0;
  rows = 0;

  /** `keepEmpty`: write a file even with no records (a reader downstream expects one per task). */
  constructor(
    readonly path: string,
    private readonly opts: { keepEmpty?: boolean } = {},
  ) {
    this.tmp = tempPathFor(path);
  }

  private open(): Promise<void> {
    this.opened ??= (async () => {
      try {
        await mkdir(dirname(this.path), { recursive: true });
      } catch (err) {
        throw this.fail(err);
      }
      this.file = createWriteStream(this.tmp);
      // unlike pipe(), pipeline() listens for errors on both streams and destroys both on the first
      this.written = pipeline(this.zstd, this.file).catch((err: unknown) => {
        throw this.fail(err);
      });
      // observed by flush() and commit(); until then a failure must not count as an unhandled rejection
      this.written.catch(() => undefined);
    })();
    return this.opened;
  }

  /** Records the first failure (later ones are its consequences) and returns it. */
  private fail(err: unknown): SluiceError {
    this.failure ??= outputError(this.path, err);
    return this.failure;
  }

  /** Buffers one record; call `flushIfFull()` from async code to apply backpressure. */
  push(record: unknown): void {
    const line = JSON.stringify(record) + '\n';
    this.buffer.push(line);
    this.bufferedChars += line.length;
    this.rows++;
  }

  async flushIfFull(): Promise<void> {
    if (this.bufferedChars >= 1 << 20) await this.flush();
  }

  async write(record: unknown): Promise<void> {
    this.push(record);
    await this.flushIfFull();
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    await this.open();
    if (this.failure) throw this.failure;
    const data = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    if (this.zstd.write(data)) return;
    try {
      // a failed stream never drains: the pipeline's rejection ends the wait instead
      await Promise.race([once(this.zstd, 'drain'), this.written]);
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Finishes the file and moves it into place. Returns false (and writes nothing) when empty, unless keepEmpty. */
  async commit(): Promise<boolean> {
    if (this.rows === 0 && !this.opts.keepEmpty) return false;
    await this.flush();
    await this.open();
    if (this.failure) throw this.failure;
    if (!this.written) throw new SluiceError('SLUICE_INTERNAL', `jsonl writer for ${this.path} never opened`);
    this.zstd.end();
    await this.written;
    try {
      await rename(this.tmp, this.path);
    } catch (err) {
      throw this.fail(err);
    }
    return true;
  }

  /** Stops writing and deletes the temp file; safe after a failure and after commit(). */
  async abort(): Promise<void> {
    await this.opened?.catch(() => undefined);
    this.zstd.destroy();
    this.file?.destroy();
    // the pipeline settles once the file's descriptor is closed, so the rm below is final
    await this.written?.catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
}

/** Reads records written by JsonlZstWriter (or any JSONL, compressed or not). */
export async function* readJsonl<T>(path: string): AsyncIterable<T> {
  const { bytes } = await decodeStream(localFile(path).open(), path);
  for await (const line of splitLines(bytes)) {
    if (line.text.length === 0) continue;
    try {
      yield JSON.parse(line.text) as T;
    } catch (err) {
      throw new SluiceError('SLUICE_BAD_RECORD', `${path}:${line.lineNo} is not valid JSON`, { file: path, record: line.lineNo, cause: err });
    }
  }
}

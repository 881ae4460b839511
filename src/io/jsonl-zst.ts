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
 * A zstd-compressed file written under a temp name and renamed on `commit()`: the bytes of
 * JSONL rejects (JsonlZstWriter below) and of the runner's binary document spills.
 *
 * A write error (a full disk) on either stream fails the next `flush`/`flushIfFull`/`commit`
 * with a SLUICE_OUTPUT error naming the file; it never escapes as an unhandled 'error' event.
 */
export class ZstFileWriter {
  private readonly tmp: string;
  private readonly zstd: CompressStream;
  private file: WriteStream | undefined;
  private opened: Promise<void> | undefined;
  /** Settles once the last compressed byte is on disk, or rejects with the first error of either stream. */
  private written: Promise<void> | undefined;
  private failure: SluiceError | undefined;
  private parts: (string | Uint8Array)[] = [];
  private buffered = 0;
  rows = 0;

  /** `keepEmpty`: write a file even with no records (a reader downstream expects one per task). */
  constructor(
    readonly path: string,
    private readonly opts: { keepEmpty?: boolean; level?: number } = {},
  ) {
    this.tmp = tempPathFor(path);
    this.zstd = new CompressStream({ compressionLevel: opts.level ?? 3 });
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

  /** Buffers bytes (or text, as UTF-8) that hold `records` records; the caller must not change `part` afterwards. */
  add(part: string | Uint8Array, size: number, records = 1): void {
    this.parts.push(part);
    this.buffered += size;
    this.rows += records;
  }

  async flushIfFull(): Promise<void> {
    if (this.buffered >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    await this.open();
    if (this.failure) throw this.failure;
    const parts = this.parts;
    this.parts = [];
    this.buffered = 0;
    // text is joined (one native call instead of one per record); byte blocks go in as they are,
    // since joining them would copy every byte once more for nothing
    let flowing = true;
    if (parts.every((p) => typeof p === 'string')) flowing = this.zstd.write(parts.length === 1 ? parts[0]! : parts.join(''));
    else for (const p of parts) flowing = this.zstd.write(p);
    if (flowing) return;
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
    if (!this.written) throw new SluiceError('SLUICE_INTERNAL', `zstd writer for ${this.path} never opened`);
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

/** zstd-compressed JSON lines: rejects and other records people read back with `zstdcat | jq`. */
export class JsonlZstWriter extends ZstFileWriter {
  /** Buffers one record; call `flushIfFull()` from async code to apply backpressure. */
  push(record: unknown): void {
    const line = JSON.stringify(record) + '\n';
    this.add(line, line.length);
  }

  async write(record: unknown): Promise<void> {
    this.push(record);
    await this.flushIfFull();
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

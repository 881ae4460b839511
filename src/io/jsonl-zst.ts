import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';
import { CompressStream } from 'zstd-napi';
import { tempPathFor } from './atomic.js';
import { decodeStream } from './decompress.js';
import { localFile } from './input.js';
import { splitLines } from './lines.js';
import { SluiceError } from '../core/errors.js';

/**
 * zstd-compressed JSON lines, written under a temp name and renamed on `commit()`.
 * Used for rejects and for documents spilled between phases.
 */
export class JsonlZstWriter {
  private readonly tmp: string;
  private readonly zstd = new CompressStream({ compressionLevel: 3 });
  private file: WriteStream | undefined;
  private opened: Promise<void> | undefined;
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
      await mkdir(dirname(this.path), { recursive: true });
      this.file = createWriteStream(this.tmp);
      this.zstd.pipe(this.file);
    })();
    return this.opened;
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
    const data = this.buffer.join('');
    this.buffer = [];
    this.bufferedChars = 0;
    if (!this.zstd.write(data)) await once(this.zstd, 'drain');
  }

  /** Finishes the file and moves it into place. Returns false (and writes nothing) when empty, unless keepEmpty. */
  async commit(): Promise<boolean> {
    if (this.rows === 0 && !this.opts.keepEmpty) return false;
    await this.flush();
    await this.open();
    const file = this.file;
    if (!file) throw new SluiceError('SLUICE_INTERNAL', `jsonl writer for ${this.path} never opened`);
    const finished = once(file, 'finish');
    this.zstd.end();
    await finished;
    await rename(this.tmp, this.path);
    return true;
  }

  async abort(): Promise<void> {
    this.zstd.destroy();
    this.file?.destroy();
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

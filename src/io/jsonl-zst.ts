import { createHash, type Hash } from 'node:crypto';
import { rename, rm } from 'node:fs/promises';
import { taskTempPathFor, tempPathFor } from './atomic.js';
import { decodeStream } from './decompress.js';
import { FileSink } from './file-sink.js';
import type { FileDigest } from './fingerprint.js';
import { localFile } from './input.js';
import { splitLines } from './lines.js';
import { outputError } from './output-error.js';
import { inParentDir } from './parent-dir.js';
import { EndDirective, releaseStreamContext, STREAM_OUT_BYTES, takeStreamContext, type StreamContext } from './zstd-contexts.js';
import { SluiceError } from '../core/errors.js';

/**
 * A zstd-compressed file written under a temp name and renamed on `commit()`: the bytes of
 * JSONL rejects (JsonlZstWriter below) and of the runner's binary document spills.
 *
 * Compression is synchronous, on a context from the process's pool (zstd-contexts.ts), and the
 * compressed bytes go to the file through a FileSink (one writev per flush); a write error (a full disk) fails that
 * `flush`/`flushIfFull`/`commit` with a SLUICE_OUTPUT error naming the file. The bytes are hashed
 * as they go out, so a committed file's digest (for its task marker) costs no second read.
 */
export class ZstFileWriter {
  private readonly tmp: string;
  private readonly level: number;
  private cctx: StreamContext | undefined;
  private file: Promise<FileSink> | undefined;
  private failure: SluiceError | undefined;
  private parts: (string | Uint8Array)[] = [];
  private buffered = 0;
  private done = false;
  private readonly hash: Hash = createHash('sha256');
  private committed: FileDigest | undefined;
  rows = 0;

  /**
   * `keepEmpty`: write a file even with no records (a reader downstream expects one per task).
   * `taskOutput`: one task alone writes `path`, so its temp name is `taskTempPathFor`'s, which
   * the task's next attempt finds without listing the folder.
   */
  constructor(
    readonly path: string,
    private readonly opts: { keepEmpty?: boolean; level?: number; taskOutput?: boolean } = {},
  ) {
    this.tmp = opts.taskOutput === true ? taskTempPathFor(path) : tempPathFor(path);
    this.level = opts.level ?? 3;
  }

  private open(): Promise<FileSink> {
    this.file ??= inParentDir(this.tmp, () => FileSink.create(this.tmp, (chunk) => this.hash.update(chunk)));
    return this.file;
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
    if (this.parts.length > 0) await this.writeOut(this.compress(false));
  }

  /**
   * The buffered parts through the compressor (the frame ended when `end`). Text is joined first
   * (one native call instead of one per record); byte blocks go in as they are, since joining them
   * would copy every byte once more for nothing.
   */
  private compress(end: boolean): Buffer[] {
    const parts = this.parts;
    this.parts = [];
    this.buffered = 0;
    const inputs: Uint8Array[] = parts.every((p) => typeof p === 'string') ? (parts.length === 0 ? [] : [Buffer.from(parts.join(''))]) : parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    const cctx = (this.cctx ??= takeStreamContext(this.level));
    const out: Buffer[] = [];
    const run = (src: Uint8Array, directive: number): void => {
      for (;;) {
        const [left, produced, consumed] = cctx.compressStream2(scratch, src, directive);
        // copied out at its size: the scratch is reused, and a fresh output block per call would hold 128 KB for a few
        if (produced > 0) out.push(Buffer.from(scratch.subarray(0, produced)));
        src = src.subarray(consumed);
        // continuing: done once the input is taken; ending: once nothing is left to flush
        if (src.length === 0 && (directive === EndDirective.continue || left === 0)) return;
      }
    };
    for (const src of inputs) run(src, EndDirective.continue);
    if (end) run(EMPTY, EndDirective.end);
    return out;
  }

  private async writeOut(chunks: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await (await this.open()).write(chunks);
    } catch (err) {
      throw this.fail(err);
    }
  }

  /** Finishes the file and moves it into place. Returns false (and writes nothing) when empty, unless keepEmpty. */
  async commit(): Promise<boolean> {
    if (this.rows === 0 && !this.opts.keepEmpty) {
      // nothing to keep; abort also removes a temp file that a flush of record-less parts opened
      await this.abort();
      return false;
    }
    await this.writeOut(this.compress(true));
    this.release(false);
    try {
      const sink = await this.open();
      await sink.close();
      await rename(this.tmp, this.path);
      this.committed = { bytes: sink.bytesWritten, sha256: this.hash.digest('hex') };
    } catch (err) {
      throw this.fail(err);
    }
    this.done = true;
    return true;
  }

  /** Size and SHA-256 of the committed file; undefined before a commit that wrote one. */
  get digest(): FileDigest | undefined {
    return this.committed;
  }

  private release(midFrame: boolean): void {
    if (this.cctx) releaseStreamContext(this.level, this.cctx, midFrame);
    this.cctx = undefined;
  }

  /** Stops writing and deletes the temp file; safe after a failure and after commit(). */
  async abort(): Promise<void> {
    this.release(true);
    this.parts = [];
    if (this.done || this.file === undefined) return;
    this.done = true;
    await this.file.then((sink) => sink.close()).catch(() => undefined);
    await rm(this.tmp, { force: true });
  }
}

const EMPTY = new Uint8Array(0);
/** Output of one compression call, copied out before the next: writers compress synchronously, so one serves them all. */
const scratch = Buffer.allocUnsafe(STREAM_OUT_BYTES);

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

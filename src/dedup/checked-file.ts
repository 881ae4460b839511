/**
 * Binary files that dedup passes hand to each other (signatures, band keys, edges, removal
 * lists). Every block of payload carries a CRC-32 that is checked before any byte of the block is
 * used, so a truncated or altered file fails loudly instead of silently changing which documents
 * are removed; random access checks only the blocks it touches.
 *
 *   header (32 bytes): "SLDD" | version | kind | block bytes | payload bytes (u64) | 0 | header CRC
 *   blocks:            payload[block bytes] CRC-32(payload) ... last block may be short
 *
 * Little-endian throughout; files are written under a temp name and renamed when complete.
 * I/O is synchronous: these files are read and written by barrier passes, not on a request path.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { SluiceError } from '../core/errors.js';
import { tempPathFor } from '../io/atomic.js';
import { outputError } from '../io/output-error.js';
import { inParentDirSync } from '../io/parent-dir.js';

const MAGIC = 0x44444c53; // "SLDD" read as a little-endian u32
const VERSION = 1;
const HEADER_BYTES = 32;

/** What a file holds; stored in its header so one kind is never read as another. */
export const ArtefactKind = {
  DocIndex: 1,
  DocIds: 2,
  Signatures: 3,
  SortedKeys: 4,
  Edges: 5,
  Removals: 6,
  Ordinals: 7,
} as const;
export type ArtefactKind = (typeof ArtefactKind)[keyof typeof ArtefactKind];

if (endianness() !== 'LE') {
  throw new SluiceError('SLUICE_INTERNAL', 'dedup artefacts are written with typed arrays and assume a little-endian machine');
}

function corrupt(path: string, what: string): SluiceError {
  return new SluiceError('SLUICE_ARTEFACT', `${path}: ${what}`, {
    file: path,
    hint: 'an intermediate dedup file was truncated or changed after it was written; rerun with --fresh (or delete the stage work directory) to recompute it',
  });
}

/** writeSync until every byte is written (a regular file may accept fewer than asked); a failure (a full disk) names `path`. */
function writeAll(path: string, fd: number, data: Uint8Array, length: number, position?: number): void {
  let done = 0;
  try {
    while (done < length) {
      done += writeSync(fd, data, done, length - done, position === undefined ? null : position + done);
    }
  } catch (err) {
    throw outputError(path, err);
  }
}

/** Views a typed array's bytes without copying. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export class CheckedWriter {
  private readonly tmp: string;
  private readonly fd: number;
  private readonly block: Uint8Array;
  private fill = 0;
  private total = 0;
  private closed = false;

  constructor(
    readonly path: string,
    readonly kind: ArtefactKind,
    readonly blockBytes = 64 * 1024,
  ) {
    this.tmp = tempPathFor(path);
    this.fd = inParentDirSync(this.tmp, () => openSync(this.tmp, 'w'));
    this.block = new Uint8Array(blockBytes + 4);
    try {
      writeAll(this.path, this.fd, new Uint8Array(HEADER_BYTES), HEADER_BYTES); // placeholder; the real header is written on close
    } catch (err) {
      // a full disk fails even this: the caller never gets a writer to abort, so clean up here
      this.abort();
      throw err;
    }
  }

  /** Payload bytes written so far: the offset the next `write` starts at. */
  get offset(): number {
    return this.total;
  }

  write(data: Uint8Array): void {
    let at = 0;
    while (at < data.length) {
      const n = Math.min(this.blockBytes - this.fill, data.length - at);
      this.block.set(data.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === this.blockBytes) this.flushBlock();
    }
    this.total += data.length;
  }

  private flushBlock(): void {
    if (this.fill === 0) return;
    const view = new DataView(this.block.buffer);
    view.setUint32(this.fill, crc32(this.block.subarray(0, this.fill)), true);
    writeAll(this.path, this.fd, this.block, this.fill + 4);
    this.fill = 0;
  }

  /** Writes the header, closes and renames into place. Returns the payload size. */
  close(): number {
    this.flushBlock();
    const header = new Uint8Array(HEADER_BYTES);
    const view = new DataView(header.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, VERSION, true);
    view.setUint32(8, this.kind, true);
    view.setUint32(12, this.blockBytes, true);
    view.setUint32(16, this.total % 2 ** 32, true);
    view.setUint32(20, Math.floor(this.total / 2 ** 32), true);
    view.setUint32(28, crc32(header.subarray(0, 28)), true);
    writeAll(this.path, this.fd, header, HEADER_BYTES, 0);
    closeSync(this.fd);
    this.closed = true;
    renameSync(this.tmp, this.path);
    return this.total;
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.tmp, { force: true });
  }
}

/** Writes a whole payload as one checked file. */
export function writeChecked(path: string, kind: ArtefactKind, data: Uint8Array, blockBytes?: number): number {
  const w = new CheckedWriter(path, kind, blockBytes);
  try {
    w.write(data);
    return w.close();
  } catch (err) {
    w.abort();
    throw err;
  }
}

export class CheckedReader {
  readonly size: number;
  readonly blockBytes: number;
  /** Closed by `suspend()` between uses when a pass holds very many readers; reopened on demand. */
  private fd: number | undefined;
  /** A few recently verified blocks, for random access that lands in the same block again. */
  private readonly cache = new Map<number, Uint8Array>();

  private constructor(
    readonly path: string,
    fd: number,
    size: number,
    blockBytes: number,
  ) {
    this.fd = fd;
    this.size = size;
    this.blockBytes = blockBytes;
  }

  static open(path: string, kind: ArtefactKind): CheckedReader {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SluiceError('SLUICE_ARTEFACT', `${path}: cannot open (${code ?? String(err)})`, {
        file: path,
        hint: code === 'ENOENT' ? 'the pass that writes this file has not finished; run the phases in order (a rerun resumes where it stopped)' : undefined,
      });
    }
    try {
      const header = new Uint8Array(HEADER_BYTES);
      if (readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) throw corrupt(path, 'shorter than its header');
      const view = new DataView(header.buffer);
      if (view.getUint32(0, true) !== MAGIC) throw corrupt(path, 'not a sluice dedup file (bad magic)');
      if (view.getUint32(28, true) !== crc32(header.subarray(0, 28))) throw corrupt(path, 'header checksum mismatch');
      if (view.getUint32(4, true) !== VERSION) throw corrupt(path, `format version ${view.getUint32(4, true)}, expected ${VERSION}`);
      const got = view.getUint32(8, true);
      if (got !== kind) throw corrupt(path, `holds artefact kind ${got}, expected ${kind}`);
      const blockBytes = view.getUint32(12, true);
      const size = view.getUint32(16, true) + view.getUint32(20, true) * 2 ** 32;
      if (blockBytes === 0) throw corrupt(path, 'block size 0');
      const expected = HEADER_BYTES + size + 4 * Math.ceil(size / blockBytes);
      const actual = fstatSync(fd).size;
      if (actual !== expected) throw corrupt(path, `is ${actual} bytes, its header says ${expected}`);
      return new CheckedReader(path, fd, size, blockBytes);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Block `i`'s payload, checksum verified. */
  private loadBlock(i: number): Uint8Array {
    const cached = this.cache.get(i);
    if (cached) return cached;
    const start = i * this.blockBytes;
    const len = Math.min(this.blockBytes, this.size - start);
    let buf: Uint8Array | undefined;
    if (this.cache.size >= 4) {
      // reuse the evicted block's buffer: random access would otherwise make a block of garbage per read
      const oldest = this.cache.keys().next().value!;
      const old = this.cache.get(oldest)!;
      this.cache.delete(oldest);
      if (old.buffer.byteLength === len + 4) buf = new Uint8Array(old.buffer);
    }
    buf ??= new Uint8Array(len + 4);
    const pos = HEADER_BYTES + i * (this.blockBytes + 4);
    this.fd ??= openSync(this.path, 'r');
    if (readSync(this.fd, buf, 0, len + 4, pos) !== len + 4) throw corrupt(this.path, `block ${i} is cut short`);
    const payload = buf.subarray(0, len);
    const want = new DataView(buf.buffer).getUint32(len, true);
    if (crc32(payload) !== want) throw corrupt(this.path, `block ${i} (payload bytes ${start}..${start + len}) fails its CRC-32`);
    this.cache.set(i, payload);
    return payload;
  }

  /** Copies `length` payload bytes at `offset` into a fresh (4-byte aligned) array. */
  read(offset: number, length: number): Uint8Array {
    return this.readInto(offset, new Uint8Array(length));
  }

  /** Fills `out` with the payload bytes at `offset`; returns it. */
  readInto(offset: number, out: Uint8Array): Uint8Array {
    const length = out.length;
    if (offset < 0 || offset + length > this.size) throw corrupt(this.path, `read of ${length} bytes at ${offset} is past the end (${this.size})`);
    let at = 0;
    while (at < length) {
      const pos = offset + at;
      const block = Math.floor(pos / this.blockBytes);
      const inBlock = pos - block * this.blockBytes;
      const payload = this.loadBlock(block);
      const n = Math.min(payload.length - inBlock, length - at);
      out.set(payload.subarray(inBlock, inBlock + n), at);
      at += n;
    }
    return out;
  }

  /** The whole payload (for files that are used whole: removal lists, small indexes). */
  readAll(): Uint8Array {
    return this.read(0, this.size);
  }

  /** Closes the file descriptor until the next read (keeps a k-way merge of thousands of runs under the fd limit). */
  suspend(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  close(): void {
    this.cache.clear();
    this.suspend();
  }
}

/**
 * Reads fixed-size records of a byte range sequentially, `chunkRecords` at a time, each chunk
 * verified before it is handed out.
 */
export class RecordCursor {
  /** Current chunk as u32 words (a view of a buffer reused for every chunk). */
  words: Uint32Array = new Uint32Array(0);
  private buffer: Uint8Array | undefined;
  /** Index of the current record within `words` (in records). */
  index = 0;
  /** Records in the current chunk. */
  count = 0;
  private next: number;

  constructor(
    private readonly reader: CheckedReader,
    private readonly recordBytes: number,
    start: number,
    private readonly end: number,
    private readonly chunkRecords = 4096,
    /** Close the file between chunks (for merges over more runs than file descriptors). */
    private readonly suspendBetweenChunks = false,
  ) {
    this.next = start;
  }

  /** Loads the next chunk; false at the end of the range. */
  advanceChunk(): boolean {
    if (this.next >= this.end) return false;
    const len = Math.min(this.chunkRecords * this.recordBytes, this.end - this.next);
    this.buffer ??= new Uint8Array(Math.min(this.chunkRecords * this.recordBytes, this.end - this.next));
    const bytes = this.reader.readInto(this.next, this.buffer.subarray(0, len));
    if (this.suspendBetweenChunks) this.reader.suspend();
    this.next += len;
    this.words = new Uint32Array(bytes.buffer, 0, len / 4);
    this.count = len / this.recordBytes;
    this.index = 0;
    return true;
  }

  /** Moves to the next record; false at the end of the range. */
  step(): boolean {
    this.index++;
    if (this.index < this.count) return true;
    return this.advanceChunk();
  }
}

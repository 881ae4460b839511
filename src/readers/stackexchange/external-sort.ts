/**
 * An external sort of small records by (key, kind, id), for the Stack Exchange reader: answers
 * sit anywhere after their question in `Posts.xml` (years later, millions of rows on), so the
 * posts are sorted by question id to bring each question and its answers together.
 *
 * Records are buffered up to `budget` bytes, sorted, and written as a zstd-compressed run file;
 * the runs are then merged, at most FAN_IN at a time (a merge of more writes an intermediate
 * run first), so memory is the buffer plus one decoder and one record per open run, whatever
 * the size of the dump. When everything fits in the buffer, nothing touches the disk.
 *
 * Values stay objects while buffered and are encoded only when a run is spilled. Run file: per
 * record a 21-byte little-endian header (payload bytes u32, key f64, kind u8, id f64) and the
 * encoded value.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError, errorMessage } from '../../core/errors.js';
import { decodeZstdInProcess } from '../../io/decompress.js';
import { ZstFileWriter } from '../../io/jsonl-zst.js';
import { asBuffer } from '../../io/read-bytes.js';

export interface SortRecord<T> {
  /** What records are grouped by (the question id). */
  key: number;
  /** Orders records of one key (question before its answers). */
  kind: number;
  id: number;
  value: T;
}

/** How values go to a run file and back, and about how much memory one holds while buffered. */
export interface SortCodec<T> {
  /** Writes the value's bytes into `into` at `at`; returns how many, or -1 (nothing usable written) when they might not fit before its end. */
  encode(value: T, into: Buffer, at: number): number;
  decode(bytes: Buffer): T;
  size(value: T): number;
}

const HEADER = 21;
/** Runs merged at once: each holds a zstd decoder (about 4 MiB measured with its read buffer and stream queues). */
const FAN_IN = 32;
/** Bookkeeping of one buffered record besides its value (the record object, its array slot). */
export const RECORD_OVERHEAD = 64;

function compare<T>(a: SortRecord<T>, b: SortRecord<T>): number {
  return a.key - b.key || a.kind - b.kind || a.id - b.id;
}

/** Run bytes are gathered in blocks of this size before the compressor gets them. */
const BLOCK = 1 << 20;

export class ExternalSorter<T> {
  private buffer: SortRecord<T>[] = [];
  private buffered = 0;
  private runs: string[] = [];
  private dir: string | undefined;
  private nextRun = 0;
  /** Bytes written to run files (uncompressed), for the reader's counters. */
  spilledBytes = 0;
  runsWritten = 0;

  constructor(
    private readonly spillRoot: string,
    private readonly budget: number,
    private readonly codec: SortCodec<T>,
  ) {}

  async add(r: SortRecord<T>): Promise<void> {
    this.buffer.push(r);
    this.buffered += this.codec.size(r.value) + RECORD_OVERHEAD;
    if (this.buffered >= this.budget) await this.spill();
  }

  private async runPath(): Promise<string> {
    this.dir ??= await mkdtemp(join(this.spillRoot, 'sluice-stackexchange-')).catch((err: unknown) => {
      throw new SluiceError('SLUICE_OUTPUT', `cannot create a spill folder under ${this.spillRoot}: ${errorMessage(err)}`, {
        file: this.spillRoot,
        cause: err,
        hint: 'set spill_dir on the stackexchange input to a writable folder with room for about the compressed size of the dump',
      });
    });
    return join(this.dir, `run-${this.nextRun++}.bin.zst`);
  }

  private async spill(): Promise<void> {
    if (this.buffer.length === 0) return;
    const records = this.buffer.sort(compare);
    this.buffer = [];
    this.buffered = 0;
    this.runs.push(await this.writeRun(records));
  }

  private async writeRun(records: Iterable<SortRecord<T>> | AsyncIterable<SortRecord<T>>): Promise<string> {
    const path = await this.runPath();
    const out = new ZstFileWriter(path, { keepEmpty: true, level: 1 });
    let block = Buffer.allocUnsafe(BLOCK);
    let used = 0;
    let count = 0;
    try {
      for await (const r of records) {
        // encoded in place, after the header's room; a value that might not fit starts the next block
        let n = this.codec.encode(r.value, block, used + HEADER);
        if (n < 0) {
          if (used > 0) out.add(block.subarray(0, used), used, count);
          // the compressor keeps what it is given: the next block is a new buffer
          block = Buffer.allocUnsafe(BLOCK);
          used = 0;
          count = 0;
          await out.flushIfFull();
          n = this.codec.encode(r.value, block, HEADER);
          // larger than a block: a block of its own
          for (let size = 2 * BLOCK; n < 0; size *= 2) {
            block = Buffer.allocUnsafe(size);
            n = this.codec.encode(r.value, block, HEADER);
          }
        }
        block.writeUInt32LE(n, used);
        block.writeDoubleLE(r.key, used + 4);
        block.writeUInt8(r.kind, used + 12);
        block.writeDoubleLE(r.id, used + 13);
        used += HEADER + n;
        count++;
        this.spilledBytes += HEADER + n;
      }
      if (used > 0) out.add(block.subarray(0, used), used, count);
      await out.commit();
    } catch (err) {
      await out.abort();
      throw err;
    }
    this.runsWritten++;
    return path;
  }

  /** Every record added, in (key, kind, id) order. Call once, after the last add. */
  async *sorted(): AsyncIterable<SortRecord<T>> {
    if (this.runs.length === 0) {
      const records = this.buffer.sort(compare);
      this.buffer = [];
      this.buffered = 0;
      yield* records;
      return;
    }
    await this.spill();
    while (this.runs.length > FAN_IN) {
      const group = this.runs.splice(0, FAN_IN);
      this.runs.push(await this.writeRun(merge(group, this.codec)));
      await Promise.all(group.map((p) => rm(p, { force: true })));
    }
    yield* merge(this.runs, this.codec);
  }

  /** Removes the run files; safe to call more than once. */
  async dispose(): Promise<void> {
    this.buffer = [];
    if (this.dir !== undefined) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
    this.runs = [];
  }
}

/** Records of one run file, in the order written. */
async function* readRun<T>(path: string, codec: SortCodec<T>): AsyncIterable<SortRecord<T>> {
  let pending: Buffer = Buffer.alloc(0);
  const record = (b: Buffer, pos: number, len: number): SortRecord<T> => ({
    key: b.readDoubleLE(pos + 4),
    kind: b.readUInt8(pos + 12),
    id: b.readDoubleLE(pos + 13),
    value: codec.decode(b.subarray(pos + HEADER, pos + HEADER + len)),
  });
  try {
    // small reads: up to FAN_IN runs are open at once
    for await (const raw of decodeZstdInProcess(createReadStream(path, { highWaterMark: 64 << 10 }))) {
      let chunk = asBuffer(raw);
      // the record cut by the previous chunk is completed with only the bytes it lacks (joining
      // it with the whole chunk copied every byte once more)
      while (pending.length > 0 && chunk.length > 0) {
        const need = pending.length < HEADER ? HEADER - pending.length : HEADER + pending.readUInt32LE(0) - pending.length;
        const take = Math.min(need, chunk.length);
        pending = Buffer.concat([pending, chunk.subarray(0, take)]);
        chunk = chunk.subarray(take);
        if (pending.length >= HEADER && pending.length === HEADER + pending.readUInt32LE(0)) {
          yield record(pending, 0, pending.length - HEADER);
          pending = Buffer.alloc(0);
        }
      }
      let pos = 0;
      while (chunk.length - pos >= HEADER) {
        const len = chunk.readUInt32LE(pos);
        if (chunk.length - pos < HEADER + len) break;
        yield record(chunk, pos, len);
        pos += HEADER + len;
      }
      if (pos < chunk.length) pending = chunk.subarray(pos);
    }
  } catch (err) {
    if (err instanceof SluiceError) throw err;
    throw new SluiceError('SLUICE_OUTPUT', `spill run ${path} could not be read back: ${errorMessage(err)}`, { file: path, cause: err });
  }
  if (pending.length > 0) throw new SluiceError('SLUICE_OUTPUT', `spill run ${path} ends inside a record`, { file: path });
}

/** A k-way merge of sorted runs through a binary heap of their heads. */
async function* merge<T>(paths: readonly string[], codec: SortCodec<T>): AsyncIterable<SortRecord<T>> {
  const its = paths.map((p) => readRun(p, codec)[Symbol.asyncIterator]());
  const heap: { r: SortRecord<T>; i: number }[] = [];
  const less = (a: number, b: number): boolean => compare(heap[a]!.r, heap[b]!.r) < 0;
  const swap = (a: number, b: number): void => {
    const t = heap[a]!;
    heap[a] = heap[b]!;
    heap[b] = t;
  };
  const up = (k: number): void => {
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!less(k, p)) return;
      swap(k, p);
      k = p;
    }
  };
  const down = (k: number): void => {
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === k) return;
      swap(k, m);
      k = m;
    }
  };
  try {
    for (let i = 0; i < its.length; i++) {
      const n = await its[i]!.next();
      if (!n.done) {
        heap.push({ r: n.value, i });
        up(heap.length - 1);
      }
    }
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top.r;
      const n = await its[top.i]!.next();
      if (n.done) {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          down(0);
        }
      } else {
        heap[0] = { r: n.value, i: top.i };
        down(0);
      }
    }
  } finally {
    await Promise.all(its.map((it) => it.return?.()));
  }
}

/**
 * Documents waiting between phases (`.sluice/spill/<phase>/<task>.spill.zst`): a binary layout,
 * zstd-compressed. Every document is read back once by the same task rank of the next phase,
 * so the format only has to be fast and exact: length-prefixed UTF-8 fields instead of JSON,
 * which spares escaping the text on the way out and parsing it on the way back (the `spill`
 * bench: 1.37x less CPU than zstd JSON lines to write and read 41.8 MB of web text).
 *
 * File: the 8-byte magic `SLSPILL1`, then per document a 24-byte header of little-endian
 * fields (id bytes, text bytes, source bytes, meta bytes as u32; token count as i32, -1 when
 * the document has no tokens; flags as u32), then id, text and source as UTF-8, meta as UTF-8
 * JSON and the tokens as int32 LE. A string with a lone surrogate (JSON input can hold one)
 * has no UTF-8 form: it is stored as a JSON string instead, flagged (bit 0 id, 1 text, 2
 * source), so it comes back unchanged as it did from the JSON spills before.
 */
import { stat } from 'node:fs/promises';
import type { Doc, Meta } from '../core/doc.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { decodeZstdInProcess } from '../io/decompress.js';
import { pathExists } from '../io/exists.js';
import { localFile } from '../io/input.js';
import type { FileDigest } from '../io/fingerprint.js';
import { readJsonl, ZstFileWriter } from '../io/jsonl-zst.js';
import { asBuffer } from '../io/read-bytes.js';

const MAGIC = Buffer.from('SLSPILL1');
const HEADER = 24;
const BLOCK = 1 << 20;
/** Spills are read once and deleted with the run's scratch: a fast level beats a small file. */
const LEVEL = 1;

export class SpillWriter {
  private readonly out: ZstFileWriter;
  private block = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  private records = 0;

  constructor(path: string) {
    this.out = new ZstFileWriter(path, { keepEmpty: true, level: LEVEL, taskOutput: true });
    MAGIC.copy(this.block, 0);
    this.used = MAGIC.length;
  }

  get rows(): number {
    return this.out.rows + this.records;
  }

  /** Room for `bytes` more in the current block, handing a full block to the compressor first. */
  private reserve(bytes: number): void {
    if (this.used + bytes <= this.block.length) return;
    this.handOff();
    if (bytes > this.block.length) this.block = Buffer.allocUnsafe(bytes);
  }

  private handOff(): void {
    if (this.used === 0 && this.records === 0) return;
    // the compressor keeps a reference to what it is given: the next block is a new buffer
    this.out.add(this.block.subarray(0, this.used), this.used, this.records);
    this.block = Buffer.allocUnsafe(BLOCK);
    this.used = 0;
    this.records = 0;
  }

  async write(doc: Doc): Promise<void> {
    let flags = 0;
    const utf8 = (value: string, bit: number): string => {
      if (value.isWellFormed()) return value;
      flags |= bit;
      return JSON.stringify(value);
    };
    const id = utf8(doc.id, 1);
    const text = utf8(doc.text, 2);
    const source = utf8(doc.source, 4);
    const meta = JSON.stringify(doc.meta);
    const tokens = doc.tokens;
    // UTF-8 needs at most 3 bytes per UTF-16 code unit; the exact lengths are known after writing
    const bound = HEADER + 3 * (id.length + text.length + source.length + meta.length) + (tokens ? 4 * tokens.length : 0);
    this.reserve(bound);
    const b = this.block;
    const at = this.used;
    let pos = at + HEADER;
    const idBytes = b.write(id, pos, 'utf8');
    pos += idBytes;
    const textBytes = b.write(text, pos, 'utf8');
    pos += textBytes;
    const sourceBytes = b.write(source, pos, 'utf8');
    pos += sourceBytes;
    const metaBytes = b.write(meta, pos, 'utf8');
    pos += metaBytes;
    b.writeUInt32LE(idBytes, at);
    b.writeUInt32LE(textBytes, at + 4);
    b.writeUInt32LE(sourceBytes, at + 8);
    b.writeUInt32LE(metaBytes, at + 12);
    b.writeInt32LE(tokens ? tokens.length : -1, at + 16);
    b.writeUInt32LE(flags, at + 20);
    if (tokens) {
      Buffer.from(tokens.buffer, tokens.byteOffset, tokens.byteLength).copy(b, pos);
      pos += tokens.byteLength;
    }
    this.used = pos;
    this.records++;
    if (this.used >= BLOCK) {
      this.handOff();
      await this.out.flushIfFull();
    }
  }

  /** Writes the file out and moves it into place; its size and SHA-256, hashed as written. */
  async commit(): Promise<FileDigest> {
    this.handOff();
    await this.out.commit();
    return this.out.digest!;
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}

/** Bytes arriving in chunks, taken out in exact lengths; a field spanning chunks is joined once. */
class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next `n` bytes (n <= length): a view into a chunk when they lie in one. */
  take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    this.length -= n;
    const first = this.chunks[0]!;
    if (first.length - this.head >= n) {
      const out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - filled, c.length - this.head);
      c.copy(out, filled, this.head, this.head + k);
      filled += k;
      this.head += k;
      if (this.head === c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    return out;
  }
}

function damaged(path: string, what: string): SluiceError {
  return new SluiceError('SLUICE_VERIFY', `${path} is damaged: ${what}`, { file: path, hint: 'rerun with --fresh, or delete the task markers of the phase that wrote it' });
}

/** The documents a SpillWriter wrote, in order. */
export async function* readSpill(path: string): AsyncIterable<Doc> {
  // a run started by a version that spilled JSON lines resumes from them
  const legacy = path.replace(/\.spill\.zst$/, '.jsonl.zst');
  const size = await stat(path).then(
    (s) => s.size,
    () => undefined,
  );
  if (legacy !== path && size === undefined && (await pathExists(legacy))) {
    yield* readLegacySpill(legacy);
    return;
  }
  // in this process: a spill is small and quick to decode, and a zstd child per spill would cost more than it saves
  const bytes = decodeZstdInProcess(localFile(path).open(0, size));
  const q = new ByteQueue();
  let magicSeen = false;
  let header: Buffer | undefined;
  let need = MAGIC.length;
  for await (const chunk of decoded(bytes, path)) {
    // decodeZstdInProcess yields a new buffer for every chunk, so the queue may keep it without a copy
    q.push(asBuffer(chunk));
    while (q.length >= need) {
      if (!magicSeen) {
        if (!q.take(MAGIC.length).equals(MAGIC)) throw damaged(path, 'it is not a sluice spill file');
        magicSeen = true;
        need = HEADER;
        continue;
      }
      if (!header) {
        header = q.take(HEADER);
        const tokenCount = header.readInt32LE(16);
        need = header.readUInt32LE(0) + header.readUInt32LE(4) + header.readUInt32LE(8) + header.readUInt32LE(12) + (tokenCount > 0 ? 4 * tokenCount : 0);
        continue;
      }
      const body = q.take(need);
      yield decodeDoc(header, body);
      header = undefined;
      need = HEADER;
    }
  }
  if (!magicSeen || header || q.length > 0) throw damaged(path, 'it ends inside a record');
}

async function* decoded(bytes: AsyncIterable<Uint8Array>, path: string): AsyncIterable<Uint8Array> {
  try {
    yield* bytes;
  } catch (err) {
    if (err instanceof SluiceError || (err as NodeJS.ErrnoException).code === 'ENOENT') throw err;
    throw damaged(path, `zstd: ${errorMessage(err)}`);
  }
}

function decodeDoc(header: Buffer, body: Buffer): Doc {
  const idBytes = header.readUInt32LE(0);
  const textBytes = header.readUInt32LE(4);
  const sourceBytes = header.readUInt32LE(8);
  const metaBytes = header.readUInt32LE(12);
  const tokenCount = header.readInt32LE(16);
  const flags = header.readUInt32LE(20);
  let pos = 0;
  const str = (bytes: number, bit: number): string => {
    const raw = body.toString('utf8', pos, (pos += bytes));
    return flags & bit ? (JSON.parse(raw) as string) : raw;
  };
  const id = str(idBytes, 1);
  const text = str(textBytes, 2);
  const source = str(sourceBytes, 4);
  const meta = JSON.parse(body.toString('utf8', pos, (pos += metaBytes))) as Meta;
  const doc: Doc = { id, text, source, meta };
  if (tokenCount >= 0) {
    // copied out: an Int32Array view needs 4-byte alignment, and the body buffer is transient
    const tokens = new Int32Array(tokenCount);
    Buffer.from(tokens.buffer).set(body.subarray(pos, pos + 4 * tokenCount));
    doc.tokens = tokens;
  }
  return doc;
}

interface LegacySpilledDoc {
  id: string;
  text: string;
  source: string;
  meta: Meta;
  tokens?: number[];
}

async function* readLegacySpill(path: string): AsyncIterable<Doc> {
  for await (const d of readJsonl<LegacySpilledDoc>(path)) {
    const doc: Doc = { id: d.id, text: d.text, source: d.source, meta: d.meta };
    if (d.tokens) doc.tokens = Int32Array.from(d.tokens);
    yield doc;
  }
}

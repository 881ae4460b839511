/**
 * Pieces of one large line-oriented file, so a single input does not pin a run to one core.
 * A piece starts at a line start and ends where the next piece starts, so every line belongs
 * to exactly one piece; the plan records the boundaries and each piece's first line number,
 * so records keep the ids and line numbers they have when the file is read whole.
 */
import { open } from 'node:fs/promises';
import { derivedFile, type FilePiece, type InputFile } from './input.js';

const NL = 0x0a;
const WINDOW = 64 * 1024;

/**
 * A byte range of a file: [start, end). Line pieces (no `kind`, as in plans written before there
 * were others) get the 1-based number of their first line once counted; `bz2-streams` pieces
 * start at a bzip2 stream start (see bz2-streams.ts) and have no line number; `zstd-lines`
 * pieces start at a zstd frame and carry where their lines lie in the decoded bytes
 * (zstd-frames.ts: `firstOffset`, `skip`, `length`).
 */
export interface ByteRange {
  start: number;
  end: number;
  firstLine?: number;
  kind?: 'bz2-streams' | 'zstd-lines';
  firstOffset?: number;
  skip?: number;
  length?: number;
}

/**
 * Boundaries cutting a `size`-byte file into pieces of about `pieceBytes` at line starts: the
 * even cut points moved forward to the byte after the next newline. A line longer than a piece
 * makes that piece longer (and the next shorter or gone); the result depends only on the
 * file's bytes, so every process that plans the run finds the same pieces.
 */
export async function lineAlignedRanges(path: string, size: number, pieceBytes: number): Promise<ByteRange[]> {
  const n = Math.ceil(size / pieceBytes);
  if (n <= 1) return [{ start: 0, end: size }];
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(WINDOW);
    const lineStartAtOrAfter = async (target: number): Promise<number> => {
      // the line start at or after target: the byte after the first newline at or after target - 1
      for (let pos = target - 1; pos < size;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(WINDOW, size - pos), pos);
        if (bytesRead === 0) break;
        const nl = buf.subarray(0, bytesRead).indexOf(NL);
        if (nl !== -1) return pos + nl + 1;
        pos += bytesRead;
      }
      return size;
    };
    const bounds = [0];
    for (let i = 1; i < n; i++) {
      const b = await lineStartAtOrAfter(Math.round((i * size) / n));
      if (b > bounds[bounds.length - 1]! && b < size) bounds.push(b);
    }
    bounds.push(size);
    return bounds.slice(1).map((end, i) => ({ start: bounds[i]!, end }));
  } finally {
    await fh.close();
  }
}

/**
 * The 1-based line number at each of `offsets` (sorted, each a line start): one sequential pass
 * counting newlines, at the speed of reading the file.
 */
export async function lineNumbersAt(path: string, offsets: readonly number[]): Promise<number[]> {
  const out: number[] = [];
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
    let lines = 1;
    let pos = 0;
    let k = 0;
    while (k < offsets.length) {
      // count newlines up to the next offset (or the end of this buffer), then record
      const target = offsets[k]!;
      if (pos === target) {
        out.push(lines);
        k++;
        continue;
      }
      const want = Math.min(buf.length, target - pos);
      const { bytesRead } = await fh.read(buf, 0, want, pos);
      if (bytesRead === 0) throw new Error(`${path} ends at byte ${pos}, before offset ${target} (changed while it was planned?)`);
      const view = buf.subarray(0, bytesRead);
      for (let i = view.indexOf(NL); i !== -1; i = view.indexOf(NL, i + 1)) lines++;
      pos += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/**
 * `file` seen through a byte range: streams only the range's bytes; the rest of the interface is
 * the whole file's, and `whole` is the file itself (a piece of a dump needs the dump's header).
 */
export function pieceOf(file: InputFile, range: FilePiece): InputFile {
  // a zstd-lines piece decodes on past its frames until its last line ends; the reader stops there
  const length = range.kind === 'zstd-lines' ? Infinity : range.end - range.start;
  async function* openPiece(offset = 0): AsyncIterable<Uint8Array> {
    let left = length - offset;
    if (left <= 0) return;
    for await (const chunk of file.open(range.start + offset, length === Infinity ? undefined : range.end)) {
      if (chunk.length >= left) {
        yield chunk.subarray(0, left);
        return;
      }
      left -= chunk.length;
      yield chunk;
    }
  }
  return derivedFile(file, { piece: range, whole: file, open: openPiece, size: async () => range.end - range.start });
}

/**
 * Pieces of a multi-frame zstd file of a line-oriented reader, so one large `.jsonl.zst` does not
 * pin a run to one core. A zstd frame decodes on its own, so a piece starts at a frame start; lines
 * cross frames, so a piece owns the lines that start from the first line start at or after its
 * frame's first decoded byte up to the next piece's, and may decode on into later frames to finish
 * its last line.
 *
 * Which files: any concatenation of frames (`zstd` run per chunk and `cat`, pzstd, the seekable
 * format of zstd's contrib/seekable_format, which is frames plus a seek table in a skippable frame
 * at the end). A single frame (what `zstd FILE` writes, Pushshift's `--long=31` dumps) has no start
 * past 0 and stays one unit.
 *
 * Cost: finding the cuts and numbering the lines needs the decoded bytes, so the plan decodes the
 * file once (in this process, zstd-napi); the pieces with their first line numbers go to the plan,
 * which every later process reuses. Before that, a cheap look (the seek table's frame count, or the
 * first frame's block headers up to MAX_SCAN) tells a single-frame file, which is then not decoded.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { ByteRange } from './byte-range.js';
import { zstdDecoderContext } from './decompress.js';
import { frameHeaderBytes, isSkippableMagic, ZSTD_MAGIC } from './zstd-format.js';

/** The seekable format's footer: frame count (4 bytes), descriptor (1), this magic (4). */
const SEEKABLE_MAGIC = 0x8f92eab1;
const SEEKABLE_FOOTER = 9;
/** How far the first frame's blocks are followed looking for a second frame before the file is taken as one frame. */
const MAX_SCAN = 64 * 1024 * 1024;
const READ = 1 << 20;
const NL = 0x0a;

/** A zstd-lines piece in the plan: compressed [start, end), and where its lines lie in the decoded bytes. */
export interface ZstdLinesRange extends ByteRange {
  kind: 'zstd-lines';
  firstLine: number;
  /** Decoded offset of the piece's first line (as if the file were read whole). */
  firstOffset: number;
  /** Decoded bytes from the piece's first frame start to its first line. */
  skip: number;
  /** Decoded bytes of the piece's lines (the last one may end in a later frame). */
  length: number;
}

async function readAt(fh: FileHandle, pos: number, n: number): Promise<Buffer | undefined> {
  const b = Buffer.alloc(n);
  const { bytesRead } = await fh.read(b, 0, n, pos);
  return bytesRead === n ? b : undefined;
}

/**
 * Whether the file has a frame start past 0: the seekable format's footer says how many frames
 * there are; otherwise the first frame's block headers are followed to its end (format: RFC 8878,
 * 3.1.1), giving up past MAX_SCAN or at anything malformed (the reader then reports the damage
 * when it decodes the file whole).
 */
export async function hasSecondFrame(fh: FileHandle, size: number): Promise<boolean> {
  if (size >= SEEKABLE_FOOTER) {
    const footer = await readAt(fh, size - SEEKABLE_FOOTER, SEEKABLE_FOOTER);
    if (footer && footer.readUInt32LE(5) === SEEKABLE_MAGIC) return footer.readUInt32LE(0) >= 2;
  }
  const head = await readAt(fh, 0, 8);
  if (!head) return false;
  const magic = head.readUInt32LE(0);
  if (isSkippableMagic(magic)) return 8 + head.readUInt32LE(4) < size;
  if (magic !== ZSTD_MAGIC) return false;
  const descriptor = head[4]!;
  let pos = frameHeaderBytes(descriptor);
  for (;;) {
    if (pos > MAX_SCAN) return false;
    const b = await readAt(fh, pos, 3);
    if (!b) return false;
    const header = b[0]! | (b[1]! << 8) | (b[2]! << 16);
    const type = (header >> 1) & 3;
    if (type === 3) return false;
    pos += 3 + (type === 1 ? 1 : header >>> 3);
    if (header & 1) break;
  }
  if (descriptor & 4) pos += 4; // content checksum
  return pos < size;
}

interface Cut {
  /** Compressed offset of the frame the piece starts at. */
  start: number;
  /** Decoded offset of that frame's first byte. */
  frameOffset: number;
  /** Decoded offset of the first line start at or after frameOffset, and its line number. */
  lineStart: number;
  firstLine: number;
}

/**
 * One pass decoding the whole file: the cuts (the first frame start at or after each even cut
 * point of the compressed file, found where the decoder reports a frame's end), the line start each
 * cut's lines begin at, and the line numbers. The decoder stops at every frame's end and reports
 * it (a return hint of 0), so no frame parsing is needed here.
 */
async function cutsAtLines(fh: FileHandle, path: string, size: number, n: number): Promise<{ cuts: Cut[]; total: number }> {
  const { dctx, outBytes } = zstdDecoderContext();
  const input = Buffer.allocUnsafe(READ);
  const out = Buffer.allocUnsafe(outBytes);
  const cuts: Cut[] = [{ start: 0, frameOffset: 0, lineStart: 0, firstLine: 1 }];
  const waiting: Cut[] = [];
  let decoded = 0;
  let newlines = 0;
  let endsWithNewline = true; // offset 0 starts a line
  let next = 1;
  const target = (k: number): number => Math.round((k * size) / n);
  const scan = (buf: Buffer): void => {
    let from = 0;
    if (waiting.length > 0) {
      const nl = buf.indexOf(NL);
      if (nl !== -1) {
        for (const cut of waiting) {
          cut.lineStart = decoded + nl + 1;
          cut.firstLine = newlines + 2;
        }
        waiting.length = 0;
        newlines++;
        from = nl + 1;
      }
    }
    for (let i = buf.indexOf(NL, from); i !== -1; i = buf.indexOf(NL, i + 1)) newlines++;
    endsWithNewline = buf[buf.length - 1] === NL;
    decoded += buf.length;
  };
  let inFrame = false;
  for (let pos = 0; pos < size;) {
    const { bytesRead } = await fh.read(input, 0, Math.min(READ, size - pos), pos);
    if (bytesRead === 0) throw new SluiceError('SLUICE_DECOMPRESS', `${path} ends at byte ${pos}, before its size ${size} (changed while it was planned?)`, { file: path });
    let src = input.subarray(0, bytesRead);
    let taken = 0;
    for (;;) {
      let step: [number, number, number];
      try {
        step = dctx.decompressStream(out, src);
      } catch (err) {
        throw new SluiceError('SLUICE_DECOMPRESS', `zstd stream of ${path} is damaged near byte ${pos + taken}: ${errorMessage(err)}`, { file: path, cause: err });
      }
      const [left, produced, consumed] = step;
      if (produced > 0) scan(out.subarray(0, produced));
      src = src.subarray(consumed);
      taken += consumed;
      inFrame = left !== 0;
      const at = pos + taken;
      if (!inFrame && at < size && next < n && at >= target(next)) {
        const cut: Cut = { start: at, frameOffset: decoded, lineStart: decoded, firstLine: newlines + 1 };
        cuts.push(cut);
        if (!endsWithNewline) waiting.push(cut);
        while (next < n && target(next) <= at) next++;
      }
      if (src.length === 0 && (produced < out.length || left === 0)) break;
    }
    pos += bytesRead;
  }
  if (inFrame) throw new SluiceError('SLUICE_DECOMPRESS', `zstd stream of ${path} ends in the middle of a frame`, { file: path });
  // cuts still waiting have no line start after them: their pieces would be empty
  for (const cut of waiting) cut.lineStart = decoded;
  return { cuts, total: decoded };
}

/**
 * Boundaries cutting a `size`-byte multi-frame zstd file into pieces of about `pieceBytes` of
 * compressed input at frame starts, each owning whole lines; one range (the whole file) when it
 * is a single frame, or when no cut leaves lines on both sides. Throws SLUICE_DECOMPRESS on a
 * damaged stream (the caller keeps the file whole, and its reader reports the damage).
 */
export async function zstdLineRanges(path: string, size: number, pieceBytes: number): Promise<ZstdLinesRange[] | undefined> {
  const n = Math.ceil(size / pieceBytes);
  if (n <= 1) return undefined;
  const fh = await open(path, 'r');
  try {
    if (!(await hasSecondFrame(fh, size))) return undefined;
    const { cuts, total } = await cutsAtLines(fh, path, size, n);
    // a cut whose lines start where the previous piece's do would own nothing: the later frame
    // wins (it decodes less before its lines), except over the piece at 0
    const kept: Cut[] = [cuts[0]!];
    for (const cut of cuts.slice(1)) {
      const last = kept[kept.length - 1]!;
      if (cut.lineStart >= total) continue;
      if (cut.lineStart > last.lineStart) kept.push(cut);
      else if (kept.length > 1) kept[kept.length - 1] = cut;
    }
    if (kept.length === 1) return undefined;
    return kept.map((cut, i) => {
      const following = kept[i + 1];
      return {
        kind: 'zstd-lines' as const,
        start: cut.start,
        end: following?.start ?? size,
        firstLine: cut.firstLine,
        firstOffset: cut.lineStart,
        skip: cut.lineStart - cut.frameOffset,
        length: (following?.lineStart ?? total) - cut.lineStart,
      };
    });
  } finally {
    await fh.close();
  }
}

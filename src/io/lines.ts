import { isUtf8 } from 'node:buffer';
import { asBuffer } from './read-bytes.js';

export interface Line {
  /** Line content without the trailing `\n` or `\r\n` (nor a UTF-8 BOM opening the stream). Empty when `tooLong`. */
  text: string;
  /** 1-based line number. */
  lineNo: number;
  /** Byte offset of the line's first byte in the decoded stream. */
  offset: number;
  /** Byte length of the line without its terminator. */
  bytes: number;
  /** The bytes were not valid UTF-8 (text holds U+FFFD replacements). */
  invalidUtf8: boolean;
  /** The line exceeded `maxLineBytes`; its bytes were skipped, not held in memory. */
  tooLong: boolean;
}

export interface SplitOptions {
  /** Lines longer than this are reported as `tooLong` and skipped. Default 256 MiB. */
  maxLineBytes?: number;
  /** Number and byte offset of the stream's first line, when the stream is a piece of a larger file (default 1 and 0). */
  firstLine?: number;
  firstOffset?: number;
}

const NL = 0x0a;
const CR = 0x0d;

/** Bytes of the UTF-8 byte order mark that opens the buffer, if one does. */
function bomLength(buf: Buffer): number {
  return buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
}

function decode(buf: Buffer, lineNo: number, offset: number): Line {
  // Windows tools open UTF-8 files with a BOM; it marks the encoding and is not text (JSON.parse
  // fails on it). Only the first line can carry it; the line is whole here, so chunking does not matter.
  const start = lineNo === 1 ? bomLength(buf) : 0;
  let end = buf.length;
  if (end > start && buf[end - 1] === CR) end--;
  const text = buf.toString('utf8', start, end);
  // toString replaces bad sequences silently; only lines that show a replacement char pay for validation.
  const invalidUtf8 = text.includes('\uFFFD') && !isUtf8(buf.subarray(start, end));
  return { text, lineNo, offset: offset + start, bytes: end - start, invalidUtf8, tooLong: false };
}

/**
 * Splits a byte stream into lines. The output does not depend on how the input was chunked,
 * and memory stays bounded by the longest accepted line.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, opts: SplitOptions = {}): AsyncIterable<Line> {
  const maxLineBytes = opts.maxLineBytes ?? 256 * 1024 * 1024;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let skipping = false;
  let lineNo = (opts.firstLine ?? 1) - 1;
  const base = opts.firstOffset ?? 0;
  let lineStart = base;
  let consumed = base;

  for await (const chunk of chunks) {
    const buf = asBuffer(chunk);
    let pos = 0;
    for (;;) {
      const nl = buf.indexOf(NL, pos);
      if (nl === -1) break;
      lineNo++;
      const lineBytes = pendingBytes + nl - pos;
      if (skipping || lineBytes > maxLineBytes) {
        // a line that ends in this chunk is held to the limit too, or the outcome would depend on chunking
        yield { text: '', lineNo, offset: lineStart, bytes: lineBytes, invalidUtf8: false, tooLong: true };
        skipping = false;
      } else if (pendingBytes === 0) {
        yield decode(buf.subarray(pos, nl), lineNo, lineStart);
      } else {
        pending.push(buf.subarray(pos, nl));
        yield decode(Buffer.concat(pending, lineBytes), lineNo, lineStart);
      }
      pending = [];
      pendingBytes = 0;
      pos = nl + 1;
      lineStart = consumed + pos;
    }
    if (pos < buf.length) {
      const tail = buf.length - pos;
      if (skipping || pendingBytes + tail > maxLineBytes) {
        skipping = true;
        pending = [];
      } else {
        // copy: the producer may reuse its chunk buffer
        pending.push(Buffer.from(buf.subarray(pos)));
      }
      pendingBytes += tail;
    }
    consumed += buf.length;
  }
  if (pendingBytes > 0 || skipping) {
    lineNo++;
    if (skipping) yield { text: '', lineNo, offset: lineStart, bytes: pendingBytes, invalidUtf8: false, tooLong: true };
    else yield decode(Buffer.concat(pending, pendingBytes), lineNo, lineStart);
  }
}

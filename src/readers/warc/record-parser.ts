/**
 * A streaming WARC 1.0/1.1 record parser over decompressed bytes: version line, named fields,
 * CRLF, `Content-Length` bytes of block, CRLF CRLF. It checks the framing of every record, so a
 * wrong Content-Length or a cut-off record is reported with a reason and parsing resumes at the
 * next `WARC/1.` line instead of mis-reading the rest of the file.
 */

/** WARC named fields, names lower-cased; repeated fields keep their first value. */
export type WarcHeaders = ReadonlyMap<string, string>;

export interface WarcRecord {
  kind: 'record';
  /** Offset of the record's first byte in the decompressed stream. */
  offset: number;
  headers: WarcHeaders;
  block: Buffer;
}

/** A record whose block exceeds `maxBlockBytes`: skipped without buffering; `head` holds its first bytes. */
export interface OversizeRecord {
  kind: 'oversize';
  offset: number;
  headers: WarcHeaders;
  head: Buffer;
  length: number;
}

export type WarcProblemReason = 'bad_content_length' | 'bad_header' | 'truncated' | 'garbage' | 'bad_gzip';

export interface WarcProblem {
  kind: 'problem';
  reason: WarcProblemReason;
  offset: number;
  /** WARC-Record-ID of the record concerned, when its header could be read. */
  recordId?: string;
  error: string;
  /** The first bytes involved, for the rejects. */
  raw?: string;
}

export type WarcEvent = WarcRecord | OversizeRecord | WarcProblem;

/** Damage reported by the decompressor: the bytes around it are lost. */
export interface StreamDamage {
  reason: 'truncated' | 'bad_gzip';
  error: string;
  /** Where, in compressed bytes. */
  offset: number;
}

export interface WarcParserOptions {
  /** Blocks larger than this are skipped and reported as `oversize`. Default 16 MiB. */
  maxBlockBytes?: number;
  /** How much of an oversize block is kept in `head`. Default 64 KiB. */
  headBytes?: number;
}

const MAX_HEADER_BYTES = 256 * 1024;
const RAW_BYTES = 512;
const VERSION = Buffer.from('WARC/1.');
/** A record start that follows a line break; used to resync. */
const LINE_VERSION = Buffer.from('\nWARC/1.');
/** End of one record and start of the next: proof that a skipped block overran its record. */
const NEXT_RECORD = Buffer.from('\r\n\r\nWARC/1.');

const isSpace = (b: number | undefined): boolean => b === 0x0d || b === 0x0a || b === 0x20 || b === 0x09;

type State =
  | { kind: 'seek' }
  /** Skipping bytes after a problem until the next record start; nothing more is reported. */
  | { kind: 'resync' }
  /** Bytes that are not a record; reported once when the next record starts or the input ends. */
  | { kind: 'garbage'; offset: number; raw: string }
  | { kind: 'block'; offset: number; headers: WarcHeaders; bodyStart: number; length: number }
  | { kind: 'skip'; offset: number; headers: WarcHeaders; head: Buffer; length: number; left: number; tail: Buffer };

export class WarcRecordParser {
  private readonly maxBlockBytes: number;
  private readonly headBytes: number;
  /** Unparsed bytes; `buf[0]` is at stream offset `base`. */
  private buf: Buffer = Buffer.alloc(0);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private base = 0;
  /** Bytes needed in `buf` before parsing can move on. */
  private need = 1;
  private state: State = { kind: 'seek' };

  constructor(opts: WarcParserOptions = {}) {
    this.maxBlockBytes = opts.maxBlockBytes ?? 16 * 1024 * 1024;
    this.headBytes = opts.headBytes ?? 64 * 1024;
  }

  /** Feeds decompressed bytes; returns the events they complete. */
  push(chunk: Buffer): WarcEvent[] {
    const out: WarcEvent[] = [];
    if (this.state.kind === 'skip') {
      chunk = this.skipBytes(chunk, out);
      if (chunk.length === 0) return out;
    }
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.buf.length + this.pendingBytes < this.need) return out;
    this.buf = this.pending.length === 1 && this.buf.length === 0 ? this.pending[0]! : Buffer.concat([this.buf, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
    this.parse(out, false);
    return out;
  }

  /** The decompressor lost bytes here: whatever record was in progress is reported, then parsing starts afresh. */
  damage(d: StreamDamage): WarcEvent[] {
    const out: WarcEvent[] = [];
    this.flushPending();
    this.parse(out, false);
    const s = this.state;
    const problem: WarcProblem = { kind: 'problem', reason: d.reason, offset: this.base, error: `${d.error} (compressed offset ${d.offset})` };
    if (s.kind === 'block' || s.kind === 'skip') {
      problem.offset = s.offset;
      const id = s.headers.get('warc-record-id');
      if (id !== undefined) problem.recordId = id;
    } else if (s.kind === 'garbage') {
      problem.offset = s.offset;
      problem.raw = s.raw;
    } else if (this.buf.length > 0) {
      // the header may be cut off too: take the record id from whatever lines arrived
      const id = /\r?\nWARC-Record-ID:[ \t]*(\S+)[ \t]*\r?\n/i.exec(this.buf.toString('latin1', 0, Math.min(this.buf.length, MAX_HEADER_BYTES)))?.[1];
      if (id !== undefined) problem.recordId = id;
      problem.raw = this.buf.subarray(0, RAW_BYTES).toString('latin1');
    }
    out.push(problem);
    this.base += this.buf.length;
    this.buf = Buffer.alloc(0);
    this.state = { kind: 'seek' };
    this.need = 1;
    return out;
  }

  /** End of input: a record still in progress is truncated (or overran by a wrong Content-Length). */
  end(): WarcEvent[] {
    const out: WarcEvent[] = [];
    this.flushPending();
    this.parse(out, true);
    return out;
  }

  private flushPending(): void {
    if (this.pending.length === 0) return;
    this.buf = Buffer.concat([this.buf, ...this.pending]);
    this.pending = [];
    this.pendingBytes = 0;
  }

  private consume(n: number): void {
    this.buf = this.buf.subarray(n);
    this.base += n;
  }

  private parse(out: WarcEvent[], atEnd: boolean): void {
    for (;;) {
      const s = this.state;
      switch (s.kind) {
        case 'seek':
        case 'resync':
        case 'garbage':
          if (!this.seek(out, atEnd)) return;
          break;
        case 'block':
          if (!this.block(s, out, atEnd)) return;
          break;
        case 'skip':
          if (atEnd) {
            out.push({ kind: 'problem', reason: 'truncated', offset: s.offset, ...idOf(s.headers), error: `input ends ${s.left} bytes before the end of a ${s.length}-byte block` });
            this.state = { kind: 'seek' };
          }
          return;
      }
    }
  }

  /** Finds the next record start and reads its header; false when more input is needed. */
  private seek(out: WarcEvent[], atEnd: boolean): boolean {
    const buf = this.buf;
    let p = 0;
    if (this.state.kind === 'seek') {
      while (p < buf.length && isSpace(buf[p])) p++;
      if (p > 0) this.consume(p);
      if (this.buf.length === 0) {
        this.need = 1;
        return false;
      }
      if (!startsWithVersion(this.buf, 0)) {
        if (this.buf.length < VERSION.length && !atEnd) {
          this.need = VERSION.length;
          return false;
        }
        this.state = { kind: 'garbage', offset: this.base, raw: this.buf.subarray(0, RAW_BYTES).toString('latin1') };
      }
    }
    if (this.state.kind !== 'seek') {
      // resync or garbage: skip to the next line that starts a record
      const at = this.buf.indexOf(LINE_VERSION);
      if (at === -1) {
        if (atEnd) {
          this.endGarbage(out, this.buf.length);
          this.consume(this.buf.length);
          return false;
        }
        // keep a tail that may hold the start of "\nWARC/1."
        const keep = Math.min(this.buf.length, LINE_VERSION.length - 1);
        this.consume(this.buf.length - keep);
        this.need = this.buf.length + 1;
        return false;
      }
      this.endGarbage(out, at + 1);
      this.consume(at + 1);
      this.state = { kind: 'seek' };
    }
    const header = this.readHeader(0, atEnd);
    if (header.kind === 'more') {
      this.need = this.buf.length + 1;
      return false;
    }
    if (header.kind === 'bad') {
      out.push({
        kind: 'problem',
        reason: header.reason,
        offset: this.base,
        ...(header.recordId === undefined ? {} : { recordId: header.recordId }),
        error: header.error,
        raw: this.buf.subarray(0, RAW_BYTES).toString('latin1'),
      });
      this.consume(1);
      this.state = { kind: 'resync' };
      return true;
    }
    const { headers, end, length } = header;
    if (length > this.maxBlockBytes) {
      const head = Buffer.from(this.buf.subarray(end, end + Math.min(this.headBytes, length)));
      const offset = this.base;
      const rest = this.buf.subarray(end);
      this.consume(end);
      this.buf = Buffer.alloc(0);
      this.state = { kind: 'skip', offset, headers, head, length, left: length + 4, tail: Buffer.alloc(0) };
      this.buf = this.skipBytes(rest, out);
      return this.state.kind !== 'skip';
    }
    this.state = { kind: 'block', offset: this.base, headers, bodyStart: end, length };
    return true;
  }

  private endGarbage(out: WarcEvent[], bytes: number): void {
    const s = this.state;
    if (s.kind !== 'garbage') return;
    out.push({ kind: 'problem', reason: 'garbage', offset: s.offset, error: `${this.base + bytes - s.offset} bytes that do not belong to any WARC record`, raw: s.raw });
  }

  /** Waits for a whole block and checks the CRLF CRLF after it; false when more input is needed. */
  private block(s: Extract<State, { kind: 'block' }>, out: WarcEvent[], atEnd: boolean): boolean {
    const blockEnd = s.bodyStart + s.length;
    const total = blockEnd + 4;
    const buf = this.buf;
    if (buf.length < total && !atEnd) {
      this.need = total;
      return false;
    }
    let ok = false;
    let next = total;
    if (buf.length >= total) {
      ok = buf[blockEnd] === 0x0d && buf[blockEnd + 1] === 0x0a && buf[blockEnd + 2] === 0x0d && buf[blockEnd + 3] === 0x0a;
    } else if (buf.length >= blockEnd) {
      // end of input right after the block: tolerate a missing or partial terminator
      ok = true;
      for (let i = blockEnd; i < buf.length; i++) if (!isSpace(buf[i])) ok = false;
      next = buf.length;
    }
    if (ok) {
      out.push({ kind: 'record', offset: s.offset, headers: s.headers, block: buf.subarray(s.bodyStart, blockEnd) });
      this.consume(next);
      this.state = { kind: 'seek' };
      return true;
    }
    // the block does not end where Content-Length says: find where the next record really starts
    const at = buf.indexOf(LINE_VERSION, s.bodyStart);
    const truncated = buf.length < total && at === -1;
    out.push({
      kind: 'problem',
      reason: truncated ? 'truncated' : 'bad_content_length',
      offset: s.offset,
      ...idOf(s.headers),
      error: truncated
        ? `input ends ${total - buf.length} bytes before the end of the record (Content-Length ${s.length})`
        : `Content-Length ${s.length} does not end the record: no CRLF CRLF after the block`,
      raw: buf.subarray(0, Math.min(RAW_BYTES, s.bodyStart)).toString('latin1'),
    });
    if (at === -1) {
      this.consume(truncated ? buf.length : s.bodyStart);
      this.state = { kind: 'resync' };
      return !truncated;
    }
    this.consume(at + 1);
    this.state = { kind: 'seek' };
    return true;
  }

  /**
   * Passes over a block too large to hold. Returns the bytes after it. A record start right
   * after a CRLF CRLF inside the skipped bytes means Content-Length overran: stop skipping there.
   */
  private skipBytes(chunk: Buffer, out: WarcEvent[]): Buffer {
    const s = this.state;
    if (s.kind !== 'skip') return chunk;
    const tailLen = s.tail.length;
    // "\r\n\r\nWARC/1." may straddle the previous chunk and this one
    let at = tailLen > 0 ? Buffer.concat([s.tail, chunk.subarray(0, NEXT_RECORD.length - 1)]).indexOf(NEXT_RECORD) : -1;
    if (at === -1) {
      const inChunk = chunk.indexOf(NEXT_RECORD);
      if (inChunk !== -1) at = inChunk + tailLen;
    }
    // where that record starts, relative to this chunk (negative: inside the kept tail)
    const start = at === -1 ? Infinity : at + 4 - tailLen;
    if (start < s.left) {
      out.push({ kind: 'problem', reason: 'bad_content_length', offset: s.offset, ...idOf(s.headers), error: `Content-Length ${s.length} runs past the start of the next record` });
      this.state = { kind: 'seek' };
      if (start < 0) {
        this.base += start;
        return Buffer.concat([s.tail.subarray(tailLen + start), chunk]);
      }
      this.base += start;
      return chunk.subarray(start);
    }
    if (chunk.length < s.left) {
      s.left -= chunk.length;
      this.base += chunk.length;
      const keep = NEXT_RECORD.length - 1;
      s.tail = chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([s.tail, chunk]).subarray(-keep);
      return Buffer.alloc(0);
    }
    const terminator = Buffer.concat([s.tail, chunk.subarray(0, s.left)]).subarray(-4);
    const rest = chunk.subarray(s.left);
    this.base += s.left;
    if (terminator.equals(CRLF2)) {
      out.push({ kind: 'oversize', offset: s.offset, headers: s.headers, head: s.head, length: s.length });
      this.state = { kind: 'seek' };
    } else {
      out.push({ kind: 'problem', reason: 'bad_content_length', offset: s.offset, ...idOf(s.headers), error: `Content-Length ${s.length} does not end the record: no CRLF CRLF after the block` });
      this.state = { kind: 'resync' };
    }
    return rest;
  }

  /** Reads the version line and named fields at buf[from]. */
  private readHeader(
    from: number,
    atEnd: boolean,
  ): { kind: 'ok'; headers: WarcHeaders; end: number; length: number } | { kind: 'more' } | { kind: 'bad'; reason: WarcProblemReason; error: string; recordId?: string } {
    const buf = this.buf;
    const end = headerEnd(buf, from);
    if (end === -1) {
      if (buf.length - from > MAX_HEADER_BYTES) return { kind: 'bad', reason: 'bad_header', error: `no blank line within ${MAX_HEADER_BYTES} bytes of a record start` };
      if (atEnd) return { kind: 'bad', reason: 'truncated', error: 'input ends inside a record header' };
      return { kind: 'more' };
    }
    const headers = parseFields(buf.toString('latin1', from, end.fieldsEnd));
    const recordId = headers.get('warc-record-id');
    const cl = headers.get('content-length');
    if (cl === undefined || !/^\d+$/.test(cl.trim())) {
      return {
        kind: 'bad',
        reason: 'bad_content_length',
        error: cl === undefined ? 'record has no Content-Length' : `Content-Length "${cl}" is not a number`,
        ...(recordId === undefined ? {} : { recordId }),
      };
    }
    return { kind: 'ok', headers, end: end.bodyStart, length: Number(cl.trim()) };
  }
}

const CRLF2 = Buffer.from('\r\n\r\n');

function startsWithVersion(buf: Buffer, at: number): boolean {
  if (buf.length - at < VERSION.length) return false;
  for (let i = 0; i < VERSION.length; i++) if (buf[at + i] !== VERSION[i]) return false;
  return true;
}

function idOf(headers: WarcHeaders): { recordId?: string } {
  const id = headers.get('warc-record-id');
  return id === undefined ? {} : { recordId: id };
}

/** The blank line that ends a header: CRLF CRLF (or LF LF from lenient writers). */
function headerEnd(buf: Buffer, from: number): { fieldsEnd: number; bodyStart: number } | -1 {
  let p = from;
  for (;;) {
    const nl = buf.indexOf(0x0a, p);
    if (nl === -1 || nl + 1 >= buf.length) return -1;
    const next = buf[nl + 1];
    if (next === 0x0a) return { fieldsEnd: nl, bodyStart: nl + 2 };
    if (next === 0x0d) {
      if (nl + 2 >= buf.length) return -1;
      if (buf[nl + 2] === 0x0a) return { fieldsEnd: nl, bodyStart: nl + 3 };
    }
    p = nl + 1;
  }
}

/** Named fields (after the version line); continuation lines fold into the previous field. */
export function parseFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  const lines = text.split('\n');
  let last: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue;
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      fields.set(last, `${fields.get(last)!} ${line.trim()}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    last = name;
    if (!fields.has(name)) fields.set(name, line.slice(colon + 1).trim());
  }
  return fields;
}

import { kMaxLength } from 'node:buffer';
import { constants, crc32, createInflateRaw, inflateRawSync } from 'node:zlib';
import { errorMessage } from '../../core/errors.js';
import { asBuffer } from '../../io/read-bytes.js';

/**
 * Gzip decoding member by member, for files written as one gzip member per record (Common Crawl
 * WARC/WET). node:zlib's Gunzip streams through members fast, but on a damaged member it throws
 * away the output of the chunk it was working on and everything after it, and it silently stops
 * at bytes that do not look like a gzip header. Here every member is inflated on its own, its
 * CRC-32 and length are checked, and damage is reported in place: the decoder scans forward to
 * the next member that inflates cleanly and goes on from there.
 */
export type GzipEvent =
  | { kind: 'data'; bytes: Buffer }
  | {
      kind: 'damage';
      /** `truncated`: the member ends before its deflate stream does; `bad_gzip`: corrupt member or bytes between members. */
      reason: 'truncated' | 'bad_gzip';
      /** Compressed offset where the damage starts. */
      offset: number;
      /** Compressed bytes skipped before decoding resumed (to the end of the file if it never did). */
      skipped: number;
      error: string;
    };

export interface GzipMemberOptions {
  /**
   * Members that inflate to more than this are streamed instead of inflated in one call, so a
   * whole-file gzip or one huge record never sits in memory. Default 32 MiB.
   */
  oneShotLimit?: number;
}

const TRAILER = 8;
const FHCRC = 0x02;
const FEXTRA = 0x04;
const FNAME = 0x08;
const FCOMMENT = 0x10;
const FRESERVED = 0xe0;

/** Length of the gzip header at `pos`, `0` when more bytes are needed, `-1` when it is not a gzip header. */
export function gzipHeaderLength(buf: Buffer, pos: number): number {
  const avail = buf.length - pos;
  if (avail < 10) {
    // a prefix that could still become a header
    for (let i = 0; i < avail; i++) if (buf[pos + i] !== [0x1f, 0x8b, 0x08][i] && i < 3) return -1;
    return 0;
  }
  if (buf[pos] !== 0x1f || buf[pos + 1] !== 0x8b || buf[pos + 2] !== 0x08) return -1;
  const flags = buf[pos + 3]!;
  if (flags & FRESERVED) return -1;
  let p = pos + 10;
  if (flags & FEXTRA) {
    if (buf.length < p + 2) return 0;
    p += 2 + buf.readUInt16LE(p);
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (flags & flag) {
      const end = buf.indexOf(0, p);
      if (end === -1) return buf.length - pos > 64 * 1024 ? -1 : 0;
      p = end + 1;
    }
  }
  if (flags & FHCRC) p += 2;
  if (p > buf.length) return 0;
  return p - pos;
}

type OneShot = { kind: 'complete'; out: Buffer; used: number } | { kind: 'incomplete'; out: Buffer } | { kind: 'too_large' } | { kind: 'corrupt'; error: string };

/** Inflates one member's deflate data from `body`; `used` counts deflate bytes up to the end of the stream. */
function inflateOnce(body: Buffer, limit: number): OneShot {
  let r: { buffer: Buffer; engine: { bytesWritten: number } };
  try {
    r = inflateRawSync(body, { info: true, finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: limit }) as unknown as typeof r;
  } catch (err) {
    if (err instanceof RangeError) return { kind: 'too_large' };
    return { kind: 'corrupt', error: errorMessage(err) };
  }
  const used = r.engine.bytesWritten;
  // inflate stops early only at the end of the deflate stream; with all input used it may just need more
  if (used < body.length) return { kind: 'complete', out: r.buffer, used };
  return { kind: 'incomplete', out: r.buffer };
}

function trailerMatches(buf: Buffer, at: number, crc: number, size: number): boolean {
  return buf.readUInt32LE(at) === crc >>> 0 && buf.readUInt32LE(at + 4) === size % 2 ** 32;
}

/** One member at a known offset of a buffer (the fetch stage's own WARC files, read back whole). */
export type MemberAt = { kind: 'complete'; out: Buffer; length: number } | { kind: 'incomplete' } | { kind: 'corrupt' };

/**
 * Inflates the member at `buf[pos]`: its bytes and compressed length when it is whole and its
 * CRC-32 and length match, `incomplete` when more bytes could still complete it, `corrupt` when
 * none can (a bad header, bad deflate data, a trailer that does not match).
 */
export function inflateMemberAt(buf: Buffer, pos: number): MemberAt {
  const h = gzipHeaderLength(buf, pos);
  if (h < 0) return { kind: 'corrupt' };
  if (h === 0) return { kind: 'incomplete' };
  const r = inflateOnce(buf.subarray(pos + h), kMaxLength);
  if (r.kind === 'incomplete') return { kind: 'incomplete' };
  if (r.kind !== 'complete') return { kind: 'corrupt' };
  const end = pos + h + r.used;
  if (end + 8 > buf.length) return { kind: 'incomplete' };
  if (!trailerMatches(buf, end, crc32(r.out), r.out.length)) return { kind: 'corrupt' };
  return { kind: 'complete', out: r.out, length: end + 8 - pos };
}

/** Decompresses a gzip byte stream member by member; see {@link GzipEvent}. */
export async function* gunzipMembers(raw: AsyncIterable<Uint8Array>, opts: GzipMemberOptions = {}): AsyncIterable<GzipEvent> {
  const oneShotLimit = opts.oneShotLimit ?? 32 * 1024 * 1024;
  const input = new CompressedInput(raw);

  for (;;) {
    await input.fill(10);
    if (input.buf.length === 0) return;
    let hlen = gzipHeaderLength(input.buf, 0);
    while (hlen === 0 && (await input.more())) hlen = gzipHeaderLength(input.buf, 0);
    if (hlen <= 0) {
      yield* damaged(input, hlen, oneShotLimit);
      continue;
    }
    let attempt = input.buf.length;
    for (;;) {
      const buf = input.buf;
      const r = inflateOnce(buf.subarray(hlen), oneShotLimit);
      if (r.kind === 'too_large') {
        yield* streamMember(input, hlen, oneShotLimit);
        break;
      }
      if (r.kind === 'corrupt') {
        yield* damaged(input, hlen, oneShotLimit);
        break;
      }
      if (r.kind === 'complete' && hlen + r.used + TRAILER <= buf.length) {
        const t = hlen + r.used;
        if (!trailerMatches(buf, t, crc32(r.out), r.out.length)) {
          yield* damaged(input, hlen, oneShotLimit);
          break;
        }
        if (r.out.length > 0) yield { kind: 'data', bytes: r.out };
        input.drop(t + TRAILER);
        break;
      }
      if (input.eof) {
        // the input ends inside this member
        if (r.kind === 'incomplete' && r.out.length > 0) yield { kind: 'data', bytes: r.out };
        const error = r.kind === 'complete' ? 'gzip member has no trailer' : 'gzip member ends before its deflate stream does';
        yield { kind: 'damage', reason: 'truncated', offset: input.base, skipped: buf.length, error };
        input.drop(buf.length);
        return;
      }
      // retry once the buffer has doubled, so a member spread over many chunks costs linear time
      await input.fill(Math.max(attempt * 2, buf.length + 1));
      attempt = input.buf.length;
    }
  }
}

/** Compressed bytes not yet consumed: `buf` starts at compressed offset `base`. */
class CompressedInput {
  buf: Buffer = Buffer.alloc(0);
  base = 0;
  eof = false;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(raw: AsyncIterable<Uint8Array>) {
    this.it = raw[Symbol.asyncIterator]();
  }

  /** Reads until `buf` holds at least `n` bytes or the input ends. */
  async fill(n: number): Promise<void> {
    const parts: Buffer[] = [this.buf];
    let have = this.buf.length;
    while (have < n && !this.eof) {
      const r = await this.it.next();
      if (r.done) {
        this.eof = true;
        break;
      }
      const chunk = asBuffer(r.value);
      parts.push(chunk);
      have += chunk.length;
    }
    if (parts.length > 1) this.buf = Buffer.concat(parts, have);
  }

  /** Reads at least one more chunk; false at the end of input. */
  async more(): Promise<boolean> {
    const before = this.buf.length;
    await this.fill(before + 1);
    return this.buf.length > before;
  }

  drop(n: number): void {
    this.buf = this.buf.subarray(n);
    this.base += n;
  }

  /** Puts bytes back in front of `buf` (the tail a streamed member did not use). */
  unshift(bytes: Buffer): void {
    this.buf = this.buf.length === 0 ? bytes : Buffer.concat([bytes, this.buf]);
    this.base -= bytes.length;
  }
}

/** While scanning garbage, bytes before this many are let go so memory stays bounded. */
const SCAN_KEEP = 8 * 1024 * 1024;

/**
 * Scans from buf[from] for the next member that inflates cleanly and returns its position in buf
 * (-1 at the end of input). Bytes far behind the scan are let go; `lostStart` says so.
 */
async function scanToNextMember(input: CompressedInput, from: number, oneShotLimit: number): Promise<{ next: number; lostStart: boolean }> {
  let pos = from;
  let lostStart = false;
  for (;;) {
    if (pos > SCAN_KEEP) {
      input.drop(pos);
      pos = 0;
      lostStart = true;
    }
    const at = input.buf.indexOf(0x1f, pos);
    if (at === -1) {
      pos = input.buf.length;
      if (!(await input.more())) return { next: -1, lostStart };
      continue;
    }
    let h = gzipHeaderLength(input.buf, at);
    while (h === 0 && (await input.more())) h = gzipHeaderLength(input.buf, at);
    if (h > 0 && (await probeMember(input, at, h, oneShotLimit))) return { next: at, lostStart };
    pos = at + 1;
  }
}

/** Reports the damaged member at buf[0] and leaves buf at the next good member (or empty). */
async function* damaged(input: CompressedInput, hlen: number, oneShotLimit: number): AsyncIterable<GzipEvent> {
  const offset = input.base;
  const { next, lostStart } = await scanToNextMember(input, 1, oneShotLimit);
  const end = next === -1 ? input.buf.length : next;
  const skipped = input.base + end - offset;
  if (lostStart || hlen <= 0) {
    yield { kind: 'damage', reason: 'bad_gzip', offset, skipped, error: hlen <= 0 ? 'bytes between members are not a gzip header' : 'corrupt gzip member' };
  } else {
    // inflating only up to the next good member tells a cut-off member from a corrupt one
    const r = inflateOnce(input.buf.subarray(hlen, end), oneShotLimit);
    if (r.kind === 'incomplete') {
      if (r.out.length > 0) yield { kind: 'data', bytes: r.out };
      yield { kind: 'damage', reason: 'truncated', offset, skipped, error: 'gzip member ends before its deflate stream does' };
    } else {
      const error = r.kind === 'corrupt' ? `corrupt gzip member: ${r.error}` : 'gzip member checksum or length does not match its data';
      yield { kind: 'damage', reason: 'bad_gzip', offset, skipped, error };
    }
  }
  input.drop(end);
}

/** Whether a candidate member at buf[at] inflates to the end of its stream with a matching trailer. */
async function probeMember(input: CompressedInput, at: number, hlen: number, oneShotLimit: number): Promise<boolean> {
  for (;;) {
    const buf = input.buf;
    const r = inflateOnce(buf.subarray(at + hlen), oneShotLimit);
    if (r.kind === 'corrupt') return false;
    // a big member that inflates without error this far is taken; the main loop checks its trailer
    if (r.kind === 'too_large') return true;
    if (r.kind === 'complete' && at + hlen + r.used + TRAILER <= buf.length) {
      return trailerMatches(buf, at + hlen + r.used, crc32(r.out), r.out.length);
    }
    if (!(await input.more())) return false;
  }
}

/** Streams one member too big to inflate in one call; its header (hlen bytes) is at buf[0]. */
async function* streamMember(input: CompressedInput, hlen: number, oneShotLimit: number): AsyncIterable<GzipEvent> {
  const inflater = createInflateRaw({ chunkSize: 64 * 1024, finishFlush: constants.Z_SYNC_FLUSH });
  const offset = input.base;
  input.drop(hlen);
  let fed = 0;
  let lastPiece: Buffer = Buffer.alloc(0);
  let ended = false;
  let feedError: unknown;
  // the feeder writes one piece at a time and stops as soon as the deflate stream has ended
  const feeding = (async () => {
    try {
      for (;;) {
        if (input.buf.length === 0 && !(await input.more())) break;
        const piece = input.buf;
        input.drop(piece.length);
        lastPiece = piece;
        await new Promise<void>((resolve, reject) => inflater.write(piece, (err) => (err ? reject(err) : resolve())));
        fed += piece.length;
        if (inflater.bytesWritten < fed) {
          ended = true;
          break;
        }
      }
    } catch (err) {
      feedError = err;
    } finally {
      inflater.end();
    }
  })();
  let crc = 0;
  let size = 0;
  try {
    for await (const out of inflater as AsyncIterable<Buffer>) {
      crc = crc32(out, crc);
      size += out.length;
      yield { kind: 'data', bytes: out };
    }
  } catch (err) {
    await feeding;
    // the error lies in the last piece written: scan for the next member from its start
    input.unshift(lastPiece);
    const { next } = await scanToNextMember(input, 0, oneShotLimit);
    const end = next === -1 ? input.buf.length : next;
    yield { kind: 'damage', reason: 'bad_gzip', offset, skipped: input.base + end - offset, error: `corrupt gzip member: ${errorMessage(err)}` };
    input.drop(end);
    return;
  } finally {
    inflater.destroy();
  }
  await feeding;
  if (!ended) {
    const error = feedError === undefined ? 'gzip member ends before its deflate stream does' : errorMessage(feedError);
    yield { kind: 'damage', reason: 'truncated', offset, skipped: input.base - offset, error };
    return;
  }
  // the bytes the inflater did not use hold the trailer and the next member
  const unused = fed - inflater.bytesWritten;
  input.unshift(lastPiece.subarray(lastPiece.length - unused));
  await input.fill(TRAILER);
  if (input.buf.length < TRAILER) {
    yield { kind: 'damage', reason: 'truncated', offset, skipped: input.base + input.buf.length - offset, error: 'gzip member has no trailer' };
    input.drop(input.buf.length);
    return;
  }
  if (!trailerMatches(input.buf, 0, crc, size)) {
    yield { kind: 'damage', reason: 'bad_gzip', offset, skipped: input.base + TRAILER - offset, error: 'gzip member checksum or length does not match its data' };
  }
  input.drop(TRAILER);
}

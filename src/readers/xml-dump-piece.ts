/**
 * The decoded XML of one `bz2-streams` piece of a dump, as a document of its own: the file's head
 * (root start tag and `<siteinfo>`, up to the first record), the records the piece owns, and
 * the root's end tag. Parsed like a whole file, it yields exactly the piece's share of records.
 *
 * A record belongs to the piece its start tag (`<page`) begins in. Wikipedia's multistream dumps
 * put whole pages in each stream, but pbzip2 and other tools cut streams at arbitrary bytes, so a
 * page may run on into the next piece: a piece skips what precedes its first record start (the
 * tail of the previous piece's page) and reads on past its end, decoding the next streams, until
 * the next record start. This relies on `<page` never occurring in a dump as text: XML escapes
 * `<` in text, and MediaWiki writes no comments or CDATA.
 */
import { SluiceError } from '../core/errors.js';
import { decodeStream, openDecoded } from '../io/decompress.js';
import type { InputFile } from '../io/input.js';

interface Segment {
  bytes: Uint8Array;
  /** The segment begins with a record start tag. */
  record: boolean;
}

const DELIMITERS = new Set([0x3e, 0x20, 0x09, 0x0a, 0x0d, 0x2f]); // > space tab LF CR /

/** `bytes` cut so that every record start tag (`<tag` then `>`, `/` or whitespace) begins a segment. */
export async function* segmentsAtRecords(bytes: AsyncIterable<Uint8Array>, tag: string): AsyncIterable<Segment> {
  const open = Buffer.from(`<${tag}`, 'latin1');
  let held: Buffer = Buffer.alloc(0);
  let heldRecord = false;
  for await (const chunk of bytes) {
    const buf = held.length === 0 ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length) : Buffer.concat([held, chunk]);
    let segStart = 0;
    let segRecord: boolean = heldRecord;
    let holdFrom = Math.max(0, buf.length - open.length); // a tag cut by the chunk's end waits for the next
    for (let i = buf.indexOf(open, heldRecord ? 1 : 0); i !== -1; i = buf.indexOf(open, i + 1)) {
      if (i + open.length >= buf.length) {
        holdFrom = i;
        break;
      }
      if (!DELIMITERS.has(buf[i + open.length]!)) continue;
      if (i > segStart) yield { bytes: buf.subarray(segStart, i), record: segRecord };
      segStart = i;
      segRecord = true;
    }
    holdFrom = Math.max(holdFrom, segStart);
    if (holdFrom > segStart) {
      yield { bytes: buf.subarray(segStart, holdFrom), record: segRecord };
      segRecord = false;
    }
    held = buf.subarray(holdFrom);
    heldRecord = segRecord;
  }
  if (held.length > 0) yield { bytes: held, record: heldRecord };
}

/**
 * The piece's document (see above). `record` is the record element (`page`), `rootEnd` the end
 * tag that closes the document when the piece stops before the file's end (`</mediawiki>`).
 */
export async function* pieceDocument(file: InputFile, record: string, rootEnd: string): AsyncIterable<Uint8Array> {
  const piece = file.piece;
  const whole = file.whole;
  if (piece?.kind !== 'bz2-streams' || !whole) throw new SluiceError('SLUICE_INTERNAL', `${file.uri} is not a piece of bzip2 streams`);
  const end = Buffer.from(rootEnd, 'utf8');
  if (piece.start > 0) {
    // the head: everything before the file's first record (the root start tag, <siteinfo>)
    let reachedRecord = false;
    for await (const s of segmentsAtRecords((await decodeStream(whole.open(0), file.uri)).bytes, record)) {
      if (s.record) {
        reachedRecord = true;
        break;
      }
      yield s.bytes;
    }
    if (!reachedRecord) return; // a file without records: the head was all of it
  }
  // the piece's own bytes, from its first record start on (the first piece: from the start)
  let owning = piece.start === 0;
  for await (const s of segmentsAtRecords((await openDecoded(file)).bytes, record)) {
    if (s.record) owning = true;
    if (owning) yield s.bytes;
  }
  if (!owning) {
    yield end;
    return;
  }
  const size = await whole.size();
  if (size === undefined || piece.end >= size) return;
  // the last record may go on in the next streams: read on to the next record start
  for await (const s of segmentsAtRecords((await decodeStream(whole.open(piece.end), file.uri)).bytes, record)) {
    if (s.record) {
      yield end;
      return;
    }
    yield s.bytes;
  }
}

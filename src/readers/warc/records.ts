import { basename } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { decodeStream, detectCodec, peek } from '../../io/decompress.js';
import type { InputFile } from '../../io/input.js';
import { asBuffer } from '../../io/read-bytes.js';
import type { ReaderContext } from '../reader.js';
import { isDecompressDamage } from '../strict.js';
import { gunzipMembers } from './gzip-members.js';
import { WarcRecordParser, type OversizeRecord, type WarcEvent, type WarcParserOptions, type WarcRecord } from './record-parser.js';

/**
 * The WARC records of a file (`.warc`, `.warc.gz` with one member per record or one for the whole
 * file, or zstd/bzip2), with damage and framing errors as events in place.
 */
async function* warcEvents(file: InputFile, opts: WarcParserOptions = {}): AsyncIterable<WarcEvent> {
  const parser = new WarcRecordParser(opts);
  const { head, rest } = await peek(file.open(), 4);
  if (detectCodec(head) === 'gzip') {
    for await (const e of gunzipMembers(rest)) {
      if (e.kind === 'data') yield* parser.push(e.bytes);
      else yield* parser.damage(e);
    }
    yield* parser.end();
    return;
  }
  // plain WARC, or a codec without member boundaries: damage ends the file
  const { bytes } = await decodeStream(rest, file.uri);
  try {
    for await (const chunk of bytes) yield* parser.push(asBuffer(chunk));
  } catch (err) {
    if (!isDecompressDamage(err)) throw err;
    yield* parser.damage({ reason: 'truncated', error: errorMessage(err), offset: -1 });
    return;
  }
  yield* parser.end();
}

/** Common Crawl writes ids and references as `<urn:uuid:...>`; the value is the part inside the brackets. */
export function unbracket(value: string): string {
  return value.trim().replace(/^<(.*)>$/, '$1');
}

/** A record of a WARC file (held whole, or too large to hold) with its type and document id. */
export interface TypedRecord {
  /** WARC-Type, lower-cased: `response`, `conversion`, `request`, `warcinfo`... */
  type: string;
  /** WARC-Record-ID without its brackets, else `<file name>@<offset>`. */
  id: string;
  record: WarcRecord | OversizeRecord;
}

/**
 * The records of a file for the warc and wet readers: each is counted (`records_<type>`), and
 * framing and decompression problems are reported as invalid records on the way.
 */
export async function* warcRecords(file: InputFile, maxBlockBytes: number, ctx: ReaderContext): AsyncIterable<TypedRecord> {
  const name = basename(file.uri);
  for await (const e of warcEvents(file, { maxBlockBytes })) {
    if (e.kind === 'problem') {
      const id = (e.recordId === undefined ? '' : unbracket(e.recordId)) || `${name}@${e.offset}`;
      ctx.invalid(e.raw === undefined ? { id, reason: e.reason, record: e.offset, error: e.error } : { id, reason: e.reason, record: e.offset, error: e.error, raw: e.raw });
      continue;
    }
    const type = (e.headers.get('warc-type') ?? 'unknown').toLowerCase();
    ctx.stats.count(`records_${type}`);
    const recordId = e.headers.get('warc-record-id');
    yield { type, id: (recordId === undefined ? '' : unbracket(recordId)) || `${name}@${e.offset}`, record: e };
  }
}

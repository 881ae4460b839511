import { errorMessage } from '../../core/errors.js';
import { decodeStream, detectCodec, peek } from '../../io/decompress.js';
import type { InputFile } from '../../io/input.js';
import { asBuffer } from '../../io/read-bytes.js';
import type { ReaderContext } from '../reader.js';
import { isDecompressDamage } from '../strict.js';
import { gunzipMembers } from './gzip-members.js';
import { WarcRecordParser, type WarcEvent, type WarcHeaders, type WarcParserOptions, type WarcProblem } from './record-parser.js';

/**
 * The WARC records of a file (`.warc`, `.warc.gz` with one member per record or one for the whole
 * file, or zstd/bzip2), with damage and framing errors as events in place. Shared by the warc
 * and wet readers.
 */
export async function* warcEvents(file: InputFile, opts: WarcParserOptions = {}): AsyncIterable<WarcEvent> {
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

/** Common Crawl writes `<urn:uuid:...>`; the id is the part inside the brackets. */
export function recordIdOf(headers: WarcHeaders): string | undefined {
  const raw = headers.get('warc-record-id');
  if (raw === undefined) return undefined;
  const id = raw.trim().replace(/^<(.*)>$/, '$1');
  return id === '' ? undefined : id;
}

/** A WARC framing or decompression problem, as an invalid record. */
export function reportProblem(p: WarcProblem, name: string, ctx: ReaderContext): void {
  const id = p.recordId === undefined ? `${name}@${p.offset}` : p.recordId.trim().replace(/^<(.*)>$/, '$1');
  ctx.invalid(p.raw === undefined ? { id, reason: p.reason, record: p.offset, error: p.error } : { id, reason: p.reason, record: p.offset, error: p.error, raw: p.raw });
}

/** Counts a record that is not a document (request, metadata, warcinfo, revisit...). */
export function countRecordType(headers: WarcHeaders, ctx: ReaderContext): string {
  const type = (headers.get('warc-type') ?? 'unknown').toLowerCase();
  ctx.stats.count(`records_${type}`);
  return type;
}

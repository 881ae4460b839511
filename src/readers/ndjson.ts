import { errorMessage } from '../core/errors.js';
import type { JsonValue } from '../core/doc.js';
import { splitLines } from '../io/lines.js';
import type { ReaderContext } from './reader.js';
import { isDecompressDamage } from './strict.js';

const RAW_LIMIT = 4096;

export interface JsonRecord {
  value: Record<string, JsonValue>;
  lineNo: number;
  /** The line as read, for the rejects (see `rawLine`). */
  line: string;
}

/**
 * JSON objects from newline-delimited JSON bytes. Every line that is not one (too long, not
 * UTF-8, not JSON, not an object) is reported through `ctx.invalid` with its line number;
 * blank lines are ignored. A damaged compressed stream ends the file with a `truncated_input`
 * invalid record; the lines before the damage have been yielded. Other errors fail the input.
 */
export async function* jsonRecords(bytes: AsyncIterable<Uint8Array>, ctx: ReaderContext, name: string, maxLineBytes: number): AsyncIterable<JsonRecord> {
  try {
    const piece = ctx.file.piece;
    // one shape of options whatever the piece (see derivedFile in io/input.ts)
    const firstLine = piece?.kind === 'lines' || piece?.kind === 'zstd-lines' ? piece.firstLine : undefined;
    const firstOffset = piece?.kind === 'lines' ? piece.start : piece?.kind === 'zstd-lines' ? piece.firstOffset : undefined;
    for await (const line of splitLines(bytes, { maxLineBytes, firstLine, firstOffset })) {
      const id = `${name}:${line.lineNo}`;
      if (line.tooLong) {
        ctx.invalid({ id, reason: 'line_too_long', record: line.lineNo, error: `line of ${line.bytes} bytes exceeds max_line_bytes=${maxLineBytes}` });
        continue;
      }
      if (line.text.trim().length === 0) continue;
      if (line.invalidUtf8) {
        ctx.invalid({ id, reason: 'invalid_utf8', record: line.lineNo, error: 'line is not valid UTF-8', raw: rawLine(line.text) });
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch (err) {
        ctx.invalid({ id, reason: 'bad_record', record: line.lineNo, error: `invalid JSON at ${id}: ${errorMessage(err)}`, raw: rawLine(line.text) });
        continue;
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        ctx.invalid({ id, reason: 'bad_record', record: line.lineNo, error: `line is JSON but not an object at ${id}`, raw: rawLine(line.text) });
        continue;
      }
      yield { value: value as Record<string, JsonValue>, lineNo: line.lineNo, line: line.text };
    }
  } catch (err) {
    if (!isDecompressDamage(err)) throw err;
    ctx.invalid({ id: `${name}:truncated`, reason: 'truncated_input', record: 'end', error: errorMessage(err) });
  }
}

/** A record's line for the rejects, bounded. */
export function rawLine(line: string): string {
  return line.slice(0, RAW_LIMIT);
}

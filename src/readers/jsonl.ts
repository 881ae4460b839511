import { z } from 'zod';
import type { JsonValue, Meta } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';
import { openDecoded } from '../io/decompress.js';
import { splitLines } from '../io/lines.js';
import { defineReader } from './reader.js';
import { isDecompressDamage } from './strict.js';

const RAW_LIMIT = 4096;

/** JSON lines (plain, .gz or .zst): one document per line, extra fields kept in `meta`. */
export const jsonlReader = defineReader({
  name: 'jsonl',
  summary: 'JSON lines, one document per line; `id` and `text` fields (names configurable), other fields go to meta',
  defaultSource: 'jsonl',
  params: z
    .object({
      id_field: z.string().default('id'),
      text_field: z.string().default('text'),
      /** Field whose value overrides the input's source label per record (e.g. a dataset's `source`). */
      source_field: z.string().optional(),
      max_line_bytes: z.number().int().positive().default(256 * 1024 * 1024),
    })
    .strict(),
  async *read(file, params, ctx) {
    const name = file.uri;
    const { bytes } = await openDecoded(file);
    const where = (line: number): string => `${file.uri}:${line}`;
    try {
      for await (const line of splitLines(bytes, { maxLineBytes: params.max_line_bytes })) {
        if (line.tooLong) {
          ctx.invalid({ id: `${name}:${line.lineNo}`, reason: 'line_too_long', record: line.lineNo, error: `line of ${line.bytes} bytes exceeds max_line_bytes=${params.max_line_bytes}` });
          continue;
        }
        if (line.text.trim().length === 0) continue;
        if (line.invalidUtf8) {
          ctx.invalid({ id: `${name}:${line.lineNo}`, reason: 'invalid_utf8', record: line.lineNo, error: 'line is not valid UTF-8', raw: line.text.slice(0, RAW_LIMIT) });
          continue;
        }
        let value: unknown;
        try {
          value = JSON.parse(line.text);
        } catch (err) {
          ctx.invalid({ id: `${name}:${line.lineNo}`, reason: 'bad_record', record: line.lineNo, error: `invalid JSON at ${where(line.lineNo)}: ${errorMessage(err)}`, raw: line.text.slice(0, RAW_LIMIT) });
          continue;
        }
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          ctx.invalid({ id: `${name}:${line.lineNo}`, reason: 'bad_record', record: line.lineNo, error: `line is JSON but not an object at ${where(line.lineNo)}`, raw: line.text.slice(0, RAW_LIMIT) });
          continue;
        }
        const obj = value as Record<string, JsonValue>;
        const text = obj[params.text_field];
        if (typeof text !== 'string') {
          ctx.invalid({ id: `${name}:${line.lineNo}`, reason: 'bad_record', record: line.lineNo, error: `field "${params.text_field}" is ${text === undefined ? 'missing' : `a ${typeof text}, not a string`} at ${where(line.lineNo)}`, raw: line.text.slice(0, RAW_LIMIT) });
          continue;
        }
        const rawId = obj[params.id_field];
        const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${name}:${line.lineNo}`;
        const meta: Meta = {};
        for (const [k, v] of Object.entries(obj)) if (k !== params.text_field && k !== params.id_field) meta[k] = v;
        const sourceValue = params.source_field === undefined ? undefined : obj[params.source_field];
        yield { id, text, source: typeof sourceValue === 'string' ? sourceValue : ctx.source, meta };
      }
    } catch (err) {
      if (!isDecompressDamage(err)) throw err;
      // a damaged compressed stream ends the file; everything before the damage was read
      ctx.invalid({ id: `${name}:truncated`, reason: 'truncated_input', record: 'end', error: errorMessage(err) });
    }
  },
});

import { z } from '../vendor/zod.js';
import { sizeSchema } from '../core/size.js';
import { describeType } from '../core/describe-type.js';
import type { Meta } from '../core/doc.js';
import { openDecoded } from '../io/decompress.js';
import { jsonRecords, rawLine } from './ndjson.js';
import { defineReader } from './reader.js';

/** JSON lines (plain, .gz or .zst): one document per line, extra fields kept in `meta`. */
export const jsonlReader = defineReader({
  name: 'jsonl',
  summary: 'JSON lines, one document per line; `id` and `text` fields (names configurable), other fields go to meta',
  defaultSource: 'jsonl',
  splittable: 'lines',
  params: z
    .object({
      id_field: z.string().default('id'),
      text_field: z.string().default('text'),
      /** Field whose value overrides the input's source label per record (e.g. a dataset's `source`). */
      source_field: z.string().optional(),
      max_line_bytes: sizeSchema.prefault('256MiB').describe('longer lines are rejected (line_too_long) without being held in memory'),
    })
    .strict(),
  async *read(file, params, ctx) {
    const name = file.uri;
    const { bytes } = await openDecoded(file);
    for await (const { value: obj, lineNo, line } of jsonRecords(bytes, ctx, name, params.max_line_bytes)) {
      const text = obj[params.text_field];
      if (typeof text !== 'string') {
        ctx.invalid({
          id: `${name}:${lineNo}`,
          reason: 'bad_record',
          record: lineNo,
          error: `field "${params.text_field}" is ${text === undefined ? 'missing' : `${describeType(text)}, not a string`} at ${name}:${lineNo}`,
          raw: rawLine(line),
        });
        continue;
      }
      const rawId = obj[params.id_field];
      const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${name}:${lineNo}`;
      const meta: Meta = {};
      for (const [k, v] of Object.entries(obj)) if (k !== params.text_field && k !== params.id_field) meta[k] = v;
      const sourceValue = params.source_field === undefined ? undefined : obj[params.source_field];
      yield { id, text, source: typeof sourceValue === 'string' ? sourceValue : ctx.source, meta };
    }
  },
});

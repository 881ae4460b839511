import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { z } from '../vendor/zod.js';
import { describeType } from '../core/describe-type.js';
import type { JsonValue, Meta } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';
import type { InputFile } from '../io/input.js';
import { defineReader } from './reader.js';

const params = z
  .object({
    id_column: z.string().default('id').describe('column holding the document id (row position when absent)'),
    text_column: z.string().default('text'),
    source_column: z.string().optional().describe('column whose value overrides the source label per row (sluice shards: "source")'),
    meta_json_column: z
      .string()
      .default('meta')
      .describe('the meta column, merged into meta: JSON object text (sluice shards by default) or a struct (output.meta: struct); a struct column "metadata" (datatrove) is merged too'),
  })
  .strict();

/** Random access to an input: local files are read in place, others through `open(offset)`. */
async function asyncBufferOf(file: InputFile, asyncBufferFromFile: (path: string) => Promise<AsyncBuffer>): Promise<AsyncBuffer> {
  if (file.localPath) return asyncBufferFromFile(file.localPath);
  const size = await file.size();
  if (size === undefined) throw new Error(`the size of ${file.uri} is unknown, and Parquet is read from its end`);
  return {
    byteLength: size,
    async slice(start: number, end = size): Promise<ArrayBuffer> {
      const out = new Uint8Array(end - start);
      let at = 0;
      for await (const chunk of file.open(start)) {
        const take = Math.min(chunk.length, out.length - at);
        out.set(chunk.subarray(0, take), at);
        at += take;
        if (at >= out.length) break;
      }
      if (at < out.length) throw new Error(`${file.uri} ended at byte ${start + at}, expected ${end}`);
      return out.buffer;
    },
  };
}

/** The struct column datatrove's ParquetWriter writes a document's metadata to. */
const DATATROVE_METADATA = 'metadata';

/**
 * Top-level columns read into docs: those that hold one scalar per row, and structs (read
 * as objects). Lists and maps are left out of meta: token ids or embeddings are not metadata.
 */
function readableColumns(metadata: FileMetaData): { scalars: string[]; structs: string[] } {
  const scalars: string[] = [];
  const structs: string[] = [];
  const schema = metadata.schema;
  let i = 1;
  const rootChildren = schema[0]?.num_children ?? 0;
  for (let c = 0; c < rootChildren && i < schema.length; c++) {
    const el = schema[i]!;
    if (el.repetition_type !== 'REPEATED') {
      if (!el.num_children) scalars.push(el.name);
      else if (el.converted_type === undefined && el.logical_type === undefined) structs.push(el.name);
    }
    i = skipSubtree(schema, i);
  }
  return { scalars, structs };
}

function skipSubtree(schema: FileMetaData['schema'], i: number): number {
  let pending = 1;
  while (pending > 0 && i < schema.length) {
    pending += (schema[i]!.num_children ?? 0) - 1;
    i++;
  }
  return i;
}

function toJson(v: unknown): JsonValue | undefined {
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v ?? null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => toJson(x) ?? null);
  if (typeof v === 'object' && !ArrayBuffer.isView(v)) return structToJson(v as Record<string, unknown>);
  return undefined;
}

/** A struct value as a JSON object; fields with no JSON form (binary) are left out. */
function structToJson(v: Record<string, unknown>): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(v)) {
    const j = toJson(x);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

/**
 * Parquet files (sluice shards, Hugging Face datasets), read with hyparquet one row group at a
 * time: memory holds one row group's scalar columns, not the file.
 */
export const parquetReader = defineReader({
  name: 'parquet',
  summary: 'Parquet files (sluice shards, HF datasets): id/text columns (names configurable), other scalar columns into meta',
  defaultSource: 'parquet',
  params,
  async *read(file, p, ctx) {
    // loaded on first use (about 120 ms of CPU), outside the try below: a missing package is not a bad file
    const [{ asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
    const name = file.uri;
    let buffer: AsyncBuffer;
    let metadata: FileMetaData;
    try {
      buffer = await asyncBufferOf(file, asyncBufferFromFile);
      metadata = await parquetMetadataAsync(buffer);
    } catch (err) {
      ctx.invalid({ id: `${name}:footer`, reason: 'bad_parquet', record: 'footer', error: `not a readable Parquet file: ${errorMessage(err)}` });
      return;
    }
    const { scalars, structs } = readableColumns(metadata);
    if (!scalars.includes(p.text_column)) {
      ctx.invalid({ id: `${name}:schema`, reason: 'bad_parquet', record: 'schema', error: `no scalar column "${p.text_column}" (columns: ${scalars.join(', ')})` });
      return;
    }
    const columns = [...scalars, ...structs];
    const mergedStructs = new Set([p.meta_json_column, DATATROVE_METADATA]);
    let rowStart = 0;
    for (const [g, group] of metadata.row_groups.entries()) {
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = (await parquetReadObjects({ file: buffer, metadata, compressors, columns, rowStart, rowEnd })) as Record<string, unknown>[];
      } catch (err) {
        ctx.invalid({ id: `${name}:rg${g}`, reason: 'bad_row_group', record: `row group ${g}`, error: `rows ${rowStart}-${rowEnd - 1} are unreadable: ${errorMessage(err)}` });
        rowStart = rowEnd;
        continue;
      }
      for (const [k, row] of rows.entries()) {
        const index = rowStart + k;
        const text = row[p.text_column];
        const rawId = toJson(row[p.id_column]);
        const id = typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : `${name}:${index}`;
        if (typeof text !== 'string') {
          ctx.invalid({ id, reason: 'bad_record', record: index, error: `column "${p.text_column}" is ${describeType(text ?? null)} in row ${index}` });
          continue;
        }
        const meta: Meta = {};
        for (const col of columns) {
          if (col === p.text_column || col === p.id_column || col === p.source_column) continue;
          const v = row[col];
          if (mergedStructs.has(col) && v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v) && !(v instanceof Date)) {
            // a struct has every field in every row: null there means the document lacked the key
            for (const [k, x] of Object.entries(structToJson(v as Record<string, unknown>))) if (x !== null) meta[k] = x;
            continue;
          }
          if (col === p.meta_json_column && typeof v === 'string') {
            try {
              const parsed: unknown = JSON.parse(v);
              if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
                Object.assign(meta, parsed as Meta);
                continue;
              }
            } catch {
              // not JSON: kept as a plain string below
            }
          }
          const j = toJson(v);
          if (j !== undefined) meta[col] = j;
        }
        const source = p.source_column === undefined ? undefined : row[p.source_column];
        yield { id, text, source: typeof source === 'string' && source !== '' ? source : ctx.source, meta };
      }
      rowStart = rowEnd;
    }
  },
});

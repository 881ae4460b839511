/**
 * Reads the token columns of one sluice shard without a general Parquet decoder.
 *
 * sluice's shard writer (src/shard/parquet/) emits data pages v1 with PLAIN values and
 * RLE/bit-packed levels, and cuts list pages at row boundaries. So a page of `input_ids`
 * holds whole documents: after its two length-prefixed level runs come the documents'
 * tokens as little-endian int32, back to back. With `num_tokens` (one int32 per row) we know
 * which rows a page holds and where each row's tokens start, and never decode the levels.
 * Every assumption is checked when the shard is indexed; a file that breaks one is refused
 * with a message naming it. The `source` column is read in more layouts (source-column.ts).
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { endianness } from 'node:os';
import { parquetMetadata, type ColumnMetaData, type FileMetaData, type SchemaElement } from 'hyparquet';
import { SluiceError, errorMessage } from '../core/errors.js';
import { PageInflater, SUPPORTED_CODECS } from './page-codec.js';
import { bad, readAt, readPageBody, walkChunk, type PageRef } from './shard-file.js';
import { sourcePagesOf, type SourceColumn } from './source-column.js';

/** A page of `input_ids` with the rows and tokens it holds (indices within the shard). */
export interface TokenPage extends PageRef {
  rowStart: number;
  rowEnd: number;
  valueStart: number;
  valueEnd: number;
}

export interface TokenShard {
  /** Absolute path, for reads and error messages. */
  file: string;
  rows: number;
  tokens: number;
  /** Tokens per row. */
  numTokens: Int32Array;
  pages: TokenPage[];
  /** Pages of the `source` column (decoded only when a mixture needs it). */
  source: SourceColumn;
  /** Smallest and largest token id in the shard (from the column statistics), if any. */
  minToken: number | undefined;
  maxToken: number | undefined;
}

function footerOf(fd: number, file: string, size: number): FileMetaData {
  if (size < 12) throw bad(file, `is ${size} bytes, too short for a Parquet file`, 'the shard is truncated; rerun the pipeline to rewrite it');
  const head = readAt(fd, file, 0, 4);
  const tail = readAt(fd, file, size - 8, 8);
  if (head.toString('latin1') !== 'PAR1' || tail.toString('latin1', 4) !== 'PAR1') {
    throw bad(file, 'lacks the PAR1 magic at its start or end: not a (complete) Parquet file', 'the shard is truncated or damaged; rerun the pipeline to rewrite it');
  }
  const len = tail.readUInt32LE(0);
  if (len + 12 > size) throw bad(file, `footer length ${len} exceeds the file size ${size}`);
  try {
    return parquetMetadata(readAt(fd, file, size - 8 - len, len + 8));
  } catch (err) {
    throw bad(file, `footer does not parse: ${errorMessage(err)}`);
  }
}

function childIndex(schema: SchemaElement[], name: string): number {
  // top-level fields in order; skip nested children
  let i = 1;
  while (i < schema.length) {
    const e = schema[i]!;
    if (e.name === name) return i;
    i += 1 + descendants(schema, i);
  }
  return -1;
}

function descendants(schema: SchemaElement[], i: number): number {
  let n = 0;
  let pending = schema[i]?.num_children ?? 0;
  let j = i + 1;
  while (pending > 0 && j < schema.length) {
    pending--;
    n++;
    pending += schema[j]!.num_children ?? 0;
    j++;
  }
  return n;
}

/** Checks the token columns' layout; returns whether `source` is OPTIONAL (pyarrow's default) rather than REQUIRED. */
function checkSchema(file: string, schema: SchemaElement[]): boolean {
  const ids = childIndex(schema, 'input_ids');
  if (ids < 0) throw bad(file, 'has no input_ids column: its documents were not tokenized', 'run a pipeline with a tokenize stage; its shards carry input_ids and num_tokens');
  const [list, rep, elem] = [schema[ids], schema[ids + 1], schema[ids + 2]];
  if (list?.num_children !== 1 || rep?.repetition_type !== 'REPEATED' || rep.num_children !== 1 || elem?.type !== 'INT32' || elem.repetition_type !== 'REQUIRED') {
    throw bad(file, 'input_ids is not a three-level list<int32> with required elements');
  }
  const n = schema[childIndex(schema, 'num_tokens')];
  if (n?.type !== 'INT32' || n.repetition_type !== 'REQUIRED') throw bad(file, 'has no required int32 num_tokens column');
  const s = schema[childIndex(schema, 'source')];
  if (s?.type !== 'BYTE_ARRAY' || (s.repetition_type !== 'REQUIRED' && s.repetition_type !== 'OPTIONAL')) throw bad(file, 'has no string source column');
  return s.repetition_type === 'OPTIONAL';
}

/** Locates a token column chunk's pages: PLAIN data pages v1 only. */
function pagesOf(fd: number, file: string, size: number, meta: ColumnMetaData): PageRef[] {
  const column = meta.path_in_schema.join('.');
  if (meta.dictionary_page_offset !== undefined) throw bad(file, `column ${column} is dictionary-encoded`);
  if (!SUPPORTED_CODECS.includes(meta.codec)) throw bad(file, `column ${column} uses codec ${meta.codec}`);
  const pages: PageRef[] = [];
  let values = 0;
  for (const { header, offset } of walkChunk(fd, file, size, meta)) {
    const dp = header.data_page_header;
    if (header.type !== 'DATA_PAGE' || dp === undefined || dp.encoding !== 'PLAIN') {
      throw bad(file, `column ${column}: page at ${offset} is ${header.type}${dp ? ` ${dp.encoding}` : ''}, not a PLAIN data page v1`);
    }
    pages.push({ offset, compressedSize: header.compressed_page_size, uncompressedSize: header.uncompressed_page_size, codec: meta.codec, numValues: dp.num_values });
    values += dp.num_values;
  }
  if (values !== Number(meta.num_values)) throw bad(file, `column ${column}: pages do not add up to the column chunk's value count`);
  return pages;
}

function columnMeta(file: string, md: FileMetaData, rg: number, name: string): ColumnMetaData {
  const c = md.row_groups[rg]!.columns.find((col) => col.meta_data?.path_in_schema[0] === name)?.meta_data;
  if (!c) throw bad(file, `row group ${rg} has no ${name} column chunk`);
  return c;
}

/** Where a list page's values start: after the repetition and definition level runs. */
export function listValuesOffset(file: string, page: TokenPage, body: Uint8Array): number {
  const dv = new DataView(body.buffer, body.byteOffset, body.length);
  let pos = 0;
  for (let run = 0; run < 2; run++) {
    if (pos + 4 > body.length) throw bad(file, `page at ${page.offset} is too short for its levels`);
    pos += 4 + dv.getUint32(pos, true);
  }
  if (body.length - pos !== (page.valueEnd - page.valueStart) * 4) {
    throw bad(file, `page at ${page.offset} holds ${(body.length - pos) / 4} tokens; num_tokens says ${page.valueEnd - page.valueStart}`);
  }
  return pos;
}

function int32Column(fd: number, file: string, md: FileMetaData, name: string, inflater: PageInflater, size: number): Int32Array {
  const out = new Int32Array(Number(md.num_rows));
  const bytes = new Uint8Array(out.buffer);
  let at = 0;
  for (let rg = 0; rg < md.row_groups.length; rg++) {
    for (const page of pagesOf(fd, file, size, columnMeta(file, md, rg, name))) {
      const body = readPageBody(fd, file, page, inflater);
      if (body.length !== page.numValues * 4 || at + page.numValues > out.length) throw bad(file, `${name} page at ${page.offset} has ${body.length} bytes for ${page.numValues} values`);
      bytes.set(body, at * 4);
      at += page.numValues;
    }
  }
  if (at !== out.length) throw bad(file, `${name} holds ${at} values for ${out.length} rows`);
  return out;
}

function statNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

/**
 * Indexes a shard: footer and schema checked, num_tokens read, every page of input_ids
 * located and mapped to the rows it holds.
 */
export function indexTokenShard(file: string, inflater: PageInflater): TokenShard {
  if (endianness() !== 'LE') throw new SluiceError('SLUICE_LOADER', 'the token reader needs a little-endian host');
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new SluiceError('SLUICE_LOADER', `${file}: cannot open: ${errorMessage(err)}`, { file, hint: 'the manifest lists a shard that is missing; rerun the pipeline' });
  }
  try {
    const size = fstatSync(fd).size;
    const md = footerOf(fd, file, size);
    const sourceOptional = checkSchema(file, md.schema);
    const rows = Number(md.num_rows);
    const numTokens = int32Column(fd, file, md, 'num_tokens', inflater, size);
    const pages: TokenPage[] = [];
    const source: SourceColumn = { pages: [], optional: sourceOptional };
    let row = 0;
    let value = 0;
    let minToken: number | undefined;
    let maxToken: number | undefined;
    for (let rg = 0; rg < md.row_groups.length; rg++) {
      const rgRows = Number(md.row_groups[rg]!.num_rows);
      const rgEnd = row + rgRows;
      const meta = columnMeta(file, md, rg, 'input_ids');
      const st = meta.statistics;
      const lo = statNumber(st?.min_value ?? st?.min);
      const hi = statNumber(st?.max_value ?? st?.max);
      if (lo !== undefined) minToken = minToken === undefined ? lo : Math.min(minToken, lo);
      if (hi !== undefined) maxToken = maxToken === undefined ? hi : Math.max(maxToken, hi);
      for (const p of pagesOf(fd, file, size, meta)) {
        // a list row contributes max(1, n) levels; the page must end exactly at a row boundary
        const rowStart = row;
        const valueStart = value;
        let levels = 0;
        while (levels < p.numValues && row < rgEnd) {
          const n = numTokens[row]!;
          if (n < 0) throw bad(file, `num_tokens is negative at row ${row}`);
          levels += n === 0 ? 1 : n;
          value += n;
          row++;
        }
        if (levels !== p.numValues) throw bad(file, `input_ids page at ${p.offset} does not end at a row boundary`);
        pages.push({ ...p, rowStart, rowEnd: row, valueStart, valueEnd: value });
      }
      if (row !== rgEnd) throw bad(file, `row group ${rg}: input_ids pages hold ${row - (rgEnd - rgRows)} rows, the row group ${rgRows}`);
      source.pages.push(...sourcePagesOf(fd, file, size, columnMeta(file, md, rg, 'source'), sourceOptional));
    }
    if (row !== rows) throw bad(file, `input_ids holds ${row} rows, the footer says ${rows}`);
    return { file, rows, tokens: value, numTokens, pages, source, minToken, maxToken };
  } finally {
    closeSync(fd);
  }
}

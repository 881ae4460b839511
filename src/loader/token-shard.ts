/**
 * Reads the token columns of one sluice shard without a general Parquet decoder.
 *
 * sluice's shard writer (src/shard/parquet/) emits data pages v1 with PLAIN values and
 * RLE/bit-packed levels, and cuts list pages at row boundaries. So a page of `input_ids`
 * holds whole documents: after its two length-prefixed level runs come the documents'
 * tokens as little-endian int32, back to back. With `num_tokens` (one int32 per row) we know
 * which rows a page holds and where each row's tokens start, and never decode the levels.
 * Every assumption is checked when the shard is indexed; a file that breaks one is refused
 * with a message naming it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { endianness } from 'node:os';
import { parquetMetadata, type ColumnMetaData, type CompressionCodec, type FileMetaData, type SchemaElement } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { PageInflater, SUPPORTED_CODECS } from './page-codec.js';

/** One data page of a column chunk, located and sized from its header. */
export interface PageRef {
  /** File offset of the (compressed) page body. */
  offset: number;
  compressedSize: number;
  uncompressedSize: number;
  codec: CompressionCodec;
  /** Levels (list columns) or values (flat columns) in the page. */
  numValues: number;
}

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
  sourcePages: PageRef[];
  /** Smallest and largest token id in the shard (from the column statistics), if any. */
  minToken: number | undefined;
  maxToken: number | undefined;
}

const HINT = 'sluice reads shards written by `sluice run` (PLAIN pages cut at row boundaries); rerun the pipeline to rewrite this one';

function bad(file: string, message: string, hint = HINT): SluiceError {
  return new SluiceError('SLUICE_LOADER', `${file}: ${message}`, { file, hint });
}

function readAt(fd: number, file: string, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) throw bad(file, `ends at byte ${offset + got}, before the ${length} bytes expected at ${offset}`, 'the shard is truncated; rerun the pipeline to rewrite it');
    got += n;
  }
  return buf;
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

function checkSchema(file: string, schema: SchemaElement[]): void {
  const ids = childIndex(schema, 'input_ids');
  if (ids < 0) throw bad(file, 'has no input_ids column: its documents were not tokenized', 'run a pipeline with a tokenize stage; its shards carry input_ids and num_tokens');
  const [list, rep, elem] = [schema[ids], schema[ids + 1], schema[ids + 2]];
  if (list?.num_children !== 1 || rep?.repetition_type !== 'REPEATED' || rep.num_children !== 1 || elem?.type !== 'INT32' || elem.repetition_type !== 'REQUIRED') {
    throw bad(file, 'input_ids is not a three-level list<int32> with required elements');
  }
  const n = schema[childIndex(schema, 'num_tokens')];
  if (n?.type !== 'INT32' || n.repetition_type !== 'REQUIRED') throw bad(file, 'has no required int32 num_tokens column');
  const s = schema[childIndex(schema, 'source')];
  if (s?.type !== 'BYTE_ARRAY' || s.repetition_type !== 'REQUIRED') throw bad(file, 'has no required string source column');
}

/** Walks a column chunk's page headers (bodies are not read). */
function pagesOf(fd: number, file: string, size: number, meta: ColumnMetaData): PageRef[] {
  const column = meta.path_in_schema.join('.');
  if (meta.dictionary_page_offset !== undefined) throw bad(file, `column ${column} is dictionary-encoded`);
  if (!SUPPORTED_CODECS.includes(meta.codec)) throw bad(file, `column ${column} uses codec ${meta.codec}`);
  let offset = Number(meta.data_page_offset);
  const end = offset + Number(meta.total_compressed_size);
  if (end > size) throw bad(file, `column ${column} extends past the end of the file`, 'the shard is truncated; rerun the pipeline to rewrite it');
  const pages: PageRef[] = [];
  let values = 0;
  while (offset < end) {
    let window = 256;
    let parsed: { header: ReturnType<typeof parquetHeader>; length: number } | undefined;
    while (parsed === undefined) {
      const buf = readAt(fd, file, offset, Math.min(window, end - offset));
      try {
        const reader = { view: new DataView(buf.buffer, buf.byteOffset, buf.length), offset: 0 };
        parsed = { header: parquetHeader(reader), length: reader.offset };
      } catch (err) {
        if (window >= end - offset || window >= 1 << 20) throw bad(file, `column ${column}: page header at ${offset} does not parse: ${errorMessage(err)}`);
        window *= 4;
      }
    }
    const { header, length } = parsed;
    const dp = header.data_page_header;
    if (header.type !== 'DATA_PAGE' || dp === undefined || dp.encoding !== 'PLAIN') {
      throw bad(file, `column ${column}: page at ${offset} is ${header.type}${dp ? ` ${dp.encoding}` : ''}, not a PLAIN data page v1`);
    }
    pages.push({ offset: offset + length, compressedSize: header.compressed_page_size, uncompressedSize: header.uncompressed_page_size, codec: meta.codec, numValues: dp.num_values });
    values += dp.num_values;
    offset += length + header.compressed_page_size;
  }
  if (offset !== end || values !== Number(meta.num_values)) throw bad(file, `column ${column}: pages do not add up to the column chunk's size and value count`);
  return pages;
}

function columnMeta(file: string, md: FileMetaData, rg: number, name: string): ColumnMetaData {
  const c = md.row_groups[rg]!.columns.find((col) => col.meta_data?.path_in_schema[0] === name)?.meta_data;
  if (!c) throw bad(file, `row group ${rg} has no ${name} column chunk`);
  return c;
}

/** Decompresses a page and returns its body. */
export function readPageBody(fd: number, file: string, page: PageRef, inflater: PageInflater): Uint8Array {
  const raw = readAt(fd, file, page.offset, page.compressedSize);
  let body: Uint8Array;
  try {
    body = inflater.inflate(page.codec, raw, page.uncompressedSize);
  } catch (err) {
    throw bad(file, `page at ${page.offset} does not decompress (${page.codec}): ${errorMessage(err)}`, 'the shard is damaged; rerun the pipeline to rewrite it');
  }
  if (body.length !== page.uncompressedSize) throw bad(file, `page at ${page.offset} decompresses to ${body.length} bytes, its header says ${page.uncompressedSize}`);
  return body;
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
    checkSchema(file, md.schema);
    const rows = Number(md.num_rows);
    const numTokens = int32Column(fd, file, md, 'num_tokens', inflater, size);
    const pages: TokenPage[] = [];
    const sourcePages: PageRef[] = [];
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
      sourcePages.push(...pagesOf(fd, file, size, columnMeta(file, md, rg, 'source')));
    }
    if (row !== rows) throw bad(file, `input_ids holds ${row} rows, the footer says ${rows}`);
    return { file, rows, tokens: value, numTokens, pages, sourcePages, minToken, maxToken };
  } finally {
    closeSync(fd);
  }
}

/** Decodes the `source` column (PLAIN strings), calling `each` once per row in order. */
export function readSourceColumn(shard: TokenShard, inflater: PageInflater, each: (source: string) => void): void {
  const fd = openSync(shard.file, 'r');
  try {
    let rows = 0;
    let prev: Buffer | undefined;
    let prevText = '';
    for (const page of shard.sourcePages) {
      const body = Buffer.from(readPageBody(fd, shard.file, page, inflater));
      let pos = 0;
      for (let i = 0; i < page.numValues; i++) {
        if (pos + 4 > body.length) throw bad(shard.file, `source page at ${page.offset} ends inside a value`);
        const len = body.readUInt32LE(pos);
        const bytes = body.subarray(pos + 4, pos + 4 + len);
        if (bytes.length !== len) throw bad(shard.file, `source page at ${page.offset} ends inside a value`);
        // shards are mostly one source: reuse the last decoded string when the bytes repeat
        if (prev === undefined || !prev.equals(bytes)) {
          prev = bytes;
          prevText = bytes.toString('utf8');
        }
        each(prevText);
        pos += 4 + len;
        rows++;
      }
    }
    if (rows !== shard.rows) throw bad(shard.file, `source holds ${rows} values for ${shard.rows} rows`);
  } finally {
    closeSync(fd);
  }
}

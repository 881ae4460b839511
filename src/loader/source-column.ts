/**
 * The `source` column of a token shard: its pages located and checked when the shard is
 * indexed, and decoded to one string per row when a mixture needs them. Unlike the token
 * columns it is read in any of the layouts writers use for strings: PLAIN, or
 * dictionary-encoded (a PLAIN dictionary page, then RLE/bit-packed indices: what sluice's
 * writer and pyarrow emit for repeating strings); data pages v1 or v2; required, or optional
 * without nulls.
 */
import { closeSync, openSync } from 'node:fs';
import type { ColumnMetaData } from 'hyparquet';
import { SUPPORTED_CODECS, type PageInflater } from './page-codec.js';
import { decodeHybrid, HybridError } from './rle-hybrid.js';
import { bad, inflatePage, readAt, readPageBody, walkChunk, type PageRef } from './shard-file.js';

export interface SourcePage extends PageRef {
  /** A dictionary page (numValues = entries), or a data page of PLAIN strings or of dictionary indices (numValues = rows). */
  kind: 'dictionary' | 'plain' | 'indices';
  /** Data page v2: its levels come first and are never compressed; the values may not be. */
  v2?: { repBytes: number; defBytes: number; compressed: boolean };
}

export interface SourceColumn {
  /** Every row group's pages in order; a dictionary page starts its column chunk. */
  pages: SourcePage[];
  /** OPTIONAL in the schema: data pages carry definition levels (nulls are refused when read). */
  optional: boolean;
}

/** Locates and checks one column chunk's pages of `source`. */
export function sourcePagesOf(fd: number, file: string, size: number, meta: ColumnMetaData, optional: boolean): SourcePage[] {
  if (!SUPPORTED_CODECS.includes(meta.codec)) throw bad(file, `column source uses codec ${meta.codec}`);
  const pages: SourcePage[] = [];
  let rows = 0;
  let dictionary = false;
  for (const [i, { header, offset }] of walkChunk(fd, file, size, meta).entries()) {
    const where = `column source: page at ${offset}`;
    const base = { offset, compressedSize: header.compressed_page_size, uncompressedSize: header.uncompressed_page_size, codec: meta.codec };
    const dict = header.dictionary_page_header;
    if (header.type === 'DICTIONARY_PAGE' && dict !== undefined) {
      // PLAIN_DICTIONARY is the name Parquet 1.0 gave the same PLAIN dictionary page
      if (i !== 0 || (dict.encoding !== 'PLAIN' && dict.encoding !== 'PLAIN_DICTIONARY')) throw bad(file, `${where} is a ${dict.encoding} dictionary page${i === 0 ? '' : ' after data pages'}`);
      pages.push({ ...base, numValues: dict.num_values, kind: 'dictionary' });
      dictionary = true;
      continue;
    }
    const v1 = header.type === 'DATA_PAGE' ? header.data_page_header : undefined;
    const h2 = header.type === 'DATA_PAGE_V2' ? header.data_page_header_v2 : undefined;
    let page: SourcePage;
    if (v1 !== undefined) {
      if (optional && v1.definition_level_encoding !== 'RLE') throw bad(file, `${where} has ${v1.definition_level_encoding} definition levels, not RLE`);
      page = { ...base, numValues: v1.num_values, kind: 'plain' };
    } else if (h2 !== undefined) {
      if (h2.repetition_levels_byte_length !== 0 || (!optional && h2.definition_levels_byte_length !== 0)) throw bad(file, `${where} has levels a flat required column cannot have`);
      if (h2.num_nulls > 0) throw bad(file, `${where} holds ${h2.num_nulls} null sources`, 'every document needs a source; rewrite the shard with one');
      const v2 = { repBytes: 0, defBytes: h2.definition_levels_byte_length, compressed: h2.is_compressed !== false };
      page = { ...base, numValues: h2.num_values, kind: 'plain', v2 };
    } else {
      throw bad(file, `${where} is ${header.type}, not a data or dictionary page`);
    }
    const encoding = (v1 ?? h2)!.encoding;
    if (encoding === 'RLE_DICTIONARY' || encoding === 'PLAIN_DICTIONARY') {
      if (!dictionary) throw bad(file, `${where} holds dictionary indices, but its column chunk has no dictionary page`);
      page.kind = 'indices';
    } else if (encoding !== 'PLAIN') {
      throw bad(file, `${where} is ${encoding}-encoded; the loader reads source as PLAIN or dictionary-encoded strings`);
    }
    pages.push(page);
    rows += page.numValues;
  }
  // sluice's writer counts the dictionary's entries in the chunk's num_values too; Arrow does not
  const entries = pages[0]?.kind === 'dictionary' ? pages[0].numValues : 0;
  const declared = Number(meta.num_values);
  if (rows !== declared && rows + entries !== declared) throw bad(file, `column source: data pages hold ${rows} values, the column chunk ${declared}`);
  return pages;
}

/** Calls `each` for `count` PLAIN strings in `bytes`; a run of equal bytes decodes once (shards are mostly one source). */
function plainStrings(file: string, page: PageRef, bytes: Buffer, count: number, each: (s: string) => void): void {
  let pos = 0;
  let prev: Buffer | undefined;
  let prevText = '';
  for (let i = 0; i < count; i++) {
    const len = pos + 4 <= bytes.length ? bytes.readUInt32LE(pos) : -1;
    const value = bytes.subarray(pos + 4, pos + 4 + len);
    if (len < 0 || value.length !== len) throw bad(file, `source page at ${page.offset} ends inside value ${i} of ${count}`);
    if (prev === undefined || !prev.equals(value)) {
      prev = value;
      prevText = value.toString('utf8');
    }
    each(prevText);
    pos += 4 + len;
  }
}

function asBuffer(u: Uint8Array): Buffer {
  return Buffer.from(u.buffer, u.byteOffset, u.length);
}

/** A data page split into its definition levels (when the column has them) and values, inflated. */
function splitPage(fd: number, file: string, page: SourcePage, optional: boolean, inflater: PageInflater): { levels: Uint8Array | undefined; values: Buffer } {
  const raw = readAt(fd, file, page.offset, page.compressedSize);
  if (page.v2 !== undefined) {
    const at = page.v2.repBytes + page.v2.defBytes;
    if (at > raw.length) throw bad(file, `source page at ${page.offset} is shorter than its levels`);
    const levels = optional ? raw.subarray(page.v2.repBytes, at) : undefined;
    const values = page.v2.compressed ? inflatePage(file, page, inflater, raw.subarray(at), page.uncompressedSize - at) : raw.subarray(at);
    return { levels, values: asBuffer(values) };
  }
  const body = asBuffer(inflatePage(file, page, inflater, raw, page.uncompressedSize));
  if (!optional) return { levels: undefined, values: body };
  const len = body.length >= 4 ? body.readUInt32LE(0) : -1;
  if (len < 0 || 4 + len > body.length) throw bad(file, `source page at ${page.offset} is too short for its definition levels`);
  return { levels: body.subarray(4, 4 + len), values: body.subarray(4 + len) };
}

/** Decodes the `source` column, calling `each` once per row in order. */
export function readSourceColumn(shard: { file: string; rows: number; source: SourceColumn }, inflater: PageInflater, each: (source: string) => void): void {
  const { file } = shard;
  const fd = openSync(file, 'r');
  try {
    let rows = 0;
    let dictionary: string[] = [];
    let scratch = new Uint32Array(0);
    for (const page of shard.source.pages) {
      if (page.kind === 'dictionary') {
        dictionary = [];
        plainStrings(file, page, asBuffer(readPageBody(fd, file, page, inflater)), page.numValues, (s) => dictionary.push(s));
        continue;
      }
      const { levels, values } = splitPage(fd, file, page, shard.source.optional, inflater);
      const n = page.numValues;
      if (scratch.length < n) scratch = new Uint32Array(Math.max(n, scratch.length * 2));
      try {
        if (levels !== undefined) {
          decodeHybrid(levels, 0, levels.length, 1, n, scratch);
          const missing = scratch.subarray(0, n).indexOf(0);
          if (missing >= 0) throw bad(file, `source is null in row ${rows + missing}`, 'every document needs a source; rewrite the shard with one');
        }
        if (page.kind === 'plain') {
          plainStrings(file, page, values, n, each);
        } else {
          const width = values[0];
          if (width === undefined) throw new HybridError('the page has no bit width');
          decodeHybrid(values, 1, values.length, width, n, scratch);
          for (let i = 0; i < n; i++) {
            const s = dictionary[scratch[i]!];
            if (s === undefined) throw new HybridError(`index ${scratch[i]} is past the dictionary's ${dictionary.length} entries`);
            each(s);
          }
        }
      } catch (err) {
        if (err instanceof HybridError) throw bad(file, `source page at ${page.offset}: ${err.message}`);
        throw err;
      }
      rows += n;
    }
    if (rows !== shard.rows) throw bad(file, `source holds ${rows} values for ${shard.rows} rows`);
  } finally {
    closeSync(fd);
  }
}

/**
 * Byte-level access to a shard for the loader's own readers: positioned reads, the walk over
 * a column chunk's page headers, and page bodies inflated. Every failure is a SluiceError
 * naming the file.
 */
import { readSync } from 'node:fs';
import type { ColumnMetaData, CompressionCodec, PageHeader } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { PageInflater } from './page-codec.js';

/** One page of a column chunk, located and sized from its header. */
export interface PageRef {
  /** File offset of the (compressed) page body. */
  offset: number;
  compressedSize: number;
  uncompressedSize: number;
  codec: CompressionCodec;
  /** Levels (list columns), values or rows (flat columns), or dictionary entries in the page. */
  numValues: number;
}

/** A page header as parsed, and where its body starts. */
export interface HeaderAt {
  header: PageHeader;
  /** File offset of the page body. */
  offset: number;
}

export const HINT = 'sluice reads shards written by `sluice run` (PLAIN pages cut at row boundaries); rerun the pipeline to rewrite this one';
const TRUNCATED = 'the shard is truncated; rerun the pipeline to rewrite it';

export function bad(file: string, message: string, hint = HINT): SluiceError {
  return new SluiceError('SLUICE_LOADER', `${file}: ${message}`, { file, hint });
}

export function readAt(fd: number, file: string, offset: number, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) throw bad(file, `ends at byte ${offset + got}, before the ${length} bytes expected at ${offset}`, TRUNCATED);
    got += n;
  }
  return buf;
}

/**
 * Every page header of a column chunk, dictionary page included (bodies are not read). The
 * chunk starts at its dictionary page when it has one; some writers record a
 * dictionary_page_offset of 0 for none, so only an offset before the first data page counts.
 */
export function walkChunk(fd: number, file: string, size: number, meta: ColumnMetaData): HeaderAt[] {
  const column = meta.path_in_schema.join('.');
  const data = Number(meta.data_page_offset);
  const dict = meta.dictionary_page_offset === undefined ? undefined : Number(meta.dictionary_page_offset);
  let offset = dict !== undefined && dict > 0 && dict < data ? dict : data;
  const end = offset + Number(meta.total_compressed_size);
  if (end > size) throw bad(file, `column ${column} extends past the end of the file`, TRUNCATED);
  const pages: HeaderAt[] = [];
  while (offset < end) {
    let window = 256;
    let parsed: { header: PageHeader; length: number } | undefined;
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
    pages.push({ header: parsed.header, offset: offset + parsed.length });
    offset += parsed.length + parsed.header.compressed_page_size;
  }
  if (offset !== end) throw bad(file, `column ${column}: pages do not add up to the column chunk's size`);
  return pages;
}

/** Decompresses a page and returns its body. */
export function readPageBody(fd: number, file: string, page: PageRef, inflater: PageInflater): Uint8Array {
  return inflatePage(file, page, inflater, readAt(fd, file, page.offset, page.compressedSize), page.uncompressedSize);
}

/** Inflates `raw` (a page body, or the values after a v2 page's levels) to `size` bytes, checked. */
export function inflatePage(file: string, page: PageRef, inflater: PageInflater, raw: Uint8Array, size: number): Uint8Array {
  let body: Uint8Array;
  try {
    body = inflater.inflate(page.codec, raw, size);
  } catch (err) {
    throw bad(file, `page at ${page.offset} does not decompress (${page.codec}): ${errorMessage(err)}`, 'the shard is damaged; rerun the pipeline to rewrite it');
  }
  if (body.length !== size) throw bad(file, `page at ${page.offset} decompresses to ${body.length} bytes, its header says ${size}`);
  return body;
}

import { readFile } from 'node:fs/promises';
import { parquetHeader } from 'hyparquet/src/column.js';
import { parquetMetadata, parquetReadObjects, parquetSchema, type FileMetaData, type ParquetRow, type SchemaTree } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { mulberry32 } from '../../src/core/random.js';

/** Deterministic PRNG so failures reproduce. */
export const rng = mulberry32;

/*
 * Read-back helpers built on hyparquet (+ hyparquet-compressors for ZSTD/GZIP/SNAPPY), a
 * Parquet implementation independent of ours: what it decodes is what other readers see.
 */

async function load(path: string): Promise<ArrayBuffer> {
  const buf = await readFile(path);
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
}

export async function readBack(path: string): Promise<{ metadata: FileMetaData; rows: ParquetRow[] }> {
  const file = await load(path);
  const metadata = parquetMetadata(file);
  const rows = await parquetReadObjects({ file, metadata, compressors });
  return { metadata, rows };
}

export async function readSchema(path: string): Promise<SchemaTree> {
  return parquetSchema(parquetMetadata(await load(path)));
}

/**
 * Data pages per column path (joined with '.'), summed over row groups: walks each column
 * chunk's page headers with hyparquet's header parser.
 */
export async function countPages(path: string): Promise<Map<string, number>> {
  const file = await load(path);
  const metadata = parquetMetadata(file);
  const pages = new Map<string, number>();
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns) {
      const meta = chunk.meta_data;
      if (meta === undefined) throw new Error('column chunk without metadata');
      const start = Number(meta.data_page_offset);
      const reader = { view: new DataView(file, start, Number(meta.total_compressed_size)), offset: 0 };
      let n = 0;
      let values = 0;
      while (reader.offset < reader.view.byteLength) {
        const header = parquetHeader(reader);
        if (header.type !== 'DATA_PAGE') throw new Error(`unexpected ${header.type} page`);
        values += header.data_page_header?.num_values ?? 0;
        reader.offset += header.compressed_page_size;
        n++;
      }
      if (values !== Number(meta.num_values)) throw new Error(`pages hold ${values} values, chunk says ${meta.num_values}`);
      const key = meta.path_in_schema.join('.');
      pages.set(key, (pages.get(key) ?? 0) + n);
    }
  }
  return pages;
}

const ALPHABET = ['a', 'b', 'z', ' ', '0', 'é', 'ß', 'ж', '日', '本', '語', '😀', '🚀', '\u0000', '\n', '"'];

/** Random string of 0..maxLen code points mixing ASCII, 2-, 3- and 4-byte UTF-8. */
export function randomString(rand: () => number, maxLen: number): string {
  const n = Math.floor(rand() * (maxLen + 1));
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(rand() * ALPHABET.length)] ?? 'a';
  return s;
}

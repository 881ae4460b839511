import { ByteBuffer } from './byte-buffer.js';
import { CompactWriter, CType } from './thrift-compact.js';

/**
 * The Parquet footer and page-header structs (parquet.thrift), reduced to the fields this
 * writer sets, and their compact-protocol serialisation. Field ids follow parquet.thrift.
 */

export enum PhysicalType {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7,
}

export enum Repetition {
  REQUIRED = 0,
  OPTIONAL = 1,
  REPEATED = 2,
}

export enum ConvertedType {
  UTF8 = 0,
  LIST = 3,
}

export enum Encoding {
  PLAIN = 0,
  RLE = 3,
  RLE_DICTIONARY = 8,
}

export enum CompressionCodec {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  ZSTD = 6,
}

export enum PageType {
  DATA_PAGE = 0,
  DICTIONARY_PAGE = 2,
}

/** LogicalType is a union; only the members we emit. */
export type LogicalType = 'STRING' | 'LIST';

export interface SchemaElement {
  name: string;
  type?: PhysicalType;
  repetition?: Repetition;
  numChildren?: number;
  convertedType?: ConvertedType;
  logicalType?: LogicalType;
}

export interface Statistics {
  nullCount: number;
  /** PLAIN-encoded (little-endian) min/max; absent when the chunk has no values or no order. */
  min?: Uint8Array;
  max?: Uint8Array;
  /**
   * Set for byte-array columns: their min/max go only in min_value/max_value (the deprecated
   * min/max were compared as signed bytes), with is_*_value_exact saying whether a value was
   * truncated.
   */
  exact?: { min: boolean; max: boolean };
}

export interface DataPageHeader {
  numValues: number;
  encoding: Encoding;
  defLevelEncoding: Encoding;
  repLevelEncoding: Encoding;
}

export interface PageHeader {
  type: PageType;
  uncompressedSize: number;
  compressedSize: number;
  dataPage?: DataPageHeader;
  /** A dictionary page's entry count (its values are PLAIN). */
  dictionaryPage?: { numValues: number };
}

export interface ColumnMetaData {
  type: PhysicalType;
  encodings: Encoding[];
  pathInSchema: string[];
  codec: CompressionCodec;
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  dataPageOffset: number;
  /** Offset of the chunk's dictionary page, when it has one (it precedes the data pages). */
  dictionaryPageOffset?: number;
  statistics: Statistics;
}

export interface ColumnChunk {
  /** Parquet-java convention: the offset of the chunk's first page. */
  fileOffset: number;
  meta: ColumnMetaData;
}

export interface RowGroup {
  columns: ColumnChunk[];
  totalByteSize: number;
  numRows: number;
  fileOffset: number;
  totalCompressedSize: number;
  ordinal: number;
}

export interface FileMetaData {
  version: number;
  schema: SchemaElement[];
  numRows: number;
  rowGroups: RowGroup[];
  keyValueMetadata: [string, string][];
  createdBy: string;
  /** Number of leaf columns; each gets TypeDefinedOrder so min/max use the type's natural order. */
  numLeafColumns: number;
}

function writeSchemaElement(w: CompactWriter, e: SchemaElement): void {
  w.structBeginBare();
  if (e.type !== undefined) w.i32(1, e.type);
  if (e.repetition !== undefined) w.i32(3, e.repetition);
  w.string(4, e.name);
  if (e.numChildren !== undefined) w.i32(5, e.numChildren);
  if (e.convertedType !== undefined) w.i32(6, e.convertedType);
  if (e.logicalType !== undefined) {
    w.structBegin(10);
    // union member: STRING = 1 (StringType), LIST = 3 (ListType); both are empty structs
    w.structBegin(e.logicalType === 'STRING' ? 1 : 3);
    w.structEnd();
    w.structEnd();
  }
  w.structEnd();
}

function writeStatistics(w: CompactWriter, id: number, s: Statistics): void {
  w.structBegin(id);
  // Fields 1/2 are the deprecated max/min; for signed integers their (signed) order is the
  // same as min_value/max_value, so writing both serves old and new readers.
  if (s.exact === undefined) {
    if (s.max !== undefined) w.binary(1, s.max);
    if (s.min !== undefined) w.binary(2, s.min);
  }
  w.i64(3, s.nullCount);
  if (s.max !== undefined) w.binary(5, s.max);
  if (s.min !== undefined) w.binary(6, s.min);
  if (s.exact !== undefined) {
    if (s.max !== undefined) w.bool(7, s.exact.max);
    if (s.min !== undefined) w.bool(8, s.exact.min);
  }
  w.structEnd();
}

function writeColumnMetaData(w: CompactWriter, m: ColumnMetaData): void {
  w.structBegin(3);
  w.i32(1, m.type);
  w.listBegin(2, CType.I32, m.encodings.length);
  for (const e of m.encodings) w.elemI32(e);
  w.listBegin(3, CType.Binary, m.pathInSchema.length);
  for (const p of m.pathInSchema) w.elemString(p);
  w.i32(4, m.codec);
  w.i64(5, m.numValues);
  w.i64(6, m.totalUncompressedSize);
  w.i64(7, m.totalCompressedSize);
  w.i64(9, m.dataPageOffset);
  if (m.dictionaryPageOffset !== undefined) w.i64(11, m.dictionaryPageOffset);
  writeStatistics(w, 12, m.statistics);
  w.structEnd();
}

function writeRowGroup(w: CompactWriter, rg: RowGroup): void {
  w.structBeginBare();
  w.listBegin(1, CType.Struct, rg.columns.length);
  for (const c of rg.columns) {
    w.structBeginBare();
    w.i64(2, c.fileOffset);
    writeColumnMetaData(w, c.meta);
    w.structEnd();
  }
  w.i64(2, rg.totalByteSize);
  w.i64(3, rg.numRows);
  w.i64(5, rg.fileOffset);
  w.i64(6, rg.totalCompressedSize);
  // ordinal is an i16: past 32767 row groups it is left out, as other writers do
  if (rg.ordinal <= 0x7fff) w.i16(7, rg.ordinal);
  w.structEnd();
}

/** Serialises the footer (without the trailing length and magic). */
export function encodeFileMetaData(md: FileMetaData): Buffer {
  const w = new CompactWriter(new ByteBuffer(16 * 1024));
  w.structBeginBare();
  w.i32(1, md.version);
  w.listBegin(2, CType.Struct, md.schema.length);
  for (const e of md.schema) writeSchemaElement(w, e);
  w.i64(3, md.numRows);
  w.listBegin(4, CType.Struct, md.rowGroups.length);
  for (const rg of md.rowGroups) writeRowGroup(w, rg);
  if (md.keyValueMetadata.length > 0) {
    w.listBegin(5, CType.Struct, md.keyValueMetadata.length);
    for (const [k, v] of md.keyValueMetadata) {
      w.structBeginBare();
      w.string(1, k);
      w.string(2, v);
      w.structEnd();
    }
  }
  w.string(6, md.createdBy);
  // column_orders: one ColumnOrder union per leaf, member 1 = TypeDefinedOrder (empty struct)
  w.listBegin(7, CType.Struct, md.numLeafColumns);
  for (let i = 0; i < md.numLeafColumns; i++) {
    w.structBeginBare();
    w.structBegin(1);
    w.structEnd();
    w.structEnd();
  }
  w.structEnd();
  return w.out.copy();
}

/** Serialises a data page (v1) or dictionary page header into `out` (appending). */
export function encodePageHeader(out: ByteBuffer, h: PageHeader): void {
  const w = new CompactWriter(out);
  w.structBeginBare();
  w.i32(1, h.type);
  w.i32(2, h.uncompressedSize);
  w.i32(3, h.compressedSize);
  if (h.dataPage !== undefined) {
    w.structBegin(5);
    w.i32(1, h.dataPage.numValues);
    w.i32(2, h.dataPage.encoding);
    w.i32(3, h.dataPage.defLevelEncoding);
    w.i32(4, h.dataPage.repLevelEncoding);
    w.structEnd();
  }
  if (h.dictionaryPage !== undefined) {
    w.structBegin(7);
    w.i32(1, h.dictionaryPage.numValues);
    w.i32(2, Encoding.PLAIN);
    w.structEnd();
  }
  w.structEnd();
}

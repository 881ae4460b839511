import { ByteBuffer } from './byte-buffer.js';
import type { ColumnData } from './column-batch.js';
import type { PageCompressor } from './compression.js';
import { buildDictionary, type Dictionary } from './dictionary.js';
import { plainBools, plainByteArrays, plainInts, plainIntsSkippingNulls, plainStrings } from './encoding.js';
import { LevelEncoder } from './levels.js';
import { Encoding, PageType, encodePageHeader, type Statistics } from './metadata.js';
import { boolStats, floatStats } from './number-stats.js';
import type { LeafColumn } from './schema.js';
import { stringStats } from './string-stats.js';

/** One column chunk, encoded and compressed, ready to be written. */
export interface EncodedChunk {
  /** Page header, page body, page header, page body, ... in file order. */
  buffers: Buffer[];
  numValues: number;
  totalUncompressedSize: number;
  totalCompressedSize: number;
  statistics: Statistics;
  encodings: Encoding[];
  /** Bytes of the leading dictionary page (header + body) when the chunk has one. */
  dictionaryPageBytes?: number;
}

function intStats(values: Int32Array, from: number, to: number, nullCount: number): Statistics {
  if (to <= from) return { nullCount };
  let min = values[from] ?? 0;
  let max = min;
  for (let i = from + 1; i < to; i++) {
    const v = values[i] ?? 0;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  const b = Buffer.allocUnsafe(8);
  b.writeInt32LE(min, 0);
  b.writeInt32LE(max, 4);
  return { nullCount, min: b.subarray(0, 4), max: b.subarray(4, 8) };
}

function intStatsWithNulls(values: Int32Array | BigInt64Array, nulls: Uint8Array | null, nullCount: number): Statistics {
  if (nulls === null && values instanceof Int32Array) return intStats(values, 0, values.length, nullCount);
  let min: number | bigint | undefined;
  let max: number | bigint | undefined;
  for (let i = 0; i < values.length; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const v = values[i] ?? 0;
    if (min === undefined || v < min) min = v;
    if (max === undefined || v > max) max = v;
  }
  if (min === undefined || max === undefined) return { nullCount };
  const width = values.BYTES_PER_ELEMENT;
  const b = Buffer.allocUnsafe(width * 2);
  if (typeof min === 'bigint' && typeof max === 'bigint') {
    b.writeBigInt64LE(min, 0);
    b.writeBigInt64LE(max, 8);
  } else {
    b.writeInt32LE(Number(min), 0);
    b.writeInt32LE(Number(max), 4);
  }
  return { nullCount, min: b.subarray(0, width), max: b.subarray(width) };
}

function decodeUtf8Rows(bytes: Uint8Array, offsets: Int32Array): string[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Array.from({ length: offsets.length - 1 }, (_, i) => b.toString('utf8', offsets[i], offsets[i + 1]));
}

/** Index of the first offset >= target in offsets[lo, hi] (offsets are non-decreasing). */
function lowerBound(offsets: Int32Array, lo: number, hi: number, target: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((offsets[mid] ?? 0) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Encodes a leaf column's values for one row group into data pages (v1, PLAIN values or,
 * for repetitive strings, a dictionary page and RLE_DICTIONARY indices; RLE/bit-packed levels). Pages are cut at row boundaries once about `pageBytes` of values
 * have been gathered, so readers can stream a chunk page by page. Scratch buffers are kept
 * between calls; the returned buffers are owned by the caller.
 */
export class ColumnChunkEncoder {
  // grown by doubling as pages need it, and kept: a shard of a small task, or a short column (id,
  // num_tokens), never needs the megabyte each buffer used to start with
  private readonly body = new ByteBuffer(64 * 1024);
  private readonly values = new ByteBuffer(64 * 1024);
  private readonly header = new ByteBuffer(256);
  private readonly rep: LevelEncoder | null;
  private readonly def: LevelEncoder | null;
  private chunk: EncodedChunk = ColumnChunkEncoder.emptyChunk();

  constructor(
    private readonly leaf: LeafColumn,
    private readonly compressor: PageCompressor,
    private readonly pageBytes: number,
  ) {
    this.rep = leaf.maxRep > 0 ? new LevelEncoder(leaf.maxRep) : null;
    this.def = leaf.maxDef > 0 ? new LevelEncoder(leaf.maxDef) : null;
  }

  private static emptyChunk(): EncodedChunk {
    return { buffers: [], numValues: 0, totalUncompressedSize: 0, totalCompressedSize: 0, statistics: { nullCount: 0 }, encodings: [] };
  }

  encode(data: ColumnData): EncodedChunk {
    this.chunk = ColumnChunkEncoder.emptyChunk();
    switch (data.kind) {
      case 'utf8-bytes': {
        if (this.leaf.spec.dictionary !== false || this.leaf.spec.minMax !== false) {
          // a dictionary and min/max compare strings: decode, and take the strings' path
          return this.encode({ kind: 'utf8', rows: data.rows, values: decodeUtf8Rows(data.bytes, data.offsets), nullCount: 0 });
        }
        this.encodeBytes(data.bytes, data.offsets, data.rows);
        this.chunk.statistics = { nullCount: 0 };
        break;
      }
      case 'utf8': {
        const dict = this.leaf.spec.dictionary === false ? undefined : buildDictionary(data.values);
        if (dict === undefined) this.encodeStrings(data.values, data.rows);
        else this.encodeDictionary(dict, data.rows);
        this.chunk.statistics = stringStats(data.values, data.nullCount, this.leaf.spec.minMax !== false);
        break;
      }
      case 'int32':
      case 'int64':
        this.encodeInts(data.values, data.nulls);
        this.chunk.statistics = intStatsWithNulls(data.values, data.nulls, data.nullCount);
        break;
      case 'float64':
        this.encodeInts(data.values, data.nulls);
        this.chunk.statistics = floatStats(data.values, data.nulls, data.nullCount);
        break;
      case 'bool':
        this.encodeBools(data.values, data.nulls);
        this.chunk.statistics = boolStats(data.values, data.nulls, data.nullCount);
        break;
      case 'list':
        this.encodeList(data.values, data.offsets, data.rows);
        break;
    }
    const encodings = [Encoding.PLAIN];
    if (this.rep !== null || this.def !== null) encodings.push(Encoding.RLE);
    if (this.chunk.dictionaryPageBytes !== undefined) encodings.push(Encoding.RLE_DICTIONARY);
    this.chunk.encodings = encodings;
    return this.chunk;
  }

  /** A PLAIN dictionary page, then data pages of RLE/bit-packed indices (nulls only in the levels). */
  private encodeDictionary(dict: Dictionary, rows: number): void {
    this.values.reset();
    plainStrings(dict.entries, 0, dict.entries.length, Infinity, this.values);
    this.emitPage(dict.entries.length, this.values.view(), PageType.DICTIONARY_PAGE);
    this.chunk.dictionaryPageBytes = this.chunk.totalCompressedSize;
    const indices = new LevelEncoder(dict.entries.length - 1, 1);
    // indices take at most 2 bytes each (MAX_ENTRIES); count 4 so pages stay near pageBytes before compression
    const perPage = Math.max(1, Math.floor(this.pageBytes / 4));
    for (let row = 0; row < rows; row += perPage) {
      const end = Math.min(rows, row + perPage);
      this.def?.reset();
      indices.reset();
      for (let i = row; i < end; i++) {
        const k = dict.indices[i] ?? -1;
        this.def?.push(k < 0 ? 0 : 1);
        if (k >= 0) indices.push(k);
      }
      this.values.reset();
      this.values.byte(indices.bitWidth);
      indices.finishBareTo(this.values);
      this.emitPage(end - row, this.values.view(), PageType.DATA_PAGE, Encoding.RLE_DICTIONARY);
    }
  }

  private encodeBools(values: Uint8Array, nulls: Uint8Array | null): void {
    const rows = values.length;
    const perPage = Math.max(8, this.pageBytes * 8);
    for (let row = 0; row < rows; row += perPage) {
      const end = Math.min(rows, row + perPage);
      this.values.reset();
      plainBools(values, nulls, row, end, this.values);
      if (this.def !== null) {
        this.def.reset();
        for (let i = row; i < end; i++) this.def.push(nulls !== null && nulls[i] === 1 ? 0 : 1);
      }
      this.emitPage(end - row, this.values.view());
    }
  }

  private encodeStrings(values: readonly (string | null)[], rows: number): void {
    this.encodeByteArrays(
      rows,
      (row) => plainStrings(values, row, rows, this.pageBytes, this.values),
      (i) => values[i] === null,
    );
  }

  private encodeBytes(bytes: Uint8Array, offsets: Int32Array, rows: number): void {
    this.encodeByteArrays(
      rows,
      (row) => plainByteArrays(bytes, offsets, row, rows, this.pageBytes, this.values),
      () => false,
    );
  }

  /** PLAIN pages of variable-length values: `fill(row)` encodes values from `row` on, about a page of them, and returns the row after. */
  private encodeByteArrays(rows: number, fill: (row: number) => number, isNull: (i: number) => boolean): void {
    let row = 0;
    while (row < rows) {
      this.values.reset();
      const end = fill(row);
      if (this.def !== null) {
        this.def.reset();
        for (let i = row; i < end; i++) this.def.push(isNull(i) ? 0 : 1);
      }
      this.emitPage(end - row, this.values.view());
      row = end;
    }
  }

  private encodeInts(values: Int32Array | BigInt64Array | Float64Array, nulls: Uint8Array | null): void {
    const rows = values.length;
    const perPage = Math.max(1, Math.floor(this.pageBytes / values.BYTES_PER_ELEMENT));
    for (let row = 0; row < rows; row += perPage) {
      const end = Math.min(rows, row + perPage);
      this.values.reset();
      if (nulls === null) {
        plainInts(values, row, end, this.values);
      } else {
        plainIntsSkippingNulls(values, nulls, row, end, this.values);
      }
      if (this.def !== null) {
        this.def.reset();
        for (let i = row; i < end; i++) this.def.push(nulls !== null && nulls[i] === 1 ? 0 : 1);
      }
      this.emitPage(end - row, this.values.view());
    }
  }

  private encodeList(values: Int32Array, offsets: Int32Array, rows: number): void {
    const rep = this.rep;
    const def = this.def;
    if (rep === null || def === null) throw new Error('list column without levels');
    const perPage = Math.max(1, Math.floor(this.pageBytes / 4));
    const maxDef = this.leaf.maxDef;
    let emptyRows = 0;
    let row = 0;
    while (row < rows) {
      const start = offsets[row] ?? 0;
      // first row whose start offset is a page's worth of values further on
      let end = lowerBound(offsets, row + 1, rows, start + perPage);
      if (end <= row) end = row + 1;
      rep.reset();
      def.reset();
      let levels = 0;
      for (let r = row; r < end; r++) {
        const n = (offsets[r + 1] ?? 0) - (offsets[r] ?? 0);
        rep.push(0);
        if (n === 0) {
          def.push(maxDef - 1);
          emptyRows++;
          levels++;
        } else {
          rep.push(1, n - 1);
          def.push(maxDef, n);
          levels += n;
        }
      }
      const valueEnd = offsets[end] ?? 0;
      this.values.reset();
      plainInts(values, start, valueEnd, this.values);
      this.emitPage(levels, this.values.view());
      row = end;
    }
    // Statistics describe the leaf: entries without a value (empty lists) count as nulls,
    // as parquet-java and Arrow count them.
    this.chunk.statistics = intStats(values, offsets[0] ?? 0, offsets[rows] ?? 0, emptyRows);
  }

  /** Assembles levels + values into a page body, compresses it and appends header and body. */
  private emitPage(numValues: number, valueBytes: Buffer, type = PageType.DATA_PAGE, encoding = Encoding.PLAIN): void {
    let body: Buffer;
    if (type === PageType.DICTIONARY_PAGE || (this.rep === null && this.def === null)) {
      body = valueBytes;
    } else {
      this.body.reset();
      this.rep?.finishTo(this.body);
      this.def?.finishTo(this.body);
      this.body.bytes(valueBytes);
      body = this.body.view();
    }
    const compressed = this.compressor.compress(body);
    this.header.reset();
    encodePageHeader(
      this.header,
      type === PageType.DICTIONARY_PAGE
        ? { type, uncompressedSize: body.length, compressedSize: compressed.length, dictionaryPage: { numValues } }
        : {
            type,
            uncompressedSize: body.length,
            compressedSize: compressed.length,
            dataPage: { numValues, encoding, defLevelEncoding: Encoding.RLE, repLevelEncoding: Encoding.RLE },
          },
    );
    const header = this.header.copy();
    const c = this.chunk;
    c.buffers.push(header, compressed);
    // ColumnMetaData.num_values counts the data pages' values; a dictionary's entries are not values of the column
    if (type !== PageType.DICTIONARY_PAGE) c.numValues += numValues;
    c.totalUncompressedSize += header.length + body.length;
    c.totalCompressedSize += header.length + compressed.length;
  }
}

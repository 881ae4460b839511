import { unlink } from 'node:fs/promises';
import { SluiceError } from '../../core/errors.js';
import { outputError } from '../../io/output-error.js';
import { arrowSchemaBase64 } from './arrow-schema.js';
import { leafValues, toColumnData, type ColumnBatch, type ColumnData } from './column-batch.js';
import { ColumnChunkEncoder } from './column-chunk.js';
import { createCompressor, type Compression } from './compression.js';
import { FileSink } from '../../io/file-sink.js';
import { encodeFileMetaData, type ColumnChunk, type CompressionCodec, type RowGroup } from './metadata.js';
import { buildSchema, type ColumnSpec, type ParquetSchema } from './schema.js';
import { SLUICE_VERSION } from './version.js';

export interface ParquetWriterOptions {
  compression: Compression;
  /** zstd: 1..22 (default 3); gzip: 1..9 (default 6); ignored otherwise. */
  compressionLevel?: number;
  /** Target uncompressed size of one data page's values (default 1 MiB). */
  pageBytes?: number;
  keyValueMetadata?: Record<string, string>;
  /** Sees every byte of the file, in order, as it is written (e.g. to hash it). */
  onWrite?: (chunk: Uint8Array) => void;
}

export interface ParquetWriteSummary {
  bytes: number;
  rows: number;
  rowGroups: number;
}

const MAGIC = Buffer.from('PAR1', 'ascii');
const DEFAULT_PAGE_BYTES = 1 << 20;
/** The form parquet-java and Arrow use, `<name> version <semver>`, which readers parse to judge a writer. */
export const CREATED_BY = `sluice version ${SLUICE_VERSION}`;

/**
 * Streams a Parquet file to disk one row group at a time: each writeRowGroup encodes and
 * compresses the batch's columns and writes them out, keeping only the footer metadata.
 * Memory is therefore bounded by one row group (its input plus its compressed pages).
 */
export class ParquetFileWriter {
  private readonly rowGroups: RowGroup[] = [];
  private readonly encoders: ColumnChunkEncoder[];
  private readonly codec: CompressionCodec;
  private rows = 0;
  /** Set while a row group is being written: calls must not overlap. */
  private busy = false;
  private state: 'open' | 'closed' | 'failed' = 'open';

  private constructor(
    readonly path: string,
    private readonly schema: ParquetSchema,
    private readonly sink: FileSink,
    private readonly opts: ParquetWriterOptions,
  ) {
    const compressor = createCompressor(opts.compression, opts.compressionLevel);
    this.codec = compressor.codec;
    const pageBytes = opts.pageBytes ?? DEFAULT_PAGE_BYTES;
    this.encoders = schema.leaves.map((leaf) => new ColumnChunkEncoder(leaf, compressor, pageBytes));
  }

  static async open(path: string, columns: ColumnSpec[], opts: ParquetWriterOptions): Promise<ParquetFileWriter> {
    const schema = buildSchema(columns);
    if (opts.pageBytes !== undefined && !(opts.pageBytes >= 1)) {
      throw new SluiceError('SLUICE_SHARD_INVALID', `pageBytes must be >= 1, got ${opts.pageBytes}`);
    }
    let sink: FileSink;
    try {
      sink = await FileSink.create(path, opts.onWrite);
    } catch (err) {
      throw outputError(path, err);
    }
    const writer = new ParquetFileWriter(path, schema, sink, opts);
    try {
      await writer.guard(() => sink.write([MAGIC]));
    } catch (err) {
      // the caller never gets this writer, so it cannot abort() it: remove the file here
      await writer.abort();
      throw err;
    }
    return writer;
  }

  /** Bytes handed to the file so far (including the leading magic). */
  get bytesWritten(): number {
    return this.sink.bytesWritten;
  }

  /**
   * Writes one row group from columnar data. A batch with zero rows writes nothing. Await
   * each call before the next one (or close()).
   */
  async writeRowGroup(batch: ColumnBatch): Promise<void> {
    this.assertOpen();
    this.busy = true;
    try {
      await this.writeColumns(this.validate(batch));
    } finally {
      this.busy = false;
    }
  }

  private async writeColumns(columns: ColumnData[]): Promise<void> {
    const numRows = columns[0]?.rows ?? 0;
    if (numRows === 0) return;
    const chunks: ColumnChunk[] = [];
    const rowGroupStart = this.sink.bytesWritten;
    let totalByteSize = 0;
    let totalCompressedSize = 0;
    let pending: Promise<void> | undefined;
    await this.guard(async () => {
      for (let i = 0; i < columns.length; i++) {
        const leaf = this.schema.leaves[i];
        const encoder = this.encoders[i];
        const data = columns[i];
        if (leaf === undefined || encoder === undefined || data === undefined) throw new Error('column index out of range');
        const enc = encoder.encode(data);
        // the previous chunk's write overlaps this chunk's compression
        if (pending !== undefined) await pending;
        const offset = this.sink.bytesWritten;
        const dictBytes = enc.dictionaryPageBytes;
        pending = this.sink.write(enc.buffers);
        // handled here so an encoder error below cannot leave it as an unhandled rejection
        pending.catch(() => undefined);
        chunks.push({
          fileOffset: offset,
          meta: {
            type: leaf.physicalType,
            encodings: enc.encodings,
            pathInSchema: leaf.path,
            codec: this.codec,
            numValues: enc.numValues,
            totalUncompressedSize: enc.totalUncompressedSize,
            totalCompressedSize: enc.totalCompressedSize,
            dataPageOffset: offset + (dictBytes ?? 0),
            ...(dictBytes === undefined ? {} : { dictionaryPageOffset: offset }),
            statistics: enc.statistics,
          },
        });
        totalByteSize += enc.totalUncompressedSize;
        totalCompressedSize += enc.totalCompressedSize;
      }
      if (pending !== undefined) await pending;
    });
    this.rowGroups.push({
      columns: chunks,
      totalByteSize,
      numRows,
      fileOffset: rowGroupStart,
      totalCompressedSize,
      ordinal: this.rowGroups.length,
    });
    this.rows += numRows;
  }

  /** Writes the footer and closes the file. */
  async close(): Promise<ParquetWriteSummary> {
    this.assertOpen();
    const footer = encodeFileMetaData({
      version: 2,
      schema: this.schema.elements,
      numRows: this.rows,
      rowGroups: this.rowGroups,
      // ARROW:schema first, as pyarrow writes it; callers' keys may not replace it
      keyValueMetadata: [['ARROW:schema', arrowSchemaBase64(this.schema.columns)], ...Object.entries(this.opts.keyValueMetadata ?? {}).filter(([k]) => k !== 'ARROW:schema')],
      createdBy: CREATED_BY,
      numLeafColumns: this.schema.leaves.length,
    });
    const len = Buffer.allocUnsafe(4);
    len.writeUInt32LE(footer.length, 0);
    await this.guard(async () => {
      await this.sink.write([footer, len, MAGIC]);
      await this.sink.close();
    });
    this.state = 'closed';
    return { bytes: this.sink.bytesWritten, rows: this.rows, rowGroups: this.rowGroups.length };
  }

  /** Flushes file contents to stable storage; call before close() when durability matters. */
  async sync(): Promise<void> {
    this.assertOpen();
    await this.guard(() => this.sink.sync());
  }

  /** Closes the descriptor without a footer and deletes the partial file. */
  async abort(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    await this.sink.close().catch(() => undefined);
    await unlink(this.path).catch(() => undefined);
  }

  private validate(batch: ColumnBatch): ColumnData[] {
    const names = new Set(this.schema.columns.map((c) => c.name));
    for (const key of Object.keys(batch)) {
      if (!names.has(key)) throw new SluiceError('SLUICE_SHARD_INVALID', `batch has column ${key} that is not in the schema`, { file: this.path });
    }
    const columns = this.schema.leaves.map((leaf) => toColumnData(leaf.spec, leafValues(batch, leaf.spec, leaf.parent)));
    const rows = columns[0]?.rows ?? 0;
    for (const c of columns) {
      if (c.rows !== rows) {
        throw new SluiceError('SLUICE_SHARD_INVALID', `columns of one row group have different row counts (${rows} and ${c.rows})`, {
          file: this.path,
        });
      }
    }
    return columns;
  }

  private assertOpen(): void {
    if (this.busy) {
      throw new SluiceError('SLUICE_INTERNAL', `Parquet writer for ${this.path} is already writing a row group`, { file: this.path });
    }
    if (this.state !== 'open') {
      throw new SluiceError('SLUICE_OUTPUT', `Parquet writer for ${this.path} is ${this.state}`, { file: this.path });
    }
  }

  /** Runs an I/O step; on failure the writer is unusable and the error says which file. */
  private async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      this.state = 'failed';
      throw outputError(this.path, err);
    }
  }
}

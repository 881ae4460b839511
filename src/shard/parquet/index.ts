export { ParquetFileWriter, CREATED_BY, type ParquetWriterOptions, type ParquetWriteSummary } from './file-writer.js';
export type { ColumnType, ColumnSpec, ScalarType } from './schema.js';
export type { ColumnBatch, ColumnValues, ListInt32, ScalarValues, StructValues, Utf8Bytes } from './column-batch.js';
export type { Compression } from './compression.js';

/**
 * Text documents from files, for the tokenizer CLI (encode, train): JSONL (plain, .gz, .zst)
 * through the jsonl reader, Parquet shards written by `sluice run` (their `text` column, one
 * row group at a time) through the parquet reader, and any other file as one document.
 */
import { stat } from 'node:fs/promises';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import { StatsRecorder } from '../core/stats.js';
import { openDecoded } from '../io/decompress.js';
import { localFile, stdinFile, type InputFile } from '../io/input.js';
import { jsonlReader } from '../readers/jsonl.js';
import { parquetReader } from '../readers/parquet.js';
import type { InvalidRecord, ReaderContext } from '../readers/reader.js';

export interface DocumentSourceOptions {
  textField?: string;
  idField?: string;
  /** A record the reader cannot read (bad JSON, missing text); default: throw SLUICE_BAD_RECORD. */
  onInvalid?: (file: string, record: InvalidRecord) => void;
}

function throwInvalid(file: string, r: InvalidRecord): never {
  throw new SluiceError('SLUICE_BAD_RECORD', `${file}:${r.record}: ${r.error}`, { file, record: r.record });
}

/** A reader context outside a run: there are no rejects, so bad records go to `onInvalid`. */
function cliReaderContext(file: InputFile, source: string, opts: DocumentSourceOptions): ReaderContext {
  const onInvalid = opts.onInvalid ?? throwInvalid;
  return {
    file,
    source,
    stats: new StatsRecorder().stage('read'),
    log: silentLogger,
    signal: new AbortController().signal,
    invalid: (r) => onInvalid(file.uri, r),
    skip() {},
  };
}

function jsonlDocuments(file: InputFile, opts: DocumentSourceOptions): AsyncIterable<Doc> {
  const params = jsonlReader.params.parse({ text_field: opts.textField ?? 'text', id_field: opts.idField ?? 'id' });
  return jsonlReader.read(file, params, cliReaderContext(file, 'jsonl', opts));
}

function parquetDocuments(file: InputFile, opts: DocumentSourceOptions): AsyncIterable<Doc> {
  const params = parquetReader.params.parse({ text_column: opts.textField ?? 'text', id_column: opts.idField ?? 'id' });
  return parquetReader.read(file, params, cliReaderContext(file, 'parquet', opts));
}

/** Documents from each path in order; '-' is stdin (JSONL). */
export async function* documentsFrom(paths: readonly string[], opts: DocumentSourceOptions = {}): AsyncIterable<Doc> {
  for (const path of paths) {
    if (path !== '-') {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) throw new SluiceError('SLUICE_INPUT_MISSING', `${path} is not a file`, { file: path });
    }
    if (path === '-') yield* jsonlDocuments(stdinFile(), opts);
    else if (/\.jsonl(\.gz|\.zst|\.zstd)?$|\.ndjson$/.test(path)) yield* jsonlDocuments(localFile(path), opts);
    else if (path.endsWith('.parquet')) yield* parquetDocuments(localFile(path), opts);
    else {
      const { bytes } = await openDecoded(localFile(path));
      const chunks: Buffer[] = [];
      for await (const c of bytes) chunks.push(Buffer.from(c));
      yield { id: path, text: Buffer.concat(chunks).toString('utf8'), source: 'file', meta: {} };
    }
  }
}

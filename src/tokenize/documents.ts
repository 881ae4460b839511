/**
 * Text documents from files, for the tokenizer CLI (encode, train): JSONL (plain, .gz, .zst)
 * through the jsonl reader, Parquet shards written by `sluice run` (their `text` column, one
 * row group at a time), and any other file as one document.
 */
import { stat } from 'node:fs/promises';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { silentLogger } from '../core/log.js';
import { StatsRecorder } from '../core/stats.js';
import { openDecoded } from '../io/decompress.js';
import { localFile, type InputFile } from '../io/input.js';
import { jsonlReader } from '../readers/jsonl.js';
import type { ReaderContext } from '../readers/reader.js';

export interface DocumentSourceOptions {
  textField?: string;
  idField?: string;
}

function stdinFile(): InputFile {
  return { uri: '-', isDirectory: false, open: () => process.stdin, size: async () => undefined };
}

async function* jsonlDocuments(file: InputFile, opts: DocumentSourceOptions): AsyncIterable<Doc> {
  const ctx: ReaderContext = {
    file,
    source: 'jsonl',
    stats: new StatsRecorder().stage('read'),
    log: silentLogger,
    signal: new AbortController().signal,
    invalid(r) {
      throw new SluiceError('SLUICE_BAD_RECORD', `${file.uri}:${r.record}: ${r.error}`, { file: file.uri, record: r.record });
    },
    skip() {},
  };
  const params = jsonlReader.params.parse({ text_field: opts.textField ?? 'text', id_field: opts.idField ?? 'id' });
  yield* jsonlReader.read(file, params, ctx);
}

async function* parquetDocuments(path: string, opts: DocumentSourceOptions): AsyncIterable<Doc> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const file = await asyncBufferFromFile(path);
  const meta = await parquetMetadataAsync(file);
  const textField = opts.textField ?? 'text';
  const idField = opts.idField ?? 'id';
  let rowStart = 0;
  for (const group of meta.row_groups) {
    const rowEnd = rowStart + Number(group.num_rows);
    const rows = (await parquetReadObjects({ file, metadata: meta, compressors, columns: [idField, textField], rowStart, rowEnd })) as Record<string, unknown>[];
    for (const [i, row] of rows.entries()) {
      const text = row[textField];
      if (typeof text !== 'string') throw new SluiceError('SLUICE_BAD_RECORD', `${path}: row ${rowStart + i} has no string column "${textField}"`, { file: path, record: rowStart + i });
      const id = row[idField];
      yield { id: typeof id === 'string' ? id : `${path}:${rowStart + i}`, text, source: 'parquet', meta: {} };
    }
    rowStart = rowEnd;
  }
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
    else if (path.endsWith('.parquet')) yield* parquetDocuments(path, opts);
    else {
      const { bytes } = await openDecoded(localFile(path));
      const chunks: Buffer[] = [];
      for await (const c of bytes) chunks.push(Buffer.from(c));
      yield { id: path, text: Buffer.concat(chunks).toString('utf8'), source: 'file', meta: {} };
    }
  }
}

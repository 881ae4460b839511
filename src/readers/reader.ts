import type { z } from 'zod';
import type { Doc, Meta } from '../core/doc.js';
import type { Logger } from '../core/log.js';
import type { RejectDetail } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import type { InputFile } from '../io/input.js';

/** A record the reader could not turn into a document: malformed, truncated, undecodable. */
export interface InvalidRecord {
  /** Stable id of the record: its own id if it had one, else `<file>:<line or offset>`. */
  id: string;
  reason: string;
  /** Where in the file: line number, byte offset or record id. */
  record: string | number;
  /** What went wrong, in words. */
  error: string;
  /** The raw record (truncated by the sink), so it can be inspected or repaired. */
  raw?: string;
}

/** A record the reader dropped by policy (deleted comment, redirect page, vendored file). */
export interface SkippedRecord {
  id: string;
  reason: string;
  text?: string;
  meta?: Meta;
  detail?: RejectDetail;
}

export interface ReaderContext {
  readonly file: InputFile;
  /** Source label documents from this input carry. */
  readonly source: string;
  readonly stats: StageRecorder;
  readonly log: Logger;
  readonly signal: AbortSignal;
  /** Counted as rejected and written to the rejects with file and record; in strict mode it fails the run. */
  invalid(record: InvalidRecord): void;
  /** Counted as rejected with its reason and written to the rejects. */
  skip(record: SkippedRecord): void;
}

export interface ReaderDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly summary: string;
  /** Source label when the input does not set `source:`. */
  readonly defaultSource: string;
  /** Zod object schema of the reader's own keys in `inputs[]` (besides reader, paths, source); strict. */
  readonly params: S;
  /** Whether `paths` may name directories (source trees) as well as files. */
  readonly acceptsDirectories?: boolean;
  /**
   * `lines`: one record per line and nothing carried between lines, so a large uncompressed local
   * file may be read as pieces in parallel (`runner.split_bytes`); the reader gets a `file` with
   * `piece` set and numbers lines from `piece.firstLine`.
   */
  readonly splittable?: 'lines';
  read(file: InputFile, params: z.output<S>, ctx: ReaderContext): AsyncIterable<Doc>;
}

/** Declares a reader; an identity helper that infers `params` in read from the zod schema. */
export function defineReader<S extends z.ZodType>(def: ReaderDefinition<S>): ReaderDefinition<S> {
  return def;
}

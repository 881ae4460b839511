import type { z } from '../vendor/zod.js';
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

/**
 * `lines`: one record per line and nothing carried between lines; an uncompressed file is cut at
 * line starts, and the reader gets a `file` with a `lines` piece and numbers lines from
 * `piece.firstLine`; a multi-frame zstd file is cut at frame starts, and the reader gets a
 * `zstd-lines` piece whose `openDecoded` bytes are exactly the piece's lines. `bz2-streams`: the reader can read a piece of concatenated bzip2 streams
 * (a multistream file) cut at stream starts; it gets a `file` with a `bz2-streams` piece whose
 * bytes decode as bzip2, and `whole` to read what it needs from the rest of the file.
 */
export type SplitKind = 'lines' | 'bz2-streams';

export interface ReaderDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly summary: string;
  /** Source label when the input does not set `source:`. */
  readonly defaultSource: string;
  /** Zod object schema of the reader's own keys in `inputs[]` (besides reader, paths, source); strict. */
  readonly params: S;
  /** Whether `paths` may name directories (source trees) as well as files. */
  readonly acceptsDirectories?: boolean;
  /** How a large local file may be read as pieces in parallel (`runner.split_bytes`); see SplitKind. */
  readonly splittable?: SplitKind;
  read(file: InputFile, params: z.output<S>, ctx: ReaderContext): AsyncIterable<Doc>;
}

/** Declares a reader; an identity helper that infers `params` in read from the zod schema. */
export function defineReader<S extends z.ZodType>(def: ReaderDefinition<S>): ReaderDefinition<S> {
  return def;
}

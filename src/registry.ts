/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file only maps names to definitions.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
import { codeReader } from './readers/code.js';
import { jsonlReader } from './readers/jsonl.js';
import { warcReader } from './readers/warc.js';
import { wetReader } from './readers/wet.js';
import { lengthFilter } from './filters/length.js';

export const readers: Readonly<Record<string, ReaderDefinition>> = {
  jsonl: jsonlReader,
  warc: warcReader,
  wet: wetReader,
  code: codeReader,
};

export const stages: Readonly<Record<string, StageDefinition>> = {
  length: lengthFilter,
};

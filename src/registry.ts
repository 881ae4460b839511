/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file only maps names to definitions.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
import { jsonlReader } from './readers/jsonl.js';
import { lengthFilter } from './filters/length.js';
import { tokenizeStage } from './tokenize/stage.js';

export const readers: Readonly<Record<string, ReaderDefinition>> = {
  jsonl: jsonlReader,
};

export const stages: Readonly<Record<string, StageDefinition>> = {
  length: lengthFilter,
  tokenize: tokenizeStage,
};

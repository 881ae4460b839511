/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file only maps names to definitions.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
import { jsonlReader } from './readers/jsonl.js';
import { c4Filter } from './filters/c4.js';
import { c4BadwordsFilter } from './filters/c4-badwords.js';
import { codeQualityFilter } from './filters/code-quality.js';
import { finewebFilter } from './filters/fineweb.js';
import { gopherQualityFilter } from './filters/gopher-quality.js';
import { gopherRepetitionFilter } from './filters/gopher-repetition.js';
import { languageFilter } from './filters/language.js';
import { lengthFilter } from './filters/length.js';
import { urlBlocklistFilter } from './filters/url-blocklist.js';

export const readers: Readonly<Record<string, ReaderDefinition>> = {
  jsonl: jsonlReader,
};

export const stages: Readonly<Record<string, StageDefinition>> = {
  length: lengthFilter,
  language: languageFilter,
  gopher_quality: gopherQualityFilter,
  gopher_repetition: gopherRepetitionFilter,
  c4: c4Filter,
  c4_badwords: c4BadwordsFilter,
  fineweb: finewebFilter,
  code_quality: codeQualityFilter,
  url_blocklist: urlBlocklistFilter,
};

/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file only maps names to definitions.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
// side effects: bzip2 inputs decode through lbzip2 / bzip2 / unbzip2-stream, zstd through the zstd
// command, and http(s) paths open as remote inputs; every command that resolves inputs loads this file
import './io/bzip2.js';
import './io/zstd-cli.js';
import './io/remote-inputs.js';
import { booksReader } from './readers/books.js';
import { codeReader } from './readers/code.js';
import { jsonlReader } from './readers/jsonl.js';
import { parquetReader } from './readers/parquet.js';
import { redditReader } from './readers/reddit.js';
import { warcReader } from './readers/warc.js';
import { wetReader } from './readers/wet.js';
import { wikipediaReader } from './readers/wikipedia.js';
import { redactStage } from './redact/redact.js';
import { c4Filter } from './filters/c4.js';
import { c4BadwordsFilter } from './filters/c4-badwords.js';
import { codeQualityFilter } from './filters/code-quality.js';
import { finewebFilter } from './filters/fineweb.js';
import { gopherQualityFilter } from './filters/gopher-quality.js';
import { gopherRepetitionFilter } from './filters/gopher-repetition.js';
import { languageFilter } from './filters/language.js';
import { lengthFilter } from './filters/length.js';
import { tokenizeStage } from './tokenize/stage.js';
import { urlBlocklistFilter } from './filters/url-blocklist.js';
import { exactDedupStage } from './dedup/exact.js';
import { minhashDedupStage } from './dedup/minhash/stage.js';

export const readers: Readonly<Record<string, ReaderDefinition>> = {
  books: booksReader,
  jsonl: jsonlReader,
  parquet: parquetReader,
  reddit: redditReader,
  wikipedia: wikipediaReader,
  warc: warcReader,
  wet: wetReader,
  code: codeReader,
};

export const stages: Readonly<Record<string, StageDefinition>> = {
  length: lengthFilter,
  tokenize: tokenizeStage,
  redact: redactStage,
  language: languageFilter,
  gopher_quality: gopherQualityFilter,
  gopher_repetition: gopherRepetitionFilter,
  c4: c4Filter,
  c4_badwords: c4BadwordsFilter,
  fineweb: finewebFilter,
  code_quality: codeQualityFilter,
  url_blocklist: urlBlocklistFilter,
  exact_dedup: exactDedupStage,
  minhash_dedup: minhashDedupStage,
};

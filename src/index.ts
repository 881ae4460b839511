/**
 * sluice as a library: run pipelines, load them from YAML or from objects, and write your own
 * stages, filters and readers (as plugins a pipeline names in `plugins:`, see
 * src/plugins/README.md). The token dataloader is the separate entry point `sluice/loader`.
 * Everything not exported here is internal and may change without notice.
 */

// ---- running -------------------------------------------------------------------------------

/**
 * Runs a pipeline to completion (or one task of it, with `rank`/`world`): locally with `workers`
 * processes, or on Slurm. The pipeline is a file (`pipelineFile`) or an object (`pipeline`, with
 * `baseDir`); workers load it themselves, plugins included. Slurm's array tasks need a file:
 * write an object with writePipelineFile first.
 */
export { runPipeline } from './runner/run.js';
/** Options of runPipeline: the pipeline (file or object), output directory, workers, executor, logger, abort signal. */
export type { RunOptions } from './runner/run.js';
/** What runPipeline returns: the prepared run and, once every task is done, the final report (stats and manifest). */
export type { RunResult } from './runner/run.js';

// ---- loading pipelines ---------------------------------------------------------------------

/** Reads, parses and validates a pipeline YAML file, loading the plugins it lists first. */
export { loadPipeline } from './config/load.js';
/** Validates a pipeline given as a plain object (the YAML's content as data), plugins and relative paths resolved from `baseDir`. */
export { loadPipelineObject } from './config/load.js';
/** Validates a pipeline object and writes it as YAML (what the Slurm executor's array tasks load). */
export { writePipelineFile } from './config/load.js';
/** A loaded pipeline: validated config, absolute file path, text and loaded plugins. */
export type { LoadedPipeline } from './config/load.js';
/** Options of loadPipelineObject: `baseDir` for relative paths and `label` for messages. */
export type { PipelineObjectOptions } from './config/load.js';
/** A validated pipeline: name, plugins, inputs (with each reader's params), stages (with params and instance ids), output, runner, executor. */
export type { PipelineConfig, InputConfig, StageConfig, OutputConfig, RunnerConfig } from './config/schema.js';

// ---- writing stages, filters and readers ---------------------------------------------------

/** Declares a stage: name, summary, strict zod params, and build(params, env) returning a stream stage or a barrier. */
export { defineStage } from './core/stage.js';
/** Declares a filter: a stage built from a per-document function that keeps (returns undefined) or drops (returns drop(reason)). */
export { defineFilter } from './core/stage.js';
/** A filter's verdict to reject a document with a reason (counted in stats, written to rejects/<stage>/) and optional detail. */
export { drop } from './core/stage.js';
/** Declares a reader: name, summary, default source label, strict zod params, and read(file, params, ctx) yielding documents. */
export { defineReader } from './readers/reader.js';
/** Types of the stage contract: definitions, the context a stage runs with, its build environment, barriers and their global steps. */
export type { StageDefinition, Stage, StageContext, BuildEnv, BuiltStage, Barrier, RemovedDocs, GlobalStep, StepContext, Drop, FilterFn, RejectDetail, ManifestFacts } from './core/stage.js';
/** Types of the reader contract: its definition, the context it reads with, and the records it reports as invalid or skipped. */
export type { ReaderDefinition, ReaderContext, InvalidRecord, SkippedRecord } from './readers/reader.js';
/** An input as a reader sees it: its uri, local path if any, and a byte stream from an offset. */
export type { InputFile } from './io/input.js';
/** Opens an input and undoes its compression (gzip, zstd, bzip2 detected from the bytes): the helper built-in readers use. */
export { openDecoded } from './io/decompress.js';
/** The document every stage sees (id, text, source, meta, tokens once tokenized) and its JSON metadata types. */
export type { Doc, Meta, JsonValue } from './core/doc.js';
/** The handle a stage counts through: count(counter), modified(), histogram(name, bucket). */
export type { StageRecorder } from './core/stats.js';
/** The leveled logger stages and readers get in their context (`debug`, `info`, `warn`, `error`, `child`). */
export type { Logger, LogLevel } from './core/log.js';
/** Makes a logger writing to stderr; `silentLogger` discards everything. */
export { createLogger, silentLogger } from './core/log.js';
/** The zod sluice validates params with; use it for plugin params so schemas and sluice agree on one zod. */
export { z } from './vendor/zod.js';

// ---- errors ----------------------------------------------------------------------------------

/** Every error sluice raises on purpose: a stable `code`, a message with the values involved, and a `hint`. */
export { SluiceError } from './core/errors.js';
/** The codes a SluiceError carries. */
export type { ErrorCode, ErrorDetails } from './core/errors.js';

// ---- tokenizer -------------------------------------------------------------------------------

/** Loads a tokenizer (a standard name such as cl100k_base, a trained tokenizer's folder, a tokenizer.json or a .tiktoken file), cached per process. */
export { loadTokenizer } from './tokenize/load.js';
/** A loaded byte-level BPE tokenizer: encode, encodeOrdinary, decode, size, name, sha256. */
export { Tokenizer } from './tokenize/tokenizer.js';
/** What loadTokenizer accepts, and encode's special-token options. */
export type { TokenizerSpec } from './tokenize/load.js';
/** Options of Tokenizer.encode: which special tokens are allowed or disallowed in the text. */
export type { EncodeOptions } from './tokenize/tokenizer.js';

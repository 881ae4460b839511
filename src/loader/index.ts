/**
 * `sluice/loader`: the token dataloader over a tokenized sluice output (FORMAT.md). Open a
 * dataset with TokenLoader.open(dir, options) and iterate batches; state() and resume() make
 * training restartable. Everything not exported here is internal.
 */

/** The dataloader: packs documents into sequences of seqLen + 1 tokens, B per batch, per rank; resumable from state(). */
export { TokenLoader, DEFAULT_SHUFFLE_BUFFER } from './loader.js';
/** TokenLoader options (seqLen, batch, rank, world, seed, shuffleBuffer, mixture, docMask) and the batches it returns. */
export type { LoaderOptions, Batch } from './loader.js';
/** A validated token dataset (manifest, shards and tokenizer checked), and per-document token access. */
export { TokenDataset } from './dataset.js';
/** Options of opening a dataset: how shards are verified, and the tokenizer the trainer expects. */
export type { OpenDatasetOptions, DatasetSources } from './dataset.js';
/** Reads and checks a dataset's manifest.json. */
export { readDatasetManifest } from './manifest.js';
/** A dataset's manifest as the loader reads it, its shards, and the tokenizer facts it records. */
export type { DatasetManifest, DatasetShard, TokenizerFacts } from './manifest.js';
/** Parses a mixture spec such as `web=0.7,books=0.3` into sampling weights per source. */
export { parseMixture } from './mixture.js';
/** Sampling weights per source. */
export type { Mixture } from './mixture.js';
/** Parses and checks a saved loader state (JSON text or object) for resume(). */
export { parseState } from './state.js';
/** Where a loader stands: a few integers, identical in TypeScript and Python. */
export type { LoaderState } from './state.js';

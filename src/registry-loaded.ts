/**
 * Every built-in reader and stage loaded (a top-level await), for code that lists them all or
 * looks them up without loading a pipeline first: `sluice list`, `sluice schema`, tests and
 * benchmarks. A run loads only what its pipeline names (registry.ts).
 */
import { loadBuiltins } from './registry.js';

await loadBuiltins();

export { readerRegistry, readers, stageRegistry, stages } from './registry.js';

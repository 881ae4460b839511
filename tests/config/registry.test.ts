/**
 * Built-in readers and stages load when a pipeline names them: a filters-only pipeline imports no
 * tokenizer, dedup or warc reader, yet every name stays known to validation, hints and plugin
 * clash checks. (Test files run in their own process, so nothing here was loaded before.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';
import { loadBuiltins, readers, readerRegistry, stageRegistry, stages } from '../../src/registry.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';

describe('the registry', () => {
  it('loads the built-ins a pipeline names, and only those', async () => {
    expect(stages['c4']).toBeUndefined();
    expect(stageRegistry.names()).toContain('tokenize');
    const dir = tempDir();
    const file = writePipeline(dir, `name: lazy\ninputs:\n  - reader: jsonl\n    paths: ["${join(dir, 'x.jsonl')}"]\nstages:\n  - c4: {}\n  - length: {min_chars: 5}\noutput:\n  dir: ${dir}/out\n`);
    const { config } = await loadPipeline(file);
    expect(config.stages.map((s) => s.stage)).toEqual(['c4', 'length']);
    expect(stages['c4']?.name).toBe('c4');
    expect(readers['jsonl']?.name).toBe('jsonl');
    for (const name of ['tokenize', 'minhash_dedup', 'classifier']) expect(stages[name]).toBeUndefined();
    expect(readers['warc']).toBeUndefined();
    // a lookup that skipped loading is a bug in sluice, said as such
    expect(() => stageRegistry.get('tokenize')).toThrow(SluiceError);
    expect(() => stageRegistry.entries()).toThrow(/before every built-in was loaded/);
  });

  it('suggests a built-in that is not loaded for a misspelt name', async () => {
    const dir = tempDir();
    const file = writePipeline(dir, `name: typo\ninputs:\n  - reader: jsonl\n    paths: ["${join(dir, 'x.jsonl')}"]\nstages:\n  - tokenise: {}\noutput:\n  dir: ${dir}/out\n`);
    await expect(loadPipeline(file)).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && /tokenize/.test(`${e.message} ${e.hint ?? ''}`));
  });

  it('lists every built-in in its order once all are loaded', async () => {
    await loadBuiltins();
    expect(stageRegistry.entries().map((e) => e.def.name)).toEqual(stageRegistry.names());
    expect(readerRegistry.entries().map((e) => e.def.name)).toEqual(readerRegistry.names());
    expect(stageRegistry.names().slice(0, 3)).toEqual(['length', 'tokenize', 'redact']);
  });
});

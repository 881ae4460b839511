/** A stage whose min exceeds its max would drop every document; the loader refuses it. */
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';

const pipeline = (stages: string): string => `name: bounds
inputs:
  - reader: jsonl
    paths: ["data/*.jsonl"]
stages:
${stages}
output:
  dir: out/bounds
`;

async function loadError(stages: string): Promise<{ file: string; err: SluiceError }> {
  const file = writePipeline(tempDir(), pipeline(stages));
  const err = await loadPipeline(file).then(
    () => {
      throw new Error('expected the pipeline to be rejected');
    },
    (e: unknown) => e,
  );
  if (!(err instanceof SluiceError)) throw err;
  return { file, err };
}

describe('min/max pairs in stage params', () => {
  it('refuses length min_chars > max_chars with file:line:col, YAML path and both values', async () => {
    const { file, err } = await loadError('  - length: {min_chars: 500, max_chars: 100}');
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.path).toBe('stages[0].length.min_chars');
    expect(err.message).toContain(`${file}:6:25: stages[0].length.min_chars: min_chars (500) is greater than max_chars (100), so every document would be dropped (got 500)`);
  });

  it('refuses length min_words > max_words, each crossed pair reported', async () => {
    const { err } = await loadError('  - length: {min_chars: 9, max_chars: 3, min_words: 10, max_words: 2}');
    expect(err.message).toContain('(2 problems)');
    expect(err.message).toContain('stages[0].length.min_chars: min_chars (9) is greater than max_chars (3)');
    expect(err.message).toContain('stages[0].length.min_words: min_words (10) is greater than max_words (2)');
  });

  it('refuses gopher_quality bounds crossed against a default, and in a per_language override', async () => {
    const { file, err } = await loadError(`  - gopher_quality:
      max_doc_words: 20
      per_language:
        de: {min_avg_word_length: 4, max_avg_word_length: 2}`);
    expect(err.message).toContain('(2 problems)');
    expect(err.message).toContain(
      `${file}:7:7: stages[0].gopher_quality.min_doc_words: min_doc_words (50) is greater than max_doc_words (20), so every document would be dropped (not set: the default applies)`,
    );
    expect(err.message).toContain(`${file}:9:35: stages[0].gopher_quality.per_language.de.min_avg_word_length: min_avg_word_length (4) is greater than max_avg_word_length (2)`);
  });

  it('accepts equal bounds, unset bounds and bounds switched off with null', async () => {
    const file = writePipeline(
      tempDir(),
      pipeline(`  - length: {min_chars: 100, max_chars: 100, min_words: 3}
  - gopher_quality: {min_doc_words: 500, max_doc_words: null}`),
    );
    const { config } = await loadPipeline(file);
    expect(config.stages.map((s) => s.params)).toMatchObject([
      { min_chars: 100, max_chars: 100, min_words: 3 },
      { min_doc_words: 500, max_doc_words: null },
    ]);
  });
});

/** Reader params that are byte counts take the byte-size syntax of `output.shard_bytes`. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';
import { localFile } from '../../src/io/input.js';
import { jsonlReader } from '../../src/readers/jsonl.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { runReader } from '../helpers/harness.js';

const pipeline = (input: string): string => `name: sizes
inputs:
  - reader: jsonl
    paths: ["data/*.jsonl"]
${input}
output:
  dir: out/sizes
  shard_bytes: 1MiB
`;

describe('byte-size reader params', () => {
  it('accepts units in max_line_bytes (jsonl, reddit), max_book_bytes and max_page_bytes, as in shard_bytes', async () => {
    const dir = tempDir();
    const file = writePipeline(
      dir,
      pipeline(`    max_line_bytes: 1MiB
  - reader: reddit
    paths: ["RC_*.zst"]
    max_line_bytes: 2 MB
  - reader: books
    paths: ["*.txt"]
    max_book_bytes: 1.5GiB
  - reader: wikipedia
    paths: ["*.xml.bz2"]
    max_page_bytes: 4096`),
    );
    const { config } = await loadPipeline(file);
    expect(config.output.shard_bytes).toBe(1024 * 1024);
    expect(config.inputs.map((i) => i.params['max_line_bytes'] ?? i.params['max_book_bytes'] ?? i.params['max_page_bytes'])).toEqual([1024 * 1024, 2_000_000, 1.5 * 1024 ** 3, 4096]);
  });

  it('still fills the defaults, as byte counts', async () => {
    const { config } = await loadPipeline(writePipeline(tempDir(), pipeline('').replace('  shard_bytes: 1MiB\n', '')));
    expect(config.inputs[0]!.params['max_line_bytes']).toBe(256 * 1024 * 1024);
    expect(config.output.shard_bytes).toBe(256 * 1024 * 1024);
    expect(config.output.row_group_bytes).toBe(64 * 1024 * 1024);
  });

  it('rejects a value that is not a byte size with the YAML path, its line and the value', async () => {
    const file = writePipeline(tempDir(), pipeline('    max_line_bytes: 1 parsec'));
    const err = await loadPipeline(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('SLUICE_CONFIG_INVALID');
    expect((err as SluiceError).message).toContain(`${file}:5:21: inputs[0].max_line_bytes: "1 parsec" is not a byte size`);
    expect((err as SluiceError).message).toContain('(got "1 parsec")');
  });

  it('holds lines to a max_line_bytes given with a unit', async () => {
    const path = join(tempDir(), 'long.jsonl');
    writeFileSync(path, [JSON.stringify({ id: 'short', text: 'fits' }), JSON.stringify({ id: 'long', text: 'x'.repeat(2000) }), JSON.stringify({ id: 'after', text: 'fits too' })].join('\n'));
    const r = await runReader(jsonlReader, localFile(path), { max_line_bytes: '1KiB' });
    expect(r.docs.map((d) => d.id)).toEqual(['short', 'after']);
    expect(r.invalid).toMatchObject([{ reason: 'line_too_long', record: 2, error: 'line of 2023 bytes exceeds max_line_bytes=1024' }]);
  });
});

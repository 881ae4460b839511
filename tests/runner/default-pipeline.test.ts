import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatsFile } from '../../src/runner/finalize.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

describe('make run: pipelines/default.yaml over sample-corpora', () => {
  it('balances its ledger and leaves shards that an independent reader reads back as the manifest says', async () => {
    const out = join(tempDir(), 'default');
    const r = sluice(['run', 'pipelines/default.yaml', '--out', out], { cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ledger \(default\): \d+ in = \d+ kept \+ \d+ rejected \+ \d+ duplicates {2}\[balanced\]/);

    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    const l = stats.ledger;
    expect(l.balanced).toBe(true);
    expect(l.docs_in).toBe(l.kept + l.rejected + l.duplicates);
    expect(l.duplicates).toBeGreaterThan(0);
    expect(Object.keys(stats.sources).sort()).toEqual(['books', 'code', 'reddit', 'web', 'wikipedia']);

    const manifest = readManifest(out);
    expect(manifest.rows).toBe(l.kept);
    expect(manifest['tokenizer']).toMatchObject({ name: 'cl100k_base', vocab_size: 100277 });
    const rows = await readDataset(out, ['id', 'source', 'input_ids', 'num_tokens']); // checks rows and sha256 per shard
    expect(rows.length).toBe(manifest.rows);
    const tokens = rows.reduce((s, row) => s + (row['input_ids'] as number[]).length, 0);
    expect(tokens).toBe(manifest.tokens);
    expect(rows.every((row) => (row['input_ids'] as number[]).length === row['num_tokens'])).toBe(true);
  });
});

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StatsFile } from '../../src/runner/finalize.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

/**
 * The shards' checksums of the default pipeline, recorded before the throughput work of issue
 * 15 (spills, input pieces, lazy loading) and checked on every run since: changes that only
 * make sluice faster must leave the output byte-identical. A change that means to alter the
 * output rewrites the file with SLUICE_UPDATE_GOLDEN=1, and the diff shows it in review.
 */
const GOLDEN = join(ROOT, 'tests', 'golden', 'default-pipeline-shards.json');

interface ShardSum {
  path: string;
  rows: number;
  sha256: string;
}

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
    expect(Object.keys(stats.sources).sort()).toEqual(['books', 'code', 'reddit', 'reddit_links', 'stackexchange', 'web', 'wikipedia']);

    const manifest = readManifest(out);
    expect(manifest.rows).toBe(l.kept);
    expect(manifest['tokenizer']).toMatchObject({ name: 'cl100k_base', vocab_size: 100277 });
    const rows = await readDataset(out, ['id', 'source', 'input_ids', 'num_tokens']); // checks rows and sha256 per shard
    expect(rows.length).toBe(manifest.rows);
    const tokens = rows.reduce((s, row) => s + (row['input_ids'] as number[]).length, 0);
    expect(tokens).toBe(manifest.tokens);
    expect(rows.every((row) => (row['input_ids'] as number[]).length === row['num_tokens'])).toBe(true);

    const sums: ShardSum[] = manifest.shards.map((s) => ({ path: s.path, rows: s.rows, sha256: s.sha256 }));
    if (process.env['SLUICE_UPDATE_GOLDEN'] === '1') writeFileSync(GOLDEN, JSON.stringify(sums, null, 2) + '\n');
    expect(existsSync(GOLDEN), `${GOLDEN} is missing; create it with SLUICE_UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(sums).toEqual(JSON.parse(readFileSync(GOLDEN, 'utf8')) as ShardSum[]);
  });
});

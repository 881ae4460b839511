/**
 * Both dedup stages through the real runner: read JSONL, spill between phases, run the global
 * steps as phases, write Parquet shards, rejects and stats. With one task in-process
 * (streaming) and as three tasks in worker processes (scale-out); both must keep exactly the
 * same documents.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyCorpus } from '../corpora/dedup-families.js';
import { silentLogger } from '../../src/core/log.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { RejectRecord } from '../../src/runner/rejects.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

function writeCorpus(dir: string): number {
  const gen = familyCorpus({ families: 40, rates: [0, 0.01, 0.02, 0.3], unrelated: 60, words: 150, seed: 21 });
  const lines = gen.map((d) => ({ id: d.id, text: d.text }));
  // exact duplicates that differ only in case and punctuation
  for (let i = 0; i < 30; i++) lines.push({ id: `shout-${i}`, text: `${gen[i]!.text.toUpperCase()}!!!` });
  lines.push({ id: 'empty-1', text: '' }, { id: 'empty-2', text: '' }, { id: 'one-word', text: 'hello' });
  for (let f = 0; f < 3; f++) {
    const part = lines.filter((_, i) => i % 3 === f);
    writeFileSync(join(dir, `part-${f}.jsonl`), part.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }
  return lines.length;
}

function pipeline(dir: string, out: string, stages: string, tasks?: number): string {
  return writePipeline(
    dir,
    `name: dedup-e2e
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl"]
stages:
${stages}
output:
  dir: ${out}
${tasks === undefined ? '' : `runner:\n  tasks: ${tasks}\n`}`,
    `${out.split('/').pop()}.yaml`,
  );
}

async function rejects(out: string): Promise<RejectRecord[]> {
  const all: RejectRecord[] = [];
  for (const stage of readdirSync(join(out, 'rejects'))) {
    for (const f of readdirSync(join(out, 'rejects', stage))) for await (const r of readJsonl<RejectRecord>(join(out, 'rejects', stage, f))) all.push(r);
  }
  return all;
}

const decisions = (rs: RejectRecord[]): string[] => rs.map((r) => `${r.stage} ${r.id} ${r.reason} -> ${String(r.detail?.['kept_id'])} @ ${String(r.detail?.['similarity'] ?? 1)}`).sort();

describe('dedup stages in the runner', () => {
  const dir = tempDir('sluice-dedup-e2e-');
  const total = writeCorpus(dir);
  const STAGES = '  - exact_dedup: {}\n  - minhash_dedup: {}\n';

  it('one task in-process (streaming) and three tasks in worker processes (scale-out) keep the same documents', async () => {
    const one = join(dir, 'out-one');
    await runPipeline({ pipelineFile: pipeline(dir, one, STAGES, 1), workers: 1, log: silentLogger });
    const three = join(dir, 'out-three');
    await runPipeline({ pipelineFile: pipeline(dir, three, STAGES), world: 3, workers: 2, log: silentLogger });

    const results = [];
    for (const out of [one, three]) {
      const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
      expect(stats.ledger.docs_in).toBe(total);
      expect(stats.ledger.balanced).toBe(true);
      expect(stats.ledger.rejected).toBe(0);
      const rs = await rejects(out);
      expect(rs.length).toBe(stats.ledger.duplicates);
      expect(rs.every((r) => r.kind === 'duplicate')).toBe(true);
      const exact = rs.filter((r) => r.stage === 'exact_dedup');
      const near = rs.filter((r) => r.stage === 'minhash_dedup');
      expect(exact.length).toBeGreaterThanOrEqual(71); // 40 rate-0 copies, 30 shouted copies, 1 empty
      expect(exact.every((r) => r.reason === 'exact_duplicate')).toBe(true);
      expect(near.length).toBeGreaterThan(40);
      expect(near.every((r) => r.reason === 'minhash_duplicate' && typeof r.detail?.['similarity'] === 'number')).toBe(true);
      expect(stats.stages['exact_dedup']!.duplicates).toBe(exact.length);
      expect(stats.stages['minhash_dedup']!.duplicates).toBe(near.length);
      expect(Object.keys(stats.histograms)).toEqual(expect.arrayContaining(['exact_cluster_size', 'minhash_cluster_size']));
      const kept = (await readDataset(out, ['id'])).map((r) => String(r['id'])).sort();
      expect(kept.length).toBe(stats.ledger.kept);
      expect(kept).toContain('one-word');
      const manifest = readManifest(out) as unknown as Record<string, unknown>;
      expect(manifest['minhash_dedup']).toMatchObject({ bands: 14, rows: 8 });
      results.push({ kept, decisions: decisions(rs), mode: (manifest['minhash_dedup'] as Record<string, unknown>)['mode'] });
    }
    expect(results.map((r) => r.mode)).toEqual(['streaming', 'scale_out']);
    expect(results[1]!.kept).toEqual(results[0]!.kept);
    expect(results[1]!.decisions).toEqual(results[0]!.decisions);
  });

  it('two minhash stages in one pipeline keep their files apart', async () => {
    const out = join(dir, 'out-twice');
    // scratch kept: a finished run removes .sluice/work by default
    await runPipeline({ pipelineFile: pipeline(dir, out, '  - minhash_dedup: {}\n  - minhash_dedup: {shingle: char, ngram: 9}\n', 2), workers: 1, keepScratch: true, log: silentLogger });
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
    expect(stats.ledger.balanced).toBe(true);
    expect(stats.stages['minhash_dedup']!.duplicates).toBeGreaterThan(40);
    expect(stats.stages['minhash_dedup#2']).toBeDefined();
    expect(readdirSync(join(out, '.sluice', 'work')).sort()).toEqual(['minhash_dedup', 'minhash_dedup_2']);
  });
});

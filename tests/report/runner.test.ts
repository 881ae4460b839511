/**
 * Report data collected by real runs: merged across tasks, phases and a resume exactly as the
 * stats are, the same whatever the task split, and consistent with stats.json.
 */
import { existsSync, readFileSync, rmSync, unlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import type { ReportData } from '../../src/report/collect.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

function pipeline(dir: string, out: string, tasks: number): string {
  return writePipeline(
    dir,
    `name: report-data
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl*"]
stages:
  - length: {min_chars: 200}
  - exact_dedup: {}
  - tokenize: {tokenizer: gpt2}
output:
  dir: ${out}
  shard_bytes: 64KiB
runner:
  tasks: ${tasks}
`,
    `p-${tasks}.yaml`,
  );
}

function corpus(): string {
  const dir = tempDir('sluice-report-');
  writeJsonlCorpus(dir, [
    { name: 'a.jsonl.gz', docs: 300, badLines: [5], chars: 400 },
    { name: 'b.jsonl', docs: 200, codec: 'none', chars: 120 },
    { name: 'c.jsonl.zst', docs: 250, codec: 'zstd', chars: 900 },
    // the same texts as a.jsonl.gz (the prose depends on the line and the name's length): exact duplicates
    { name: 'd.jsonl.gz', docs: 40, chars: 400 },
  ]);
  return dir;
}

const sum = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);

describe('report data of a run', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('agrees with stats.json, is the same for 1 and 3 tasks, and survives a resume byte for byte', async () => {
    const dir = corpus();
    dirs.push(dir);
    const outOne = join(dir, 'out1');
    const outThree = join(dir, 'out3');
    await runPipeline({ pipelineFile: pipeline(dir, outOne, 1), workers: 1, log: silentLogger });
    await runPipeline({ pipelineFile: pipeline(dir, outThree, 3), workers: 2, log: silentLogger });
    const one = readFileSync(join(outOne, 'report-data.json'), 'utf8');
    const three = readFileSync(join(outThree, 'report-data.json'), 'utf8');
    expect(three).toBe(one);

    const data = JSON.parse(one) as ReportData;
    const stats = JSON.parse(readFileSync(join(outOne, 'stats.json'), 'utf8')) as StatsFile;
    const s = data.sources['jsonl']!;
    const src = stats.sources['jsonl']!;
    expect(sum(s.chars.kept)).toBe(src.kept);
    expect(sum(s.chars.dropped)).toBe(src.rejected + src.duplicates);
    expect(sum(s.tokens)).toBe(src.kept);
    expect(s.outcomes['length\ttoo_short']!.docs).toBe(stats.stages['length']!.rejected['too_short']);
    expect(s.outcomes['jsonl\tbad_record']!.docs).toBe(1);
    expect(s.outcomes['exact_dedup\t(duplicate)']!.docs).toBe(stats.stages['exact_dedup']!.duplicates);
    expect(stats.stages['exact_dedup']!.duplicates).toBeGreaterThan(0);
    expect(s.reader_fields).toMatchObject({ n: expect.any(Number) as number });
    // samples: one list per reason, at most 5 each, texts of the documents themselves
    expect(Object.keys(data.samples.removed).sort()).toEqual(['exact_dedup\t(duplicate)', 'jsonl\tbad_record', 'length\ttoo_short']);
    expect(data.samples.removed['length\ttoo_short']).toHaveLength(5);
    for (const x of data.samples.removed['length\ttoo_short']!) expect(x.text.length).toBeLessThan(200);
    expect(data.samples.removed['jsonl\tbad_record']![0]!.detail).toMatchObject({ error: expect.any(String) as string });
    expect(data.samples.fates.length).toBe(Math.min(400, stats.ledger.docs_in));

    // a resume that redoes one task of the first phase (and so every later one) merges to the same bytes
    unlinkSync(join(outThree, '.sluice', 'tasks', 'docs-0', '00001.json'));
    // gone before the resume, so only a rewrite can make the comparison pass
    unlinkSync(join(outThree, 'report-data.json'));
    await runPipeline({ pipelineFile: pipeline(dir, outThree, 3), workers: 1, log: silentLogger });
    expect(readFileSync(join(outThree, 'report-data.json'), 'utf8')).toBe(one);
  }, 300_000);

  it('SLUICE_REPORT=off collects nothing: no report-data.json, markers without report', async () => {
    const dir = corpus();
    dirs.push(dir);
    const out = join(dir, 'out');
    process.env['SLUICE_REPORT'] = 'off';
    try {
      await runPipeline({ pipelineFile: pipeline(dir, out, 1), workers: 1, log: silentLogger });
    } finally {
      delete process.env['SLUICE_REPORT'];
    }
    expect(existsSync(join(out, 'stats.json'))).toBe(true);
    expect(existsSync(join(out, 'report-data.json'))).toBe(false);
    const markers = join(out, '.sluice', 'tasks', 'docs-0');
    for (const m of readdirSync(markers)) expect(JSON.parse(readFileSync(join(markers, m), 'utf8'))).not.toHaveProperty('report');
  }, 300_000);
});

import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands } from '../../src/cli/commands.js';
import { decimalAmount } from '../../src/core/amount.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import { sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

function yaml(dir: string): string {
  return `name: cli-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 200}
output:
  dir: ${dir}/out
`;
}

describe('sluice CLI', () => {
  it('validate prints the plan and exits 0', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 5 }]);
    const r = sluice(['validate', writePipeline(dir, yaml(dir))]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('valid pipeline "cli-test"');
    expect(r.stdout).toContain('phases: docs-0 (1 task)');
  });

  it('exits 2 on a bad config, naming the YAML path', () => {
    const dir = tempDir();
    const r = sluice(['validate', writePipeline(dir, yaml(dir).replace('min_chars', 'min_chrs'))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error[SLUICE_CONFIG_INVALID]');
    expect(r.stderr).toContain('stages[0].length.min_chrs: unknown key "min_chrs"');
  });

  it('exits 2 on a min above its max instead of running a stage that drops everything', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 5 }]);
    const r = sluice(['validate', writePipeline(dir, yaml(dir).replace('{min_chars: 200}', '{min_chars: 200, max_chars: 100}'))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('stages[0].length.min_chars: min_chars (200) is greater than max_chars (100)');
  });

  it('exits 2 when an input glob matches nothing', () => {
    const dir = tempDir();
    const r = sluice(['run', writePipeline(dir, yaml(dir))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('inputs[0].paths[0]: the glob');
  });

  it('run, then stats and inspect read the output', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 40, badLines: [3], chars: 150 },
      { name: 'b.jsonl.gz', docs: 40, chars: 400 },
    ]);
    const run = sluice(['run', writePipeline(dir, yaml(dir)), '--workers', '2']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('80 in = 40 kept + 40 rejected + 0 duplicates  [balanced]');

    const stats = sluice(['stats', join(dir, 'out')]);
    expect(stats.status).toBe(0);
    expect(stats.stdout).toMatch(/length\s+too_short\s+39/);
    expect(stats.stdout).toMatch(/jsonl\s+bad_record\s+1/);
    const json = JSON.parse(sluice(['stats', join(dir, 'out'), '--json']).stdout) as StatsFile;
    expect(json.ledger.kept).toBe(40);
    // the time each phase took, and what the inputs weigh on disk
    expect(json.input_bytes).toBe(statSync(join(dir, 'a.jsonl.gz')).size + statSync(join(dir, 'b.jsonl.gz')).size);
    expect(json.tasks.map((t) => t.phase)).toEqual(['docs-0']);
    expect(json.tasks[0]!.cpu_seconds).toBeGreaterThan(0);
    expect(stats.stdout).toMatch(/phase\s+tasks\s+task seconds\s+CPU seconds/);
    expect(stats.stdout).toMatch(new RegExp(`throughput: ${decimalAmount(json.input_bytes!)} of input, 80 documents in [\\d.]+ CPU-seconds of tasks`));

    const bad = sluice(['inspect', join(dir, 'out', 'rejects'), '--reason', 'bad_record']);
    expect(bad.status).toBe(0);
    expect(bad.stdout).toContain(`[jsonl: bad_record] (${dir}/a.jsonl.gz:3)`);
    const shard = sluice(['inspect', join(dir, 'out', 'shards', 'part-00001-00000.parquet'), '--limit', '2']);
    expect(shard.status, shard.stderr).toBe(0);
    expect(shard.stdout).toContain('40 rows');
    expect(shard.stdout).toContain('- b.jsonl.gz-1 [jsonl]');
  });

  it('lists readers and stages with their parameters and defaults', () => {
    const r = sluice(['list', 'stages']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('stage length: drop documents shorter or longer than a number of characters');
    expect(r.stdout).toContain('    min_chars: integer = 0');
    expect(r.stdout).not.toContain('reader jsonl');
    // byte sizes show as written in YAML
    expect(sluice(['list', 'readers']).stdout).toContain('    max_line_bytes: size = 256MiB');
  });

  it('prints help for every command', () => {
    const top = sluice(['--help']);
    expect(top.status).toBe(0);
    expect(commands.length).toBeGreaterThanOrEqual(9);
    for (const { spec } of commands) {
      expect(top.stdout).toMatch(new RegExp(`^  ${spec.name} `, 'm'));
      const r = sluice([spec.name, '--help']);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain(`usage: sluice ${spec.name}`);
    }
  });
});

import { readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { checkOutputDir } from '../../src/runner/output-dir.js';
import { sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

function yaml(dir: string, out: string): string {
  return `name: output-errors
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 10}
output:
  dir: ${out}
`;
}

/** A failure a user can act on: one message, no stack frames, not blamed on sluice. */
function expectReadableFailure(r: { status: number | null; stderr: string }): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr).not.toMatch(/^ {4,}at /m);
}

describe('output paths that cannot be written', () => {
  it('--out naming an existing file says it must be a directory', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 5 }]);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const pipeline = writePipeline(dir, yaml(dir, join(dir, 'out')));

    const r = sluice(['run', pipeline, '--out', file]);
    expectReadableFailure(r);
    expect(r.stderr).toContain(`error[SLUICE_OUTPUT]: output directory ${file} is a file, not a directory`);
    expect(r.stderr).toContain('hint: --out (or output.dir) names a directory');

    const below = sluice(['run', pipeline, '--out', join(file, 'sub')]);
    expectReadableFailure(below);
    expect(below.stderr).toContain(`cannot create output directory ${join(file, 'sub')}: ${file} is a file, not a directory`);
  });

  it('output.dir naming a file (no --out) says it must be a directory, as --out does', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 5 }]);
    const file = join(dir, 'not-a-dir');
    writeFileSync(file, 'x');
    const r = sluice(['run', writePipeline(dir, yaml(dir, file))]);
    expectReadableFailure(r);
    expect(r.stderr).toContain(`output directory ${file} is a file, not a directory`);
  });

  it('checkOutputDir accepts an existing directory and a path still to be created', async () => {
    const dir = tempDir();
    await expect(checkOutputDir(dir)).resolves.toBeUndefined();
    await expect(checkOutputDir(join(dir, 'new', 'deeper'))).resolves.toBeUndefined();
    const file = join(dir, 'f');
    writeFileSync(file, '');
    await expect(checkOutputDir(file)).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_OUTPUT' && e.file === file);
  });
});

describe('sluice inspect on a damaged shard', () => {
  it('names the truncated file and says to rewrite it, without a stack trace', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 300, chars: 500 }]);
    const out = join(dir, 'out');
    const run = sluice(['run', writePipeline(dir, yaml(dir, out)), '--workers', '1']);
    expect(run.status, run.stderr).toBe(0);
    const shard = join(
      out,
      'shards',
      readdirSync(join(out, 'shards')).find((n) => n.endsWith('.parquet'))!,
    );
    const whole = sluice(['inspect', shard, '--limit', '1']);
    expect(whole.status, whole.stderr).toBe(0);

    truncateSync(shard, Math.floor(statSync(shard).size / 2));
    const r = sluice(['inspect', shard, '--limit', '1']);
    expectReadableFailure(r);
    expect(r.stderr).toContain(`error[SLUICE_SHARD_INVALID]: ${shard} is truncated`);
    expect(r.stderr).toContain('sluice verify OUT');
    expect(r.stderr).not.toContain('RangeError');
  }, 180_000);
});

import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { run, sortedIds, TRACE } from '../../helpers/faults.js';

function setup(): { dir: string; file: string; expected: string[] } {
  const dir = tempDir();
  const expected = writeJsonlCorpus(dir, [
    { name: 'a.jsonl.gz', docs: 50 },
    { name: 'b.jsonl.gz', docs: 50 },
  ]);
  const file = writePipeline(dir, `name: fresh\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl.gz"]\noutput:\n  dir: out\n`);
  writeFileSync(join(dir, 'notes.txt'), 'my notes\n');
  return { dir, file, expected };
}

describe('--fresh deletes only an earlier sluice output', () => {
  it('refuses the current directory, which holds the inputs, the pipeline and notes', async () => {
    const { dir, file } = setup();
    const before = readdirSync(dir).sort();
    const r = await run(['run', file, '--out', '.', '--fresh'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('it is the current directory');
    expect(r.stderr).not.toMatch(TRACE);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses a directory above the current one', async () => {
    const { dir, file } = setup();
    mkdirSync(join(dir, 'sub'));
    const r = await run(['run', file, '--out', '..', '--fresh'], { cwd: join(dir, 'sub') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('the current directory is inside it');
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });

  it('refuses a directory holding an input of the run', async () => {
    const { dir } = setup();
    const data = join(dir, 'data');
    mkdirSync(join(data, 'rejects'), { recursive: true });
    writeJsonlCorpus(join(data, 'rejects'), [{ name: 'c.jsonl.gz', docs: 10 }]);
    const file = writePipeline(dir, `name: inside\ninputs:\n  - reader: jsonl\n    paths: ["${data}/rejects/c.jsonl.gz"]\noutput:\n  dir: ${data}\n`, 'inside.yaml');
    const r = await run(['run', file, '--fresh']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('an input of this run');
    expect(existsSync(join(data, 'rejects', 'c.jsonl.gz'))).toBe(true);
  });

  it('refuses a directory that is not a sluice output, and a sluice output holding other files', async () => {
    const { dir, file } = setup();
    const userdir = join(dir, 'userdir');
    mkdirSync(userdir);
    writeFileSync(join(userdir, 'thesis.txt'), 'chapter one\n');
    const r = await run(['run', file, '--out', userdir, '--fresh'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('not a sluice output directory (it holds thesis.txt)');
    expect(readdirSync(userdir)).toEqual(['thesis.txt']);

    const out = join(dir, 'out');
    expect((await run(['run', file], { cwd: dir })).status).toBe(0);
    writeFileSync(join(out, 'README.md'), 'my own file\n');
    const mixed = await run(['run', file, '--fresh'], { cwd: dir });
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toContain('files sluice did not write (README.md)');
    expect(existsSync(join(out, 'README.md'))).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  }, 120_000);

  it('discards an earlier output or an empty directory and leaves nothing of the old run', async () => {
    const { dir, file, expected } = setup();
    const out = join(dir, 'out');
    expect((await run(['run', file], { cwd: dir })).status).toBe(0);
    writeFileSync(join(out, 'shards', 'part-09999-00000.parquet'), 'a shard of an older run');
    writeFileSync(join(out, 'report.html'), 'a report of an older run (`make run` writes one)');
    const again = await run(['run', file, '--fresh'], { cwd: dir });
    expect(again.status, again.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['.sluice', 'manifest.json', 'report-data.json', 'shards', 'stats.json']);
    expect(existsSync(join(out, 'shards', 'part-09999-00000.parquet'))).toBe(false);
    expect(await sortedIds(out)).toEqual([...expected].sort());

    const empty = join(dir, 'empty');
    mkdirSync(empty);
    expect((await run(['run', file, '--out', empty, '--fresh'], { cwd: dir })).status).toBe(0);
  }, 120_000);
});

import { appendFileSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { markerText, run, sortedIds, TRACE } from '../../helpers/faults.js';

const FILES = ['a', 'b', 'c', 'd'].map((n) => `${n}.jsonl`);

function setup(stages = '  - length: {min_chars: 10}\n'): { dir: string; file: string; out: string } {
  const dir = tempDir();
  writeJsonlCorpus(
    dir,
    FILES.map((name) => ({ name, docs: 200, codec: 'none' as const })),
  );
  const out = join(dir, 'out');
  const file = writePipeline(dir, `name: changes\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl"]\nstages:\n${stages}output:\n  dir: ${out}\n`);
  return { dir, file, out };
}

function addDoc(dir: string, name: string, id: string, text: string): void {
  appendFileSync(join(dir, name), JSON.stringify({ id, text }) + '\n');
}

/** The ids of a fresh run over the inputs as they are now. */
async function freshIds(file: string, dir: string): Promise<string[]> {
  const out = join(dir, `fresh-${Date.now()}`);
  const r = await run(['run', file, '--out', out, '--workers', '2']);
  expect(r.status, r.stderr).toBe(0);
  return sortedIds(out);
}

describe('inputs that change between runs', () => {
  it('edited after its task finished: the rerun refuses and lists it; --allow-changed-inputs redoes that task only', async () => {
    const { dir, file, out } = setup();
    expect((await run(['run', file, '--workers', '2'])).status).toBe(0);
    const before = [0, 1, 2, 3].map((r) => markerText(out, 'docs-0', r));
    addDoc(dir, 'c.jsonl', 'c-new', 'a document added after the first run finished');

    const refused = await run(['run', file, '--workers', '2']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('SLUICE_INPUT_CHANGED');
    expect(refused.stderr).toMatch(/c\.jsonl: size \d+ -> \d+ bytes/);
    expect(refused.stderr).not.toContain('a.jsonl');
    expect(refused.stderr).not.toMatch(TRACE);

    const allowed = await run(['run', file, '--workers', '2', '--allow-changed-inputs']);
    expect(allowed.status, allowed.stderr).toBe(0);
    const after = [0, 1, 2, 3].map((r) => markerText(out, 'docs-0', r));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).not.toBe(before[2]);
    expect(after[3]).toBe(before[3]);
    const ids = await sortedIds(out);
    expect(ids).toContain('c-new');
    expect(ids).toEqual(await freshIds(file, dir));
    // the plan now records the new version: a plain rerun resumes quietly
    const rerun = await run(['run', file]);
    expect(rerun.status, rerun.stderr).toBe(0);
  }, 240_000);

  it('edited before its task ran: refused on resume, and a task never reads a version the plan did not record', async () => {
    const { dir, file, out } = setup();
    // tasks 0 and 1 done, as a scheduler would have run them; 2 and 3 not yet
    for (const rank of ['0', '1']) expect((await run(['run', file, '--rank', rank, '--world', '4'])).status).toBe(0);
    addDoc(dir, 'd.jsonl', 'd-new', 'a document added while the run was half done');

    const task = await run(['run', file, '--rank', '3', '--world', '4']);
    expect(task.status).toBe(2);
    expect(task.stderr).toContain('changed since the run was planned');
    expect(markerText(out, 'docs-0', 3)).toBeUndefined();

    const refused = await run(['run', file]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/d\.jsonl: size/);

    const allowed = await run(['run', file, '--allow-changed-inputs']);
    expect(allowed.status, allowed.stderr).toBe(0);
    expect(await sortedIds(out)).toEqual(await freshIds(file, dir));
  }, 240_000);

  it("behind a dedup barrier: the changed input's task and every later phase run again, and the output equals a fresh run", async () => {
    const { dir, file, out } = setup('  - length: {min_chars: 10}\n  - exact_dedup: {}\n');
    expect((await run(['run', file, '--workers', '2'])).status).toBe(0);
    const first = await sortedIds(out);
    // a copy of a document of a.jsonl now in b.jsonl: one of the two must go
    const copied = JSON.parse(readFileSync(join(dir, 'a.jsonl'), 'utf8').split('\n')[0]!) as { text: string };
    addDoc(dir, 'b.jsonl', 'b-copy', copied.text);
    const after = await run(['run', file, '--workers', '2', '--allow-changed-inputs']);
    expect(after.status, after.stderr).toBe(0);
    const ids = await sortedIds(out);
    expect(ids).toEqual(await freshIds(file, dir));
    expect(ids.length).toBe(first.length);
    expect(markerText(out, 'docs-0', 0)).toBeDefined();
  }, 240_000);

  it('--verify-inputs catches an edit that keeps size and mtime', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl', docs: 100, codec: 'none' }]);
    const out = join(dir, 'out');
    const file = writePipeline(dir, `name: hash\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/a.jsonl"]\noutput:\n  dir: ${out}\n`);
    expect((await run(['run', file, '--verify-inputs'])).status).toBe(0);

    const path = join(dir, 'a.jsonl');
    const { mtime, size } = statSync(path);
    writeFileSync(path, readFileSync(path, 'utf8').replace('"a.jsonl-1"', '"a.jsonl-X"'));
    expect(statSync(path).size).toBe(size);
    utimesSync(path, mtime, mtime);

    const plain = await run(['run', file]);
    expect(plain.status, plain.stderr).toBe(0);
    const checked = await run(['run', file, '--verify-inputs']);
    expect(checked.status).toBe(2);
    expect(checked.stderr).toContain('content SHA-256 differs');
  }, 120_000);
});

/**
 * A finished run removes its scratch (spills between phases, dedup work files) unless
 * --keep-scratch; `sluice clean` removes it later. Verify and reruns still work without it, and
 * a rerun that must redo a task redoes them all, with the same output.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { markerText, run, shardBytes, sortedIds, TRACE } from '../helpers/faults.js';

let dir: string;
let file: string;

beforeAll(() => {
  dir = tempDir();
  // ee repeats the first documents of bb (the text depends on the name's length): exact_dedup has work to do
  writeJsonlCorpus(
    dir,
    ['a', 'bb', 'ccc'].map((n) => ({ name: `${n}.jsonl.gz`, docs: 300, chars: 200 })),
  );
  writeJsonlCorpus(dir, [{ name: 'ee.jsonl.gz', docs: 80, chars: 200 }]);
  file = writePipeline(
    dir,
    `name: scratch\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl.gz"]\nstages:\n  - length: {min_chars: 10}\n  - exact_dedup: {}\n  - minhash_dedup: {}\noutput:\n  dir: ${join(dir, 'unused')}\n  shard_bytes: 16KiB\n`,
  );
});

const scratchDirs = (out: string): boolean[] => [existsSync(join(out, '.sluice', 'spill')), existsSync(join(out, '.sluice', 'work'))];

describe('scratch of a finished run', () => {
  it('is removed once the manifest is written; verify passes and a rerun has nothing to redo', { timeout: 300_000 }, async () => {
    const out = join(dir, 'removed');
    const r = await run(['run', file, '--out', out, '--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/removed [\d.]+ MB of scratch/);
    expect(scratchDirs(out)).toEqual([false, false]);
    const note = JSON.parse(readFileSync(join(out, '.sluice', 'scratch-removed.json'), 'utf8')) as { bytes: number; paths: string[] };
    expect(note.bytes).toBeGreaterThan(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);

    const verify = await run(['verify', out]);
    expect(verify.status, verify.stdout).toBe(0);

    const before = markerText(out, 'docs-0', 0);
    const shards = shardBytes(out);
    const again = await run(['run', file, '--out', out, '--workers', '2']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).not.toMatch(/run again/);
    expect(markerText(out, 'docs-0', 0)).toBe(before);
    expect(shardBytes(out)).toEqual(shards);
  });

  it('stays with --keep-scratch; `sluice clean` removes it later, and refuses an unfinished run', { timeout: 300_000 }, async () => {
    const out = join(dir, 'kept');
    const r = await run(['run', file, '--out', out, '--workers', '1', '--keep-scratch']);
    expect(r.status, r.stderr).toBe(0);
    expect(scratchDirs(out)).toEqual([true, true]);

    const clean = await run(['clean', out]);
    expect(clean.status, clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/removed [\d.]+ MB of scratch \(\.sluice\/spill, \.sluice\/work\)/);
    expect(scratchDirs(out)).toEqual([false, false]);
    expect((await run(['verify', out])).status).toBe(0);

    rmSync(join(out, 'manifest.json'));
    const refused = await run(['clean', out]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('has not finished');
    expect(refused.stderr).not.toMatch(TRACE);
  });

  it('once removed, a rerun that must redo a task redoes every task, and the output is the same', { timeout: 300_000 }, async () => {
    const out = join(dir, 'redo');
    expect((await run(['run', file, '--out', out, '--workers', '2'])).status).toBe(0);
    const shards = shardBytes(out);
    const ids = await sortedIds(out);
    const victim = [...shards.keys()][0]!;
    rmSync(join(out, 'shards', victim));

    const rerun = await run(['run', file, '--out', out, '--workers', '2']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('every task runs again');
    expect(shardBytes(out)).toEqual(shards);
    expect(await sortedIds(out)).toEqual(ids);
    expect((await run(['verify', out])).status).toBe(0);
    expect(scratchDirs(out)).toEqual([false, false]);
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { sluice, sluiceDetached } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

const FILES = 10;

function yaml(dir: string, out: string): string {
  return `name: kill-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 10}
output:
  dir: ${out}
  shard_bytes: 256KiB
`;
}

function markers(out: string): number {
  const d = join(out, '.sluice', 'tasks', 'docs-0');
  return existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.json')).length : 0;
}

describe('interrupted runs', () => {
  it('SIGKILL mid-run, rerun: exactly the same documents as an uninterrupted run, none lost, none twice', async () => {
    const dir = tempDir();
    const expected = writeJsonlCorpus(
      dir,
      Array.from({ length: FILES }, (_, i) => ({ name: `part-${String(i).padStart(2, '0')}.jsonl.gz`, docs: 4000, chars: 600 })),
    );
    const killedOut = join(dir, 'killed');
    const file = writePipeline(dir, yaml(dir, killedOut));

    const child = sluiceDetached(['run', file, '--workers', '2']);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const deadline = Date.now() + 60_000;
    while (markers(killedOut) < 2 && Date.now() < deadline && child.exitCode === null) await sleep(10);
    const doneAtKill = markers(killedOut);
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(doneAtKill, stderr).toBeGreaterThanOrEqual(2);
    expect(doneAtKill).toBeLessThan(FILES);
    expect(existsSync(join(killedOut, 'manifest.json'))).toBe(false);

    const rerun = sluice(['run', file, '--workers', '2']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('resuming');
    expect(rerun.stdout).toContain('[balanced]');

    const cleanOut = join(dir, 'clean');
    const clean = sluice(['run', file, '--workers', '2', '--out', cleanOut]);
    expect(clean.status, clean.stderr).toBe(0);

    const killedIds = (await readDataset(killedOut, ['id'])).map((r) => r['id'] as string);
    const cleanIds = (await readDataset(cleanOut, ['id'])).map((r) => r['id'] as string);
    expect(killedIds.length).toBe(expected.length);
    expect(new Set(killedIds).size).toBe(killedIds.length);
    expect(killedIds.sort()).toEqual(cleanIds.sort());
    expect(new Set(killedIds)).toEqual(new Set(expected));
  });
});

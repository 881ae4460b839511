import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

/**
 * A full disk under --out: a small tmpfs, which needs root and a kernel that lets this process
 * mount. Where it cannot, the test is skipped and says why.
 */

function run(cmd: string, args: string[]): { ok: boolean; why: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.error?.message ?? r.stderr).trim() || `${cmd} exited with ${r.status}` };
}

function probeMount(): string | undefined {
  if (process.platform !== 'linux') return `tmpfs mounts need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  const dir = tempDir('sluice-mount-probe-');
  const mounted = run('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (mounted.ok) run('umount', [dir]);
  rmSync(dir, { recursive: true, force: true });
  return mounted.ok ? undefined : `cannot mount a tmpfs here: ${mounted.why}`;
}

const cannotMount = probeMount();
if (cannotMount !== undefined) console.warn(`skipping the ENOSPC test: ${cannotMount}`);

/** Random letters: they compress about 1.7x, so a few MB of input does not fit in 2 MB of shards and rejects. */
function noise(seed: number, chars: number): string {
  let s = seed >>> 0;
  let out = '';
  while (out.length < chars) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out += String.fromCharCode(97 + ((s >>> 24) % 26));
    if ((s & 7) === 0) out += ' ';
  }
  return out;
}

/** Four gzipped JSONL files; one document in four is long enough to keep, the rest go to rejects. Returns the kept ids. */
function writeCorpus(dir: string): string[] {
  const kept: string[] = [];
  for (let f = 0; f < 4; f++) {
    const lines: string[] = [];
    for (let i = 1; i <= 3000; i++) {
      const id = `f${f}-${i}`;
      const long = i % 4 === 0;
      if (long) kept.push(id);
      lines.push(JSON.stringify({ id, text: noise(i * 7919 + f, long ? 900 : 600) }));
    }
    writeFileSync(join(dir, `part-${f}.jsonl.gz`), gzipSync(lines.join('\n') + '\n'));
  }
  return kept;
}

function yaml(dir: string): string {
  return `name: disk-full
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 700}
output:
  dir: ${dir}/unused
  shard_bytes: 256KiB
`;
}

function tempFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((n) => n.endsWith('.tmp'));
}

describe('a full output disk', () => {
  const dir = tempDir();
  const mountPoint = join(dir, 'small-disk');
  let mounted = false;

  beforeAll(() => {
    if (cannotMount !== undefined) return;
    mkdirSync(mountPoint);
    const r = run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
    if (!r.ok) throw new Error(`mount failed after the probe succeeded: ${r.why}`);
    mounted = true;
  });

  afterAll(() => {
    if (!mounted) return;
    // lazy unmount if something still holds a file open there
    if (!run('umount', [mountPoint]).ok) run('umount', ['-l', mountPoint]);
  });

  it.skipIf(cannotMount !== undefined)(
    'fails each task with one clear error naming the file; after the disk grows, a rerun resumes to the same documents',
    async () => {
      const expected = writeCorpus(dir);
      const file = writePipeline(dir, yaml(dir));
      const cleanOut = join(dir, 'clean');
      const clean = sluice(['run', file, '--out', cleanOut, '--workers', '2']);
      expect(clean.status, clean.stderr).toBe(0);
      const cleanIds = (await readDataset(cleanOut, ['id'])).map((r) => r['id'] as string).sort();
      expect(cleanIds).toEqual([...expected].sort());

      for (const workers of ['1', '2']) {
        const out = join(mountPoint, `out-${workers}`);
        expect(run('mount', ['-o', 'remount,size=2m', mountPoint]).ok).toBe(true);

        const full = sluice(['run', file, '--out', out, '--workers', workers]);
        const context = `--workers ${workers}:\n${full.stderr}`;
        expect(full.status, context).toBe(1);
        expect(full.stderr, context).not.toContain("Unhandled 'error' event");
        expect(full.stderr, context).not.toContain('internal error');
        expect(full.stderr, context).not.toMatch(/^ {4,}at /m);
        expect(full.stderr, context).not.toContain('worker exited');
        const failed = Number(/error\[SLUICE_TASK_FAILED\]: (\d+) of 4 tasks/.exec(full.stderr)?.[1]);
        expect(failed, context).toBeGreaterThanOrEqual(1);
        const taskErrors = full.stderr.split('\n').filter((l) => /^ {2}task \d+: /.test(l));
        expect(taskErrors, context).toHaveLength(failed);
        for (const line of taskErrors) {
          const named = /error\[SLUICE_OUTPUT\]: cannot write (\S+): no space left on device$/.exec(line)?.[1];
          expect(named, line).toBeDefined();
          expect(named!.startsWith(out + '/'), line).toBe(true);
        }
        expect(tempFiles(out), context).toEqual([]);

        expect(run('mount', ['-o', 'remount,size=64m', mountPoint]).ok).toBe(true);
        const rerun = sluice(['run', file, '--out', out, '--workers', workers]);
        expect(rerun.status, rerun.stderr).toBe(0);
        if (failed < 4) expect(rerun.stderr).toContain(`resuming, ${4 - failed}/4 tasks already done`);
        expect(rerun.stdout).toContain('[balanced]');
        const ids = (await readDataset(out, ['id'])).map((r) => r['id'] as string).sort();
        expect(ids).toEqual(cleanIds);
        expect(tempFiles(out)).toEqual([]);
        // the next round starts from an empty small disk
        rmSync(out, { recursive: true, force: true });
      }
    },
    180_000,
  );
});

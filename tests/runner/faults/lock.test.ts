import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/core/log.js';
import { OutputLock, lockPath, type LockHolder } from '../../../src/runner/lock.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { run, sortedIds, start, TRACE, waitFor } from '../../helpers/faults.js';

function holder(over: Partial<LockHolder>): LockHolder {
  return { token: 'feedface', kind: 'run', host: hostname(), pid: process.pid, started: new Date().toISOString(), command: 'sluice run x.yaml', ...over };
}

const noop = (): void => {};

describe('the output lock', () => {
  it('a second run on the same output fails at once naming the holder; the first finishes and its output verifies', async () => {
    const dir = tempDir();
    const expected = writeJsonlCorpus(
      dir,
      Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.jsonl.gz`, docs: 4000, chars: 500 })),
    );
    const out = join(dir, 'out');
    const file = writePipeline(dir, `name: lock\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl.gz"]\nstages:\n  - length: {min_chars: 10}\noutput:\n  dir: ${out}\n`);

    const first = start(['run', file, '--workers', '2']);
    await waitFor(() => existsSync(lockPath(out)), 'the first run to take the lock');
    const second = await run(['run', file, '--workers', '2']);
    const firstDone = await first.done;

    expect(second.status).toBe(1);
    expect(second.stderr).toContain('SLUICE_LOCKED');
    expect(second.stderr).toContain(`pid ${first.child.pid}`);
    expect(second.stderr).not.toMatch(TRACE);
    expect(second.ms).toBeLessThan(20_000);
    expect(firstDone.status, firstDone.stderr).toBe(0);
    expect(existsSync(lockPath(out))).toBe(false);
    const verify = await run(['verify', out]);
    expect(verify.status, verify.stdout).toBe(0);
    expect(await sortedIds(out)).toEqual([...expected].sort());
  }, 300_000);

  it('breaks the lock of a process that is gone, and of a reused pid', async () => {
    const dir = tempDir();
    const dead = spawnSync('true').pid!;
    writeFileSync(lockPath(dir), JSON.stringify(holder({ pid: dead })));
    const warnings: string[] = [];
    const lock = await OutputLock.acquire(dir, { kind: 'run', onLost: noop, log: { warn: (m) => warnings.push(m) } });
    expect(warnings.join('\n')).toContain(`process ${dead} is gone`);
    expect(lock.holder.pid).toBe(process.pid);
    await lock.release();
    expect(existsSync(lockPath(dir))).toBe(false);

    // this very pid, but recorded with another start time: a pid the kernel reused
    writeFileSync(lockPath(dir), JSON.stringify(holder({ pid: process.pid, pid_start: '1' })));
    const again = await OutputLock.acquire(dir, { kind: 'run', onLost: noop, log: silentLogger });
    await again.release();
  });

  it('honours a live holder on this host, and one on another host until its heartbeat is 5 minutes old', async () => {
    const dir = tempDir();
    writeFileSync(lockPath(dir), JSON.stringify(holder({})));
    await expect(OutputLock.acquire(dir, { kind: 'run', onLost: noop })).rejects.toMatchObject({ code: 'SLUICE_LOCKED' });

    writeFileSync(lockPath(dir), JSON.stringify(holder({ host: 'login-node-7', pid: 4242 })));
    await expect(OutputLock.acquire(dir, { kind: 'run', onLost: noop })).rejects.toThrow(/pid 4242 on login-node-7/);
    const old = new Date(Date.now() - 6 * 60_000);
    utimesSync(lockPath(dir), old, old);
    const lock = await OutputLock.acquire(dir, { kind: 'slurm', onLost: noop, log: silentLogger });
    expect(lock.holder.kind).toBe('slurm');
    await lock.release();
  });

  it('a scheduler task (--rank) refuses to write beside a local run, but not beside a Slurm submitter', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 20 }]);
    const out = join(dir, 'out');
    const file = writePipeline(dir, `name: rank\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/a.jsonl.gz"]\noutput:\n  dir: ${out}\n`);
    mkdirSync(out);
    writeFileSync(lockPath(out), JSON.stringify(holder({})));
    const refused = await run(['run', file, '--rank', '0', '--world', '1']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('SLUICE_LOCKED');

    writeFileSync(lockPath(out), JSON.stringify(holder({ kind: 'slurm' })));
    const task = await run(['run', file, '--rank', '0', '--world', '1']);
    expect(task.status, task.stderr).toBe(0);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  }, 120_000);
});

describe('a holder killed but not yet reaped (a zombie)', () => {
  it('counts as gone', async () => {
    const dir = tempDir();
    const child = spawn('sleep', ['30']);
    await new Promise((r) => child.once('spawn', r));
    writeFileSync(lockPath(dir), JSON.stringify(holder({ pid: child.pid! })));
    await expect(OutputLock.acquire(dir, { kind: 'run', onLost: noop })).rejects.toMatchObject({ code: 'SLUICE_LOCKED' });
    // SIGKILL, then take the lock before this process's event loop reaps the child
    child.kill('SIGKILL');
    spawnSync('sleep', ['0.2']);
    // the precondition this test is about: dead, not reaped, so kill(pid, 0) still succeeds
    expect(readFileSync(`/proc/${child.pid!}/stat`, 'utf8').split(') ')[1]![0]).toBe('Z');
    const lock = await OutputLock.acquire(dir, { kind: 'run', onLost: noop, log: silentLogger });
    await lock.release();
  });
});

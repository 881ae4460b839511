import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { leftoverTemps, markerCount, run, sortedIds, start, TRACE, waitFor, type Finished, type Started } from '../../helpers/faults.js';
import { startLoopbackServer, type LoopbackServer } from '../../helpers/http.js';
import { lockPath } from '../../../src/runner/lock.js';

const INTERRUPTED = /^interrupted; \d+ of \d+ tasks done; rerun the same command to resume$/m;

/** Ended by the signal itself, as a shell reports it (128 + n), or by exiting with that status. */
function endedBy(r: Finished, signal: 'SIGTERM' | 'SIGINT'): boolean {
  const code = signal === 'SIGTERM' ? 143 : 130;
  return r.signal === signal || r.status === code;
}

/**
 * Sends `signal` (to the process group with `group`) and checks the run stops within `ms` the way
 * a user must see it: ended by that signal, the one-line summary, no stack trace.
 */
async function stopAndCheck(r: Started, signal: 'SIGTERM' | 'SIGINT', ms: number, group = false): Promise<Finished> {
  const t0 = Date.now();
  process.kill(group ? -r.child.pid! : r.child.pid!, signal);
  const done = await r.done;
  expect(Date.now() - t0).toBeLessThan(ms);
  expect(endedBy(done, signal), `${done.status} ${done.signal}\n${done.stderr}`).toBe(true);
  expect(done.stderr).toMatch(INTERRUPTED);
  expect(done.stderr).not.toMatch(TRACE);
  return done;
}

let server: LoopbackServer;
let body: Buffer;
let stall = true;
let gets = 0;

beforeAll(async () => {
  const dir = tempDir();
  writeJsonlCorpus(dir, [{ name: 'remote.jsonl', docs: 2000, codec: 'none' }]);
  body = readFileSync(join(dir, 'remote.jsonl'));
  // sends the headers and a third of the body, then nothing: a stalled transfer
  server = await startLoopbackServer((req, res) => {
    res.writeHead(200, { 'content-length': body.length, etag: '"v1"', 'accept-ranges': 'bytes' });
    if (req.method === 'HEAD') return void res.end();
    gets++;
    if (stall) res.write(body.subarray(0, body.length / 3));
    else res.end(body);
  });
});

afterAll(() => server.close());

function remotePipeline(dir: string): string {
  return writePipeline(dir, `name: stall\ninputs:\n  - reader: jsonl\n    paths: ["${server.base}/remote.jsonl"]\noutput:\n  dir: ${join(dir, 'out')}\n`);
}

describe('SIGINT and SIGTERM stop a run cleanly and promptly', () => {
  for (const workers of ['1', '2']) {
    it(`SIGTERM while a task waits on a stalled HTTP body (--workers ${workers}): ends within 2 s with one line, and the rerun resumes`, async () => {
      const dir = tempDir();
      const file = remotePipeline(dir);
      stall = true;
      const seen = gets;
      const r = start(['run', file, '--workers', workers]);
      await waitFor(() => gets > seen, 'the GET request');
      await new Promise((res) => setTimeout(res, 300));
      await stopAndCheck(r, 'SIGTERM', 2000);
      expect(existsSync(lockPath(join(dir, 'out')))).toBe(false);
      expect(existsSync(join(dir, 'out', 'manifest.json'))).toBe(false);

      stall = false;
      const rerun = await run(['run', file, '--workers', workers]);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect((await sortedIds(join(dir, 'out'))).length).toBe(2000);
    }, 120_000);
  }

  for (const workers of ['1', '2']) {
    it(`SIGTERM while a task waits on a FIFO nobody writes to (--workers ${workers}): ends within 2 s`, async () => {
      const dir = tempDir();
      execFileSync('mkfifo', [join(dir, 'in.jsonl')]);
      const file = writePipeline(dir, `name: fifo\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/in.jsonl"]\noutput:\n  dir: ${join(dir, 'out')}\n`);
      const r = start(['run', file, '--workers', workers]);
      await waitFor(() => existsSync(join(dir, 'out', '.sluice', 'plan.json')), 'the plan');
      await new Promise((res) => setTimeout(res, 1000));
      await stopAndCheck(r, 'SIGTERM', 2000);
    }, 60_000);
  }

  it('SIGINT to the whole process group (Ctrl-C) mid-run over zstd inputs: no "damaged" input, no trace; the rerun completes', async () => {
    const dir = tempDir();
    const expected = writeJsonlCorpus(
      dir,
      Array.from({ length: 8 }, (_, i) => ({ name: `p${i}.jsonl.zst`, docs: 6000, chars: 400, codec: 'zstd' as const })),
    );
    const out = join(dir, 'out');
    const file = writePipeline(dir, `name: ctrl-c\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl.zst"]\nstages:\n  - length: {min_chars: 10}\noutput:\n  dir: ${out}\n`);
    const r = start(['run', file, '--workers', '2']);
    await waitFor(() => markerCount(out) >= 1, 'the first finished task');
    const done = await stopAndCheck(r, 'SIGINT', 3000, true);
    expect(done.stderr).not.toMatch(/damaged|read_error/);
    expect(existsSync(join(out, 'rejects'))).toBe(false);

    const rerun = await run(['run', file, '--workers', '2']);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain('resuming');
    expect(await sortedIds(out)).toEqual([...expected].sort());
    expect(leftoverTemps(out)).toEqual([]);
  }, 180_000);
});

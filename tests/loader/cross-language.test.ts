/**
 * The TypeScript loader and the Python client produce byte-identical batches for the same
 * dataset, seed, rank and resume point. The dataset comes from a real `sluice run` (identity
 * tokens); Python pulls through `sluice loader serve` (child process or Unix socket) and
 * writes what it got to a file, which is compared with TokenLoader's batches here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader, type LoaderOptions } from '../../src/loader/loader.js';
import type { LoaderState } from '../../src/loader/state.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { lengths, runIdentityPipeline } from '../helpers/token-dataset.js';

const SCRIPT = join(ROOT, 'tests', 'loader', 'dump_batches.py');
let work: string;
let dir: string;
let dataset: TokenDataset;

beforeAll(async () => {
  requirePythonDeps();
  work = tempDir('sluice-loader-xlang-');
  ({ dir } = await runIdentityPipeline(work, lengths(400, 0, 90, 5), ['web', 'code', 'web', 'books']));
  dataset = await TokenDataset.open(dir);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PyOut {
  bytes: Buffer;
  steps: number[];
  states: LoaderState[];
  hello: { vocab_size: number; eos_id: number; state: LoaderState };
}

function python(config: Record<string, unknown>, name: string): PyOut {
  const out = join(work, name);
  const r = runPython([SCRIPT, JSON.stringify(config), out]);
  if (r.status !== 0) throw new Error(`python failed (${r.status}):\n${r.stderr}`);
  const meta = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Omit<PyOut, 'bytes'>;
  return { bytes: readFileSync(`${out}.bin`), ...meta };
}

/** What TokenLoader gives for the same options: the same byte layout dump_batches.py writes. */
function typescript(opts: LoaderOptions, steps: number, resume?: LoaderState): { bytes: Buffer; states: LoaderState[] } {
  const loader = new TokenLoader(dataset, opts);
  if (resume) loader.resume(resume);
  const parts: Buffer[] = [];
  const states: LoaderState[] = [];
  for (let i = 0; i < steps; i++) {
    const b = loader.next();
    parts.push(Buffer.from(b.tokens.buffer));
    if (b.docStart) parts.push(Buffer.from(b.docStart.buffer));
    states.push(loader.state());
  }
  loader.close();
  return { bytes: Buffer.concat(parts), states };
}

function clientArgs(opts: LoaderOptions): Record<string, unknown> {
  return {
    dataset: dir,
    seq_len: opts.seqLen,
    batch: opts.batch,
    rank: opts.rank ?? 0,
    world: opts.world ?? 1,
    seed: opts.seed ?? 0,
    ...(opts.shuffleBuffer === undefined ? {} : { shuffle_buffer: opts.shuffleBuffer }),
    ...(opts.docMask ? { doc_mask: true } : {}),
    ...(opts.mixture ? { mixture: opts.mixture } : {}),
  };
}

describe('TypeScript and Python see the same batches', () => {
  it('the run produced several shards with several pages each', () => {
    expect(dataset.shards.length).toBeGreaterThan(3);
    expect(dataset.shards.some((s) => s.pages.length > 1)).toBe(true);
  });

  it.each([
    { seqLen: 33, batch: 4, world: 2, rank: 0, seed: 3, shuffleBuffer: 32 },
    { seqLen: 33, batch: 4, world: 2, rank: 1, seed: 3, shuffleBuffer: 32, docMask: true },
    { seqLen: 128, batch: 3, world: 3, rank: 2, seed: 77 },
    { seqLen: 20, batch: 2, world: 1, rank: 0, seed: 5, mixture: { web: 0.5, code: 0.3, books: 0.2 } },
  ] satisfies LoaderOptions[])('child process, from the start: %o', (opts) => {
    const steps = 30;
    const py = python({ mode: 'client', steps, client: clientArgs(opts) }, `client-${opts.rank}-${opts.seed}`);
    const ts = typescript(opts, steps);
    expect(py.bytes.length).toBe(ts.bytes.length);
    expect(py.bytes.equals(ts.bytes)).toBe(true);
    expect(py.steps).toEqual(Array.from({ length: steps }, (_, i) => i));
    expect(py.states).toEqual(ts.states);
    expect(py.hello.vocab_size).toBe(dataset.tokenizer.vocab_size);
    expect(py.hello.eos_id).toBe(dataset.tokenizer.eos_id);
  });

  it('child process, from a resume point the TypeScript loader saved', () => {
    const opts: LoaderOptions = { seqLen: 33, batch: 4, world: 2, rank: 1, seed: 9, docMask: true };
    const loader = new TokenLoader(dataset, opts);
    for (let i = 0; i < 13; i++) loader.next();
    const state = loader.state();
    loader.close();
    const py = python({ mode: 'client', steps: 20, client: { ...clientArgs(opts), resume: state } }, 'resume');
    expect(py.steps[0]).toBe(13);
    expect(py.bytes.equals(typescript(opts, 20, state).bytes)).toBe(true);
  });

  it('torch dataset: state_dict() after k batches, load_state_dict() in a fresh dataset, continues exactly', () => {
    const opts: LoaderOptions = { seqLen: 40, batch: 3, world: 2, rank: 0, seed: 21, docMask: true };
    const py = python({ mode: 'torch', steps: 25, split: 9, client: clientArgs(opts) }, 'torch');
    const ts = typescript(opts, 25);
    expect(py.steps).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(py.bytes.equals(ts.bytes)).toBe(true);
    expect(py.states).toEqual(ts.states);
  });

  describe('over a Unix socket', () => {
    let server: ChildProcess;
    let socketPath: string;
    const opts: LoaderOptions = { seqLen: 33, batch: 4, world: 2, rank: 1, seed: 3 };

    beforeAll(async () => {
      socketPath = join(work, 'loader.sock');
      server = spawn(process.execPath, [CLI, 'loader', 'serve', '--dataset', dir, '--seq-len', '33', '--batch', '4', '--world', '2', '--rank', '1', '--seed', '3', '--socket', socketPath], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      for (let i = 0; i < 200 && !existsSync(socketPath); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(socketPath)).toBe(true);
    });

    afterAll(() => {
      server.kill('SIGTERM');
    });

    it('connects, reads, and resumes from a state on a second connection', () => {
      const py = python({ mode: 'client', steps: 12, client: { socket: socketPath } }, 'sock1');
      const ts = typescript(opts, 12);
      expect(py.bytes.equals(ts.bytes)).toBe(true);
      const state = py.states[6]!;
      const again = python({ mode: 'client', steps: 10, client: { socket: socketPath, resume: state } }, 'sock2');
      expect(again.steps[0]).toBe(7);
      expect(again.bytes.equals(typescript(opts, 10, state).bytes)).toBe(true);
    });
  });

  it('a resume state from another seed is refused with a message, not wrong batches', () => {
    const opts: LoaderOptions = { seqLen: 33, batch: 4, seed: 1 };
    const state = { ...new TokenLoader(dataset, opts).state(), seed: 2 };
    const out = join(work, 'refused');
    const r = runPython([SCRIPT, JSON.stringify({ mode: 'client', steps: 3, client: { ...clientArgs(opts), resume: state } }), out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/LoaderError/);
    expect(r.stderr).toMatch(/seed is 2, this loader's is 1/);
    // nothing was written: the refusal came before the first batch
    expect(readFileSync(`${out}.bin`).length).toBe(0);
  });
});

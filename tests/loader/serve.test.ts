/**
 * `sluice loader serve` on stdout: the frames decode to exactly the in-process loader's
 * batches, --steps ends with an END frame, --resume continues, and a reader that goes away
 * ends the server cleanly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenDataset } from '../../src/loader/dataset.js';
import { decodeFrames } from '../../src/loader/frame.js';
import { TokenLoader } from '../../src/loader/loader.js';
import { CLI } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset } from '../helpers/token-dataset.js';

let dir: string;
let ds: TokenDataset;

beforeAll(async () => {
  dir = tempDir('sluice-loader-serve-');
  await writeTokenDataset(dir, identityDocs(lengths(120, 0, 80, 4), ['web', 'code']), { shardDocs: 30, tokenizer: tokenizerFacts(10_000, 9_999) });
  ds = await TokenDataset.open(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `sluice loader serve` to completion; stdout as bytes. */
function serve(args: string[]): { status: number | null; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, 'loader', 'serve', '--dataset', dir, ...args], { maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

describe('loader serve on stdout', () => {
  it("HELLO, then the loader's batches with its states, then END", () => {
    const r = serve(['--seq-len', '20', '--batch', '3', '--world', '2', '--rank', '1', '--seed', '8', '--steps', '9', '--doc-mask']);
    expect(r.status).toBe(0);
    const frames = decodeFrames(r.stdout);
    expect(frames[0]!.kind).toBe('hello');
    const hello = frames[0]!.kind === 'hello' ? frames[0]!.info : undefined;
    expect(hello).toMatchObject({
      format: 'sluice-batches',
      version: 1,
      vocab_size: 10_000,
      eos_id: 9_999,
      seq_len: 20,
      batch: 3,
      rank: 1,
      world: 2,
      seed: 8,
      doc_mask: true,
      docs: 120,
      tokens: ds.tokens,
    });
    expect(hello!.state.step).toBe(0);
    expect(frames.at(-1)).toEqual({ kind: 'end', steps: 9 });
    const loader = new TokenLoader(ds, { seqLen: 20, batch: 3, world: 2, rank: 1, seed: 8, docMask: true });
    const batches = frames.slice(1, -1);
    expect(batches.length).toBe(9);
    for (const f of batches) {
      if (f.kind !== 'batch') throw new Error(`unexpected ${f.kind}`);
      const want = loader.next();
      expect(f.batch).toEqual(want);
      expect(f.state).toEqual(loader.state());
    }
  });

  it('--resume continues from a state', () => {
    const loader = new TokenLoader(ds, { seqLen: 20, batch: 3, seed: 2 });
    for (let i = 0; i < 5; i++) loader.next();
    const r = serve(['--seq-len', '20', '--batch', '3', '--seed', '2', '--steps', '4', '--resume', JSON.stringify(loader.state())]);
    const batches = decodeFrames(r.stdout).filter((f) => f.kind === 'batch');
    expect(batches.map((f) => (f.kind === 'batch' ? f.batch.step : -1))).toEqual([5, 6, 7, 8]);
    for (const f of batches) if (f.kind === 'batch') expect(f.batch.tokens).toEqual(loader.next().tokens);
  });

  it('bad options fail with a usage error before streaming', () => {
    const r = serve(['--seq-len', '20', '--batch', '3', '--world', '2', '--rank', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/rank must be an integer in \[0, 1\]/);
    const m = serve(['--seq-len', '20', '--batch', '3', '--mixture', 'web=1,reddit=1']);
    expect(m.stderr).toMatch(/sources in this dataset: code, web/);
  });

  it('stops quietly when its reader goes away', async () => {
    const child = spawn(process.execPath, [CLI, 'loader', 'serve', '--dataset', dir, '--seq-len', '64', '--batch', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/error/i);
  });
});

/**
 * A dataset is validated before the first batch: damaged, truncated or foreign shards, a
 * manifest whose checksums do not match, and a tokenizer mismatch are refused with a
 * SluiceError that names the file (in TypeScript, through `sluice loader serve`, and through
 * the Python client).
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { TokenDataset, type OpenDatasetOptions } from '../../src/loader/dataset.js';
import { sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset } from '../helpers/token-dataset.js';

let root: string;
let pristine: string;
let n = 0;
const TOK = tokenizerFacts(5000, 4999);

beforeAll(async () => {
  root = tempDir('sluice-loader-validate-');
  pristine = join(root, 'pristine');
  await writeTokenDataset(pristine, identityDocs(lengths(60, 1, 70, 3)), { shardDocs: 20, tokenizer: TOK });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Manifest {
  tokenizer?: Record<string, unknown>;
  shards: { path: string; sha256: string; bytes: number; tokens: number; rows: number }[];
}

/** A fresh copy of the good dataset to damage. */
function copy(): { dir: string; manifest: Manifest; shard: (i: number) => string; save: (m: Manifest) => void } {
  const dir = join(root, `case-${n++}`);
  cpSync(pristine, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  return {
    dir,
    manifest,
    shard: (i) => join(dir, manifest.shards[i]!.path),
    save: (m) => writeFileSync(join(dir, 'manifest.json'), JSON.stringify(m)),
  };
}

async function refusal(dir: string, opts?: OpenDatasetOptions): Promise<SluiceError> {
  try {
    await TokenDataset.open(dir, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SluiceError);
    return err as SluiceError;
  }
  throw new Error('the dataset was accepted');
}

describe('refused before the first batch', () => {
  it('the pristine dataset opens', async () => {
    const ds = await TokenDataset.open(pristine);
    expect(ds.shards.length).toBe(3);
    expect(ds.tokenizer).toEqual(TOK);
  });

  it('a shard with a flipped byte (same size): sha256 mismatch naming the shard', async () => {
    const c = copy();
    const file = c.shard(1);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x40;
    writeFileSync(file, bytes);
    const err = await refusal(c.dir);
    expect(err.code).toBe('SLUICE_LOADER');
    expect(err.file).toBe(file);
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/sha256 [0-9a-f]{64} does not match the manifest's/);
    expect(err.hint).toMatch(/rerun the pipeline/);
  });

  it('a truncated shard: size mismatch naming the shard', async () => {
    const c = copy();
    const file = c.shard(2);
    truncateSync(file, c.manifest.shards[2]!.bytes - 100);
    const err = await refusal(c.dir);
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/is \d+ bytes, the manifest says \d+ \(truncated\)/);
  });

  it('a truncated shard whose manifest was updated to match: the Parquet structure is checked too', async () => {
    const c = copy();
    const file = c.shard(0);
    const bytes = readFileSync(file).subarray(0, c.manifest.shards[0]!.bytes - 100);
    writeFileSync(file, bytes);
    c.manifest.shards[0] = { ...c.manifest.shards[0]!, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    c.save(c.manifest);
    const err = await refusal(c.dir);
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/PAR1/);
  });

  it('verify: size skips hashing but still checks sizes and structure', async () => {
    expect((await TokenDataset.open(pristine, { verify: 'size' })).docs).toBe(60);
    const c = copy();
    c.manifest.shards[0]!.sha256 = 'f'.repeat(64);
    c.save(c.manifest);
    expect((await TokenDataset.open(c.dir, { verify: 'size' })).docs).toBe(60);
    truncateSync(c.shard(1), 1000);
    expect((await refusal(c.dir, { verify: 'size' })).message).toMatch(/truncated/);
  });

  it('a manifest whose checksum does not match its shard', async () => {
    const c = copy();
    c.manifest.shards[0]!.sha256 = 'f'.repeat(64);
    c.save(c.manifest);
    const err = await refusal(c.dir);
    expect(err.file).toBe(c.shard(0));
    expect(err.message).toContain("does not match the manifest's ffff");
  });

  it('a manifest listing a shard that is missing', async () => {
    const c = copy();
    rmSync(c.shard(1));
    const err = await refusal(c.dir);
    expect(err.file).toBe(c.shard(1));
    expect(err.message).toMatch(/cannot read/);
  });

  it('a manifest that is not JSON, or missing (an unfinished run)', async () => {
    const c = copy();
    writeFileSync(join(c.dir, 'manifest.json'), '{"format": "sluice-shards", ');
    let err = await refusal(c.dir);
    expect(err.file).toBe(join(c.dir, 'manifest.json'));
    expect(err.message).toMatch(/not valid JSON/);
    rmSync(join(c.dir, 'manifest.json'));
    err = await refusal(c.dir);
    expect(err.hint).toMatch(/written last/);
  });

  it('a tokenizer mismatch: the trainer expects another vocabulary', async () => {
    const err = await refusal(pristine, { tokenizer: { sha256: 'a'.repeat(64) } });
    expect(err.file).toBe(join(pristine, 'manifest.json'));
    expect(err.message).toMatch(/tokenizer mismatch: the dataset's tokenizer.sha256 is "[0-9a-f]{64}", the trainer expects "a{64}"/);
    const err2 = await refusal(pristine, { tokenizer: { vocab_size: 50257 } });
    expect(err2.message).toMatch(/tokenizer.vocab_size is 5000, the trainer expects 50257/);
  });

  it('a tokenizer mismatch between manifest and shards: token ids beyond the vocabulary', async () => {
    const c = copy();
    c.manifest.tokenizer = { ...c.manifest.tokenizer, vocab_size: 1000, eos_id: 999 };
    c.save(c.manifest);
    const err = await refusal(c.dir);
    expect(err.message).toMatch(/token ids range over \[\d+, \d+\], outside the tokenizer's vocabulary of 1000/);
    expect(err.file).toMatch(/\.parquet$/);
  });

  it('shards that were never tokenized', async () => {
    const c = copy();
    delete c.manifest.tokenizer;
    c.save(c.manifest);
    const err = await refusal(c.dir);
    expect(err.message).toMatch(/has no tokenizer facts/);
    expect(err.hint).toMatch(/tokenize stage/);
  });

  it('a Parquet file from another writer (data pages v2) is refused with the reason and the file', async () => {
    const c = copy();
    const buf = new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ['a', 'b'] },
          { name: 'source', data: ['web', 'web'] },
          { name: 'input_ids', data: [[1, 2, 3], [4]] },
          { name: 'num_tokens', data: [3, 1] },
        ],
        schema: [
          { name: 'root', num_children: 4 },
          { name: 'id', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
          { name: 'source', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
          { name: 'input_ids', repetition_type: 'REQUIRED', num_children: 1, converted_type: 'LIST' },
          { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
          { name: 'element', type: 'INT32', repetition_type: 'REQUIRED' },
          { name: 'num_tokens', type: 'INT32', repetition_type: 'REQUIRED' },
        ],
      }),
    );
    const file = c.shard(0);
    writeFileSync(file, buf);
    c.manifest.shards[0] = { ...c.manifest.shards[0]!, bytes: buf.length, sha256: createHash('sha256').update(buf).digest('hex'), tokens: 4, rows: 2 };
    c.save({ ...c.manifest, rows: 42, tokens: c.manifest.shards.reduce((a, s) => a + s.tokens, 0) } as Manifest);
    const err = await refusal(c.dir);
    expect(err.file).toBe(file);
    expect(err.message).toMatch(/not a PLAIN data page v1/);
    expect(err.hint).toMatch(/sluice run/);
  });
});

describe('through the CLI and the Python client', () => {
  let damaged: { dir: string; file: string };

  beforeAll(() => {
    const c = copy();
    const file = c.shard(2);
    const bytes = readFileSync(file);
    bytes[100]! ^= 1;
    writeFileSync(file, bytes);
    damaged = { dir: c.dir, file };
  });

  it('sluice loader serve exits 1, names the shard, and writes no frame', () => {
    const r = sluice(['loader', 'serve', '--dataset', damaged.dir, '--seq-len', '16', '--batch', '2']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[SLUICE_LOADER]');
    expect(r.stderr).toContain(damaged.file);
    expect(r.stderr).toMatch(/hint: /);
  });

  it('sluice loader serve refuses a tokenizer the trainer does not use', () => {
    const r = sluice(['loader', 'serve', '--dataset', pristine, '--seq-len', '16', '--batch', '2', '--vocab-size', '50257']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(pristine, 'manifest.json'));
    expect(r.stderr).toMatch(/tokenizer mismatch/);
  });

  it("the Python client raises LoaderError with the server's message", () => {
    requirePythonDeps();
    const r = runPython(['-c', `from sluice_loader import LoaderClient\nLoaderClient(${JSON.stringify(damaged.dir)}, 16, 2)`]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('sluice_loader.client.LoaderError');
    expect(r.stderr).toContain(damaged.file);
  });
});

/** `sluice export bin`: llm.c's header (256 int32) then the tokens, read back with numpy. */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset } from '../helpers/token-dataset.js';

const READER = `
import json, sys
import numpy as np
out = []
for path in sys.argv[1:]:
    header = np.fromfile(path, dtype="<i4", count=256)
    magic, version, count = (int(x) for x in header[:3])
    assert not header[3:].any()
    dtype = {1: "<u2", 7: "<u4"}[version]
    toks = np.memmap(path, dtype=dtype, mode="r", offset=1024)
    assert toks.size == count
    out.append({"magic": magic, "version": version, "tokens": toks.tolist()})
print(json.dumps(out))
`;

let root: string;
beforeAll(() => {
  requirePythonDeps();
  root = tempDir('sluice-export-bin-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function read(paths: string[]): { magic: number; version: number; tokens: number[] }[] {
  const r = runPython(['-c', READER, ...paths]);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { magic: number; version: number; tokens: number[] }[];
}

describe('export bin', () => {
  const docs = identityDocs(lengths(30, 0, 200, 8));
  const total = docs.reduce((a, d) => a + d.tokens.length, 0);
  const expected = docs.flatMap((d) => [...Array.from(d.tokens), 65_535]);

  it('uint16 with the GPT-2 header, documents followed by EOS', async () => {
    const dir = join(root, 'u16');
    await writeTokenDataset(dir, docs, { shardDocs: 7, tokenizer: tokenizerFacts(65_536, 65_535) });
    const out = join(root, 'u16.bin');
    const r = sluice(['export', 'bin', dir, out]);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain('warn');
    const [f] = read([out]);
    expect(f).toEqual({ magic: 20240520, version: 1, tokens: expected });
  });

  it('uint32 past 65536 ids; --shard-tokens splits into numbered files that concatenate to the whole', async () => {
    const dir = join(root, 'u32');
    await writeTokenDataset(dir, docs, { shardDocs: 7, tokenizer: tokenizerFacts(70_000, 65_535) });
    const out = join(root, 'split', 'train.bin');
    mkdirSync(join(root, 'split'));
    const r = sluice(['export', 'bin', dir, out, '--shard-tokens', '1000']);
    expect(r.status).toBe(0);
    // the files are valid, but llm.c's C loader only reads uint16: said once, before writing
    expect(r.stderr).toMatch(/^warn: vocabulary of 70,000 ids is over 65,536: writing uint32 tokens \(magic 20240801, version 7/m);
    expect(r.stderr).toContain('accepts only uint16 files (magic 20240520, version 1: vocabularies of at most 65,536 ids) and stops on this one with "Bad magic"');
    expect(r.stderr.match(/warn:/g)).toHaveLength(1);
    const files = readdirSync(join(root, 'split')).sort();
    expect(files[0]).toBe('train_000000.bin');
    expect(files.length).toBe(Math.ceil((total + docs.length) / 1000));
    const parts = read(files.map((f) => join(root, 'split', f)));
    expect(parts.every((p) => p.magic === 20240801 && p.version === 7)).toBe(true);
    expect(parts.slice(0, -1).every((p) => p.tokens.length === 1000)).toBe(true);
    expect(parts.flatMap((p) => p.tokens)).toEqual(expected);
  });

  it('refuses a corrupted dataset before writing anything', async () => {
    const r = sluice(['export', 'bin', join(root, 'nope'), join(root, 'nope.bin')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/manifest\.json: cannot read/);
    expect(readdirSync(root).includes('nope.bin')).toBe(false);
  });
});

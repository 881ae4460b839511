/**
 * `sluice export megatron`: a reader written here from the format's description (numpy, in
 * Python) reads back the exact token sequence of every document.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { requirePythonDeps, runPython } from '../helpers/python.js';
import { identityDocs, lengths, tokenizerFacts, writeTokenDataset, type TokenDoc } from '../helpers/token-dataset.js';

/** Megatron's .idx/.bin layout, read with numpy only: header, lengths, pointers, document indices. */
const READER = `
import json, sys
import numpy as np
prefix = sys.argv[1]
with open(prefix + ".idx", "rb") as f:
    assert f.read(9) == b"MMIDIDX\\x00\\x00", "magic"
    version = int(np.frombuffer(f.read(8), "<u8")[0])
    code = f.read(1)[0]
    seqs = int(np.frombuffer(f.read(8), "<u8")[0])
    ndocs = int(np.frombuffer(f.read(8), "<u8")[0])
    lens = np.frombuffer(f.read(4 * seqs), "<i4")
    ptrs = np.frombuffer(f.read(8 * seqs), "<i8")
    doc_idx = np.frombuffer(f.read(8 * ndocs), "<i8")
    assert f.read() == b"", "trailing bytes in .idx"
dtype = {8: "<u2", 4: "<i4"}[code]
data = np.memmap(prefix + ".bin", dtype=np.uint8, mode="r")
docs = []
for d in range(ndocs - 1):
    toks = []
    for s in range(doc_idx[d], doc_idx[d + 1]):
        toks.extend(np.frombuffer(data[ptrs[s]: ptrs[s] + lens[s] * np.dtype(dtype).itemsize].tobytes(), dtype).tolist())
    docs.append(toks)
assert ptrs[-1] + lens[-1] * np.dtype(dtype).itemsize == data.size, "bin size"
print(json.dumps({"version": version, "code": code, "sequences": seqs, "documents": ndocs, "docs": docs}))
`;

let root: string;
beforeAll(() => {
  requirePythonDeps();
  root = tempDir('sluice-export-megatron-');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Read {
  version: number;
  code: number;
  sequences: number;
  documents: number;
  docs: number[][];
}

function readBack(prefix: string): Read {
  const r = runPython(['-c', READER, prefix]);
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Read;
}

async function exportCase(name: string, docs: TokenDoc[], vocab: number, args: string[] = []): Promise<Read> {
  const dir = join(root, name);
  await writeTokenDataset(dir, docs, { shardDocs: 17, rowGroupBytes: 4096, tokenizer: tokenizerFacts(vocab, vocab - 1) });
  const prefix = join(root, `${name}-out`);
  const r = sluice(['export', 'megatron', dir, prefix, ...args]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/wrote .*\.bin and .*\.idx/);
  return readBack(prefix);
}

describe('export megatron', () => {
  const docs = identityDocs(lengths(50, 0, 300, 2));

  it('uint16 below 65500 ids: every document, in dataset order, with EOS appended', async () => {
    const read = await exportCase('u16', docs, 20_000);
    expect(read.version).toBe(1);
    expect(read.code).toBe(8);
    expect(read.sequences).toBe(docs.length);
    expect(read.documents).toBe(docs.length + 1);
    expect(read.docs).toEqual(docs.map((d) => [...Array.from(d.tokens), 19_999]));
  });

  it('--no-eos: the exact token sequences', async () => {
    const read = await exportCase('u16-noeos', docs, 20_000, ['--no-eos']);
    expect(read.docs).toEqual(docs.map((d) => Array.from(d.tokens)));
  });

  it('int32 from 65500 ids up', async () => {
    const big: TokenDoc[] = [{ tokens: [70_000, 0, 65_535, 65_536] }, { tokens: [] }, { tokens: [99_998] }];
    const read = await exportCase('i32', big, 100_000, ['--no-eos']);
    expect(read.code).toBe(4);
    expect(read.docs).toEqual(big.map((d) => Array.from(d.tokens)));
  });

  it('the .bin holds the tokens and nothing else', async () => {
    const dir = join(root, 'raw');
    await writeTokenDataset(dir, [{ tokens: [1, 2, 3] }, { tokens: [500] }], { tokenizer: tokenizerFacts(1000, 999) });
    expect(sluice(['export', 'megatron', dir, join(root, 'raw-out')]).status).toBe(0);
    const bin = readFileSync(join(root, 'raw-out.bin'));
    expect(Array.from({ length: bin.length / 2 }, (_, i) => bin.readUInt16LE(i * 2))).toEqual([1, 2, 3, 999, 500, 999]);
  });
});

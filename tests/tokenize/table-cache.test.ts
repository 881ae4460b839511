import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { CLI, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';
import { bpeCoreFor, buildBpeTables } from '../../src/tokenize/bpe.js';
import { mergesFromRanks, toHfTokenizerJson, vocabularyFromHfJson } from '../../src/tokenize/hf-json.js';
import { loadStandard } from '../../src/tokenize/standard.js';
import { cachedTables, decodeTables, encodeTables, type CachedArray } from '../../src/tokenize/table-cache.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';
import type { Vocabulary } from '../../src/tokenize/vocabulary.js';

/** cachedTables over two arrays, counting builds; `dir` undefined is the cache turned off. */
function counted(dir: string | undefined, notes: string[] = []) {
  let builds = 0;
  const get = (): CachedArray[] =>
    cachedTables<CachedArray[]>(
      'test',
      'key-1',
      () => {
        builds++;
        return [Uint8Array.from([1, 2, 3]), Int32Array.from([-1, 7, 1 << 30])];
      },
      (a) => a,
      (a) => (a.length === 2 ? a : undefined),
      { dir, onNote: (m) => notes.push(m) },
    );
  return { get, builds: () => builds };
}

/** Byte equality of two typed arrays (expect's deep equality takes seconds on megabytes). */
const same = (a: CachedArray, b: CachedArray): boolean =>
  a.constructor === b.constructor && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const only = (dir: string): string => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
  expect(files).toHaveLength(1);
  return join(dir, files[0]!);
};

describe('table cache entries', () => {
  it('round-trips byte and int arrays of any length, each aligned for a view', () => {
    const arrays = [new Uint8Array(0), Uint8Array.from([255, 0, 7]), Int32Array.from([-1, 0, 2 ** 31 - 1, -(2 ** 31)]), new Int32Array(1001).map((_, i) => i * 7919)];
    const decoded = decodeTables(encodeTables(arrays));
    expect(typeof decoded).not.toBe('string');
    expect((decoded as CachedArray[]).map((a) => [a.constructor.name, Array.from(a)])).toEqual(arrays.map((a) => [a.constructor.name, Array.from(a)]));
  });

  it('refuses a flipped bit anywhere, a truncated entry, extra bytes and another format', () => {
    const good = encodeTables([Uint8Array.from([1, 2, 3]), Int32Array.from([4, 5])]);
    for (let at = 0; at < good.length; at++) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0x10;
      // a flip in the padding after the last array is still caught: the body's sha256 covers it
      expect(typeof decodeTables(bad), `flip at byte ${at}`).toBe('string');
    }
    expect(decodeTables(good.subarray(0, good.length - 1))).toMatch(/header says/);
    expect(decodeTables(Buffer.concat([good, Buffer.alloc(8)]))).toMatch(/header says/);
    expect(decodeTables(Buffer.from('not an entry at all'))).toMatch(/not a sluice table cache entry/);
  });

  it('builds once, then reads the entry back; a damaged entry is rebuilt and replaced', () => {
    const dir = tempDir();
    const notes: string[] = [];
    const first = counted(dir, notes);
    expect(Array.from(first.get()[1]!)).toEqual([-1, 7, 1 << 30]);
    const second = counted(dir, notes);
    expect(Array.from(second.get()[1]!)).toEqual([-1, 7, 1 << 30]);
    expect([first.builds(), second.builds()]).toEqual([1, 0]);

    const path = only(dir);
    const bytes = readFileSync(path);
    bytes[bytes.length - 4] = bytes[bytes.length - 4]! ^ 1;
    writeFileSync(path, bytes);
    const third = counted(dir, notes);
    expect(Array.from(third.get()[1]!)).toEqual([-1, 7, 1 << 30]);
    expect(third.builds()).toBe(1);
    expect(notes.join('\n')).toMatch(/sha256 does not match.*rebuilding/);
    expect(typeof decodeTables(readFileSync(path))).not.toBe('string');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('an entry of the wrong shape counts as a miss', () => {
    const dir = tempDir();
    const notes: string[] = [];
    cachedTables<CachedArray[]>(
      'test',
      'key-1',
      () => [Uint8Array.from([1])],
      (a) => a,
      (a) => a,
      { dir },
    );
    expect(counted(dir, notes).get()).toHaveLength(2);
    expect(notes.join('\n')).toMatch(/unexpected shape/);
  });

  it('a cache that cannot be written, or none, still gives the built value', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, 'x');
    const notes: string[] = [];
    const blocked = counted(join(file, 'cache'), notes);
    expect(blocked.get()).toHaveLength(2);
    expect(notes.join('\n')).toMatch(/not written/);
    const off = counted(undefined);
    off.get();
    off.get();
    expect(off.builds()).toBe(2);
  });
});

describe('cached encoder tables', () => {
  /** The text is encoded by a tokenizer built from the tables, with tiktoken as the reference. */
  function expectTiktokenIds(vocab: Vocabulary, reference: 'cl100k_base' | 'gpt2'): void {
    const tok = new Tokenizer(vocab);
    const enc = get_encoding(reference);
    try {
      for (const doc of mixedCorpus(3, 60_000, { lone: true })) expect(Array.from(tok.encodeOrdinary(doc))).toEqual(Array.from(enc.encode_ordinary(doc)));
    } finally {
      enc.free();
    }
  }

  it('cl100k: the ranks and merge tables read back equal the built ones, and encode as tiktoken does', () => {
    const dir = tempDir();
    const cold = loadStandard('cl100k_base', { dir });
    const warm = loadStandard('cl100k_base', { dir });
    expect(warm).not.toBe(cold);
    expect(warm.sha256).toBe(cold.sha256);
    expect(same(warm.tokens.pool, cold.tokens.pool)).toBe(true);
    expect(same(warm.tokens.offsets, cold.tokens.offsets)).toBe(true);
    expect(warm.source).toBe(cold.source);

    const built = buildBpeTables(cold);
    bpeCoreFor(cold, { dir }); // writes the entry
    const fromCache = bpeCoreFor(warm, { dir });
    expect(readdirSync(dir).filter((f) => f.startsWith('bpe-'))).toHaveLength(1);
    expect(same(fromCache.pairs.table, built.pairs.table)).toBe(true);
    expect(same(fromCache.bytesTable.slots, built.bytesTable.slots)).toBe(true);
    expect(same(fromCache.byteIds, built.byteIds)).toBe(true);
    expectTiktokenIds(warm, 'cl100k_base');
  });

  it('a merge-list vocabulary keeps its merged-id table, under its own entry', () => {
    const dir = tempDir();
    const ranks = loadStandard('gpt2', { dir: undefined });
    const json = toHfTokenizerJson(ranks, mergesFromRanks(ranks).pairs);
    const raw = Buffer.from(JSON.stringify(json));
    bpeCoreFor(vocabularyFromHfJson(json, 'tokenizer.json', raw), { dir });
    bpeCoreFor(ranks, { dir });
    // a rank vocabulary and a merge list over the same tokens are different tables
    expect(readdirSync(dir).filter((f) => f.startsWith('bpe-'))).toHaveLength(2);
    const again = vocabularyFromHfJson(json, 'tokenizer.json', raw);
    expect(again.mergeRule.kind).toBe('merges');
    bpeCoreFor(again, { dir });
    expectTiktokenIds(again, 'gpt2');
  });

  it('`sluice tokenizer encode` fills the cache once and gives the same ids from it; SLUICE_CACHE_DIR=off writes nothing', () => {
    const text = 'Tables read back from disk: ünïcödé, 数字 12345, and    spaces.\n';
    const run = (env: Record<string, string>): string => {
      const r = sluice(['tokenizer', 'encode', '--text', text], { env });
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const xdg = tempDir();
    const cold = run({ SLUICE_CACHE_DIR: '', XDG_CACHE_HOME: xdg });
    const dir = join(xdg, 'sluice');
    expect(
      readdirSync(dir)
        .sort()
        .map((f) => f.split('-')[0]),
    ).toEqual(['bpe', 'ranks']);
    // a rewrite would rename a new file into place: another inode, even with the same bytes
    const entries = (): string[] => readdirSync(dir).map((f) => `${f} ${statSync(join(dir, f)).ino}`);
    const written = entries();
    expect(run({ SLUICE_CACHE_DIR: dir })).toBe(cold);
    expect(entries()).toEqual(written);
    const untouched = tempDir();
    expect(run({ SLUICE_CACHE_DIR: 'off', XDG_CACHE_HOME: untouched })).toBe(cold);
    expect(readdirSync(untouched)).toEqual([]);
    const enc = get_encoding('cl100k_base');
    expect(JSON.parse(cold)).toEqual(Array.from(enc.encode_ordinary(text)));
    enc.free();
  });

  it("processes that start at once on an empty cache (a run's workers) agree and leave whole entries, no temp files", async () => {
    const dir = tempDir();
    const text = 'Four processes race to fill one cache; each renames its own temp file into place.';
    const runs = await Promise.all([0, 1, 2, 3].map(() => promisify(execFile)(process.execPath, [CLI, 'tokenizer', 'encode', '--text', text], { env: { ...process.env, SLUICE_CACHE_DIR: dir } })));
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(
      readdirSync(dir)
        .sort()
        .map((f) => f.split('-')[0]),
    ).toEqual(['bpe', 'ranks']);
    for (const f of readdirSync(dir)) expect(typeof decodeTables(readFileSync(join(dir, f))), f).not.toBe('string');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(sluice(['tokenizer', 'encode', '--text', text], { env: { SLUICE_CACHE_DIR: dir } }).stdout).toBe(runs[0]!.stdout);
  });
});

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/corpus.js';
import { loadTokenizer, loadVocabulary } from '../../src/tokenize/load.js';
import { parseRankFile } from '../../src/tokenize/rank-file.js';
import { loadStandard, STANDARD_VOCABULARIES } from '../../src/tokenize/standard.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';

describe('standard vocabularies', () => {
  // The hashes tiktoken itself pins for the published .tiktoken files (tiktoken_ext/openai_public.py).
  const PUBLISHED: Record<string, string> = {
    r50k_base: '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930',
    p50k_base: '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069',
    cl100k_base: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
    o200k_base: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
  };

  for (const [name, sha] of Object.entries(PUBLISHED)) {
    it(`${name}: loads from the js-tiktoken package and its ranks hash to tiktoken's published sha256`, () => {
      // without the table cache: the ranks are read from the package and hashed here
      const v = loadStandard(name, { dir: undefined });
      expect(v.sha256).toBe(sha);
      expect(v.size).toBe(STANDARD_VOCABULARIES[name]!.size);
      expect(v.defaultEos()?.token).toBe('<|endoftext|>');
    });
  }

  it("every token id has exactly tiktoken's bytes; the ids without a token are the known gaps", async () => {
    const { get_encoding } = await import('tiktoken');
    const GAPS: Record<string, number[]> = {
      gpt2: [],
      r50k_base: [],
      p50k_base: [],
      p50k_edit: [],
      cl100k_base: [100256, ...Array.from({ length: 15 }, (_, i) => 100261 + i)],
      o200k_base: [199998, ...Array.from({ length: 18 }, (_, i) => 200000 + i)],
    };
    for (const name of ['gpt2', 'r50k_base', 'p50k_base', 'p50k_edit', 'cl100k_base', 'o200k_base'] as const) {
      // (tiktoken's WASM object is unusable after it throws, so only ids that exist are asked for.)
      const enc = get_encoding(name);
      const tok = loadTokenizer({ tokenizer: name });
      const specials = new Set(tok.specialTokens.values());
      const wrong: number[] = [];
      const gaps: number[] = [];
      for (let id = 0; id < tok.size; id++) {
        if (!tok.vocab.tokens.has(id) && !specials.has(id)) {
          gaps.push(id);
          continue;
        }
        if (!Buffer.from(tok.tokenBytes(id)).equals(Buffer.from(enc.decode_single_token_bytes(id)))) wrong.push(id);
      }
      enc.free();
      expect(wrong.slice(0, 10), name).toEqual([]);
      expect(gaps, name).toEqual(GAPS[name]);
    }
  });

  it('an unknown name is an error listing the standard ones', () => {
    expect(() => loadVocabulary({ tokenizer: 'cl200k' })).toThrow(/neither a standard vocabulary nor an existing path/);
    expect(() => loadStandard('nope')).toThrow(/unknown vocabulary/);
  });
});

describe('tiktoken rank files', () => {
  it('write and read back to the same ranks and hash', () => {
    const v = loadStandard('r50k_base');
    const text = v.rankFile();
    const tokens = parseRankFile(text, 'r50k.tiktoken');
    expect(tokens.size).toBe(v.tokens.size);
    expect(Buffer.from(tokens.pool).equals(Buffer.from(v.tokens.pool))).toBe(true);
    expect(Array.from(tokens.offsets)).toEqual(Array.from(v.tokens.offsets));
  });

  it('a bare .tiktoken file loads with a pattern and special tokens given, and encodes like the standard one', () => {
    const dir = tempDir();
    const file = join(dir, 'mine.tiktoken');
    writeFileSync(file, loadStandard('cl100k_base').rankFile());
    const v = loadVocabulary({ tokenizer: file, pattern: 'cl100k_base', specialTokens: { '<|endoftext|>': 100257 } });
    expect(v.name).toBe('mine');
    expect(v.sha256).toBe(STANDARD_VOCABULARIES['cl100k_base']!.sha256);
    const text = "Rank files from anywhere: it's the same 12345 tokens. <|endoftext|>";
    expect(Array.from(new Tokenizer(v).encode(text, { allowedSpecial: 'all' }))).toEqual(Array.from(loadTokenizer({ tokenizer: 'cl100k_base' }).encode(text, { allowedSpecial: 'all' })));
  });

  it('malformed lines and repeated ranks are errors that name the line', () => {
    expect(() => parseRankFile('IQ== 0\nIg==\n', 'bad.tiktoken')).toThrow(/bad.tiktoken:2: expected "<base64> <rank>"/);
    expect(() => parseRankFile('IQ== 0\nIg== 0\n', 'dup.tiktoken')).toThrow(/dup.tiktoken:2: rank 0 appears twice/);
    expect(() => parseRankFile('I!Q= 0\n', 'b64.tiktoken')).toThrow(/malformed base64/);
  });

  it('a vocabulary without all 256 bytes is refused (it could not encode arbitrary text)', () => {
    const dir = tempDir();
    const file = join(dir, 'small.tiktoken');
    writeFileSync(file, 'YQ== 0\nYg== 1\n');
    expect(() => new Tokenizer(loadVocabulary({ tokenizer: file }))).toThrow(/no token for 254 of the 256 byte values/);
  });

  it('a trained directory whose rank file changed after training is refused', () => {
    const dir = tempDir();
    const out = join(dir, 'tok');
    mkdirSync(out);
    const ranks = loadStandard('r50k_base').rankFile();
    writeFileSync(join(out, 'tokenizer.tiktoken'), ranks);
    const meta = { format: 'sluice-tokenizer/1', name: 't', pattern: 'x', special_tokens: {}, vocab_size: 50256, rank_file: 'tokenizer.tiktoken', sha256: '0'.repeat(64) };
    writeFileSync(join(out, 'sluice-tokenizer.json'), JSON.stringify(meta));
    expect(() => loadVocabulary({ tokenizer: out })).toThrow(/rank file was changed|records 0000/);
    expect(readFileSync(join(out, 'tokenizer.tiktoken'), 'utf8')).toBe(ranks);
  });
});

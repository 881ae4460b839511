/**
 * HF tokenizer.json: files in the two byte-level styles (GPT-2's ByteLevel pre-tokenizer,
 * Llama 3's Split regex + ByteLevel), built here from tiktoken's ranks (nothing can be
 * downloaded), loaded by sluice and by @huggingface/tokenizers, both checked against tiktoken.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { get_encoding } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { bytesToHfToken, hfTokenToBytes, mergesFromRanks, toHfTokenizerJson, type HfTokenizerJson } from '../../src/tokenize/hf-json.js';
import { loadVocabulary } from '../../src/tokenize/load.js';
import { ReferenceTokenizer } from '../../src/tokenize/reference.js';
import { loadStandard } from '../../src/tokenize/standard.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';
import { tempDir } from '../helpers/corpus.js';

/** Documents JavaScript regex engines split like Rust's: no exotic whitespace, no unassigned code points, no lone surrogates. */
const PORTABLE = mixedCorpus(99, 400_000).filter((d) => !/[\u0085\ufeff\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u00a0\u180e]/u.test(d) && !/\p{Cn}|\p{Co}/u.test(d));

/** A GPT-2 style tokenizer.json from r50k_base's ranks, shaped like the real file (string merges, "" affixes). */
function gpt2Json(): HfTokenizerJson {
  const v = loadStandard('r50k_base');
  const json = toHfTokenizerJson(v, mergesFromRanks(v).pairs);
  json.model.vocab['<|endoftext|>'] = 50256;
  json.model.merges = json.model.merges.map((m) => (typeof m === 'string' ? m : `${m[0]} ${m[1]}`));
  json.model.continuing_subword_prefix = '';
  json.model.end_of_word_suffix = '';
  delete json.model.ignore_merges;
  json.added_tokens = [{ id: 50256, content: '<|endoftext|>', special: true }];
  json.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, use_regex: true };
  return json;
}

function write(json: HfTokenizerJson, name = 'tokenizer.json'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

describe('byte-level token strings', () => {
  it("map all 256 bytes to GPT-2's characters and back", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const s = bytesToHfToken(all);
    expect(s.length).toBe(256);
    expect(bytesToHfToken(Uint8Array.of(0x20, 0x0a))).toBe('ĠĊ');
    expect(Array.from(hfTokenToBytes(s)!)).toEqual(Array.from(all));
    expect(hfTokenToBytes('中')).toBeUndefined();
  });
});

describe('GPT-2 style tokenizer.json', () => {
  const path = write(gpt2Json());

  it("sluice encodes it to tiktoken's gpt2 ids", () => {
    const tok = new Tokenizer(loadVocabulary({ tokenizer: path }));
    expect(tok.vocab.mergeRule.kind).toBe('merges');
    expect(tok.size).toBe(50257);
    const enc = get_encoding('gpt2');
    for (const doc of mixedCorpus(5, 300_000, { lone: true })) expect(Array.from(tok.encodeOrdinary(doc))).toEqual(Array.from(enc.encode_ordinary(doc)));
    enc.free();
  });

  it('@huggingface/tokenizers loads the same file and gives the same ids', () => {
    const json = JSON.parse(JSON.stringify(gpt2Json())) as HfTokenizerJson;
    const hf = new HfTokenizer(json, {});
    const tok = new Tokenizer(loadVocabulary({ tokenizer: path }));
    for (const doc of PORTABLE) expect(tok.encodeOrdinary(doc).join()).toBe(hf.encode(doc, { add_special_tokens: false }).ids.join());
  });

  it('add_prefix_space puts a space before each segment that lacks one, as HF does', () => {
    const json = gpt2Json();
    json.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, use_regex: true };
    const tok = new Tokenizer(loadVocabulary({ tokenizer: write(json) }));
    const hf = new HfTokenizer(json, {});
    for (const text of ['Hello world', ' already spaced', 'x', '']) {
      expect(Array.from(tok.encodeOrdinary(text)), text).toEqual(hf.encode(text, { add_special_tokens: false }).ids);
    }
    // With special tokens allowed, every segment between them is its own text.
    const ref = new ReferenceTokenizer(tok.vocab);
    const text = 'first<|endoftext|> second<|endoftext|><|endoftext|>third part';
    expect(Array.from(tok.encode(text, { allowedSpecial: 'all' }))).toEqual(ref.encode(text, ['<|endoftext|>']));
  });
});

describe('Llama 3 style tokenizer.json', () => {
  const v = loadStandard('cl100k_base');
  const json = toHfTokenizerJson(v, mergesFromRanks(v).pairs);
  const path = write(json);

  it("has the shape of Llama 3's file: Split(regex, Isolated) + ByteLevel, ignore_merges, added tokens", () => {
    expect(json.pre_tokenizer).toEqual({
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: v.pattern }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    });
    expect(json.model.ignore_merges).toBe(true);
    expect(json.model.merges.length).toBe(100_000);
    expect(json.added_tokens?.map((t) => t.content)).toEqual(['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>']);
  });

  it("sluice encodes it to tiktoken's cl100k_base ids, and the reference implementation agrees", () => {
    const loaded = loadVocabulary({ tokenizer: path });
    const tok = new Tokenizer(loaded);
    const ref = new ReferenceTokenizer(loaded);
    const enc = get_encoding('cl100k_base');
    const docs = mixedCorpus(6, 300_000, { lone: true });
    for (const doc of docs) expect(Array.from(tok.encodeOrdinary(doc))).toEqual(Array.from(enc.encode_ordinary(doc)));
    for (const doc of docs.slice(0, 60)) expect(Array.from(tok.encodeOrdinary(doc))).toEqual(ref.encodeOrdinary(doc));
    const text = 'a<|endoftext|>b';
    expect(Array.from(tok.encode(text, { allowedSpecial: 'all' }))).toEqual(Array.from(enc.encode(text, 'all')));
    enc.free();
  });

  it('@huggingface/tokenizers gives the same ids', () => {
    const hf = new HfTokenizer(json, {});
    const tok = new Tokenizer(loadVocabulary({ tokenizer: path }));
    for (const doc of PORTABLE) expect(tok.encodeOrdinary(doc).join()).toBe(hf.encode(doc, { add_special_tokens: false }).ids.join());
  });
});

describe('unsupported tokenizer.json files are refused with the reason', () => {
  const v = loadStandard('r50k_base');
  const template = JSON.stringify(toHfTokenizerJson(v, mergesFromRanks(v).pairs.subarray(0, 200)));
  const base = (): HfTokenizerJson => JSON.parse(template) as HfTokenizerJson;
  const cases: [string, (j: HfTokenizerJson) => void, RegExp][] = [
    ['a normalizer', (j) => (j.normalizer = { type: 'NFC' }), /a normalizer is set/],
    ['a WordPiece model', (j) => (j.model.type = 'WordPiece'), /model type "WordPiece" is not BPE/],
    ['a Split that removes matches', (j) => (j.pre_tokenizer!.pretokenizers![0]!.behavior = 'Removed'), /Split behavior Removed/],
    ['a Metaspace pre-tokenizer', (j) => (j.pre_tokenizer = { type: 'Metaspace' }), /pre_tokenizer "Metaspace" is not supported/],
    ['a non byte-level token', (j) => (j.model.vocab['▁the'] = 99_999), /not a byte-level token/],
    ['a merge of unknown tokens', (j) => j.model.merges.push('ĀĀĀĀĀ āāāāā'), /names a token not in the vocab/],
  ];
  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const json = base();
      mutate(json);
      expect(() => loadVocabulary({ tokenizer: write(json) })).toThrow(message);
    });
  }
});

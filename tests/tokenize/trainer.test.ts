import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Tiktoken } from 'tiktoken/lite';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { loadVocabulary } from '../../src/tokenize/load.js';
import { PretokenCounter } from '../../src/tokenize/pretoken-counter.js';
import { ReferenceTokenizer } from '../../src/tokenize/reference.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';
import { BpeTrainer, writeTrainedTokenizer, type TrainedTokenizer } from '../../src/tokenize/trainer.js';
import { tempDir } from '../helpers/corpus.js';

function train(docs: string[], config: ConstructorParameters<typeof BpeTrainer>[0]): TrainedTokenizer {
  const trainer = new BpeTrainer(config);
  for (const d of docs) trainer.add(d);
  return trainer.finish();
}

function mergeStrings(t: TrainedTokenizer): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.merges.length; i += 2) {
    const s = (id: number): string => Buffer.from(t.vocab.tokens.bytes(id)).toString('latin1');
    out.push(`${s(t.merges[i]!)}+${s(t.merges[i + 1]!)}`);
  }
  return out;
}

// Held-out text that JavaScript regex engines (the HF library) split as Rust does.
const HELD_OUT = mixedCorpus(4242, 300_000).filter((d) => !/[\u0085\ufeff\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u00a0\u180e]/u.test(d) && !/\p{Cn}|\p{Co}/u.test(d));
const TRAINING = mixedCorpus(1, 1_500_000);

describe('BPE trainer', () => {
  it('learns the hand-checked first merges of a tiny corpus', () => {
    // cl100k pre-tokens: "aaab", " aab", " ab" (once each).
    // Pair counts: aa 3 (two in aaab, one in " aab"), ab 3, " a" 2. aa and ab tie at 3: the smaller
    // pair (97,97) wins -> 256 = "aa". Then aaab = [aa,a,b], " aab" = [ ,aa,b], " ab" = [ ,a,b]:
    // ab 2 (aaab, " ab"), every other pair 1 -> 257 = "ab". Now every pair occurs once: with
    // min_frequency 2 training stops there.
    const t = train(['aaab aab ab'], { vocabSize: 300, minFrequency: 2, specialTokens: [] });
    expect(mergeStrings(t)).toEqual(['a+a', 'a+b']);
    expect(t.report.stop).toBe('min_frequency');
    expect(t.report.last_pair_count).toBe(2);
    expect(t.vocab.size).toBe(258);
    // With min_frequency 1 the ties of count 1 go to the smallest (left, right): " "(32) + "aa"(256).
    const more = train(['aaab aab ab'], { vocabSize: 259, minFrequency: 1, specialTokens: [] });
    expect(mergeStrings(more)).toEqual(['a+a', 'a+b', ' +aa']);
    expect(more.report.stop).toBe('vocab_size');
  });

  it('weights pairs by how often each pre-token occurs, across documents', () => {
    // Pre-tokens " the" x3 across two documents and " hello" x1. h+e occurs 4 times (three in
    // " the", one in " hello") and goes first. Then " "+t and t+he both occur 3 times: the
    // smaller pair (32, 116) wins, and " t"+"he" follows.
    const t = train([' the the', ' the hello'], { vocabSize: 256 + 3, specialTokens: [] });
    expect(mergeStrings(t)).toEqual(['h+e', ' +t', ' t+he']);
  });

  it('puts the special tokens right after the learned tokens and honours vocab_size', () => {
    const t = train(TRAINING.slice(0, 300), { vocabSize: 1000, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(t.vocab.size).toBe(1000);
    expect(Object.fromEntries(t.vocab.specialTokens)).toEqual({ '<|endoftext|>': 998, '<|pad|>': 999 });
    expect(t.report.learned_tokens).toBe(1000 - 256 - 2);
  });

  it('is deterministic: the same documents give the same vocabulary', () => {
    const a = train(TRAINING.slice(0, 200), { vocabSize: 700 });
    const b = train(TRAINING.slice(0, 200), { vocabSize: 700 });
    expect(a.vocab.sha256).toBe(b.vocab.sha256);
  });

  it('refuses a vocab_size that cannot hold the bytes and special tokens', () => {
    expect(() => new BpeTrainer({ vocabSize: 256 })).toThrow(/vocab_size 256 is too small/);
  });

  describe('a tokenizer trained on 1.5M characters of mixed text', async () => {
    const dir = tempDir();
    const trained = train(TRAINING, { vocabSize: 4000, name: 'test-bpe' });
    const meta = await writeTrainedTokenizer(dir, trained);
    const tok = new Tokenizer(loadVocabulary({ tokenizer: dir }));

    it("is written as rank file, tokenizer.json and a meta file that records the rank file's sha256", () => {
      expect(meta.vocab_size).toBe(4000);
      expect(meta.sha256).toBe(tok.sha256);
      expect(tok.name).toBe('test-bpe');
      expect(tok.vocab.defaultEos()).toEqual({ token: '<|endoftext|>', id: 3999 });
    });

    it('round-trips any text, including characters it never saw', () => {
      for (const doc of mixedCorpus(77, 300_000, { lone: true })) {
        expect(tok.decode(tok.encodeOrdinary(doc))).toBe(doc.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
      }
      expect(tok.decode(tok.encodeOrdinary('never seen: 𓀀 ꙮ'))).toBe('never seen: 𓀀 ꙮ');
    });

    it('compresses text like its training data better than bytes', () => {
      const text = TRAINING.slice(0, 50).join('');
      expect(tok.encodeOrdinary(text).length).toBeLessThan(Buffer.byteLength(text) / 2.5);
    });

    it('agrees with the reference implementation', () => {
      const ref = new ReferenceTokenizer(tok.vocab);
      for (const doc of HELD_OUT.slice(0, 80)) expect(Array.from(tok.encodeOrdinary(doc))).toEqual(ref.encodeOrdinary(doc));
    });

    it('its tokenizer.json loads in @huggingface/tokenizers and encodes to the same ids', () => {
      const hf = new HfTokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), {});
      let compared = 0;
      for (const doc of HELD_OUT) {
        expect(hf.encode(doc, { add_special_tokens: false }).ids.join(), JSON.stringify(doc.slice(0, 60))).toBe(tok.encodeOrdinary(doc).join());
        compared++;
      }
      expect(compared).toBeGreaterThan(100);
      expect(hf.decode(Array.from(tok.encodeOrdinary(HELD_OUT[0]!)))).toBe(HELD_OUT[0]);
    });

    it('its rank file loads in tiktoken itself and encodes to the same ids', () => {
      const enc = new Tiktoken(readFileSync(join(dir, 'tokenizer.tiktoken'), 'utf8'), meta.special_tokens, meta.pattern);
      for (const doc of mixedCorpus(78, 200_000, { lone: true })) expect(Array.from(enc.encode_ordinary(doc))).toEqual(Array.from(tok.encodeOrdinary(doc)));
      expect(Array.from(enc.encode('x<|endoftext|>', 'all'))).toEqual(Array.from(tok.encode('x<|endoftext|>', { allowedSpecial: 'all' })));
      enc.free();
    });

    it('sluice also reads its own tokenizer.json (HF merge rule) to the same ids', () => {
      const viaJson = new Tokenizer(loadVocabulary({ tokenizer: join(dir, 'tokenizer.json') }));
      for (const doc of HELD_OUT.slice(0, 100)) expect(Array.from(viaJson.encodeOrdinary(doc))).toEqual(Array.from(tok.encodeOrdinary(doc)));
    });
  });
});

describe('pre-token counting under a memory bound', () => {
  it('prunes the rarest pre-tokens when the table is full and reports the threshold', () => {
    const counter = new PretokenCounter(loadVocabulary({ tokenizer: 'cl100k_base' }).pattern, 100);
    // 150 distinct words once each (one document), then " common" twice in each of 50 documents:
    // the prune after the first document drops every count-1 entry.
    const word = (i: number): string => 'w' + String.fromCharCode(97 + Math.floor(i / 26), 97 + (i % 26));
    counter.add(Array.from({ length: 150 }, (_, i) => word(i)).join(' '));
    for (let i = 0; i < 50; i++) counter.add(' common common');
    const stats = counter.stats();
    expect(stats.prunes).toBeGreaterThanOrEqual(1);
    expect(stats.pruneThreshold).toBe(1);
    expect(stats.distinct).toBeLessThanOrEqual(100);
    expect(counter.counts.get(' common')).toBe(100);
    expect(stats.droppedOccurrences).toBe(150);
    expect(stats.pieces).toBe(150 + 100);
  });

  it('raises the threshold until the table is at most 3/4 full', () => {
    const counter = new PretokenCounter(loadVocabulary({ tokenizer: 'cl100k_base' }).pattern, 40);
    for (let i = 0; i < 41; i++) counter.add(`${'k'.repeat(i + 1)}`.repeat(1) + ` ${'q'.repeat(i + 1)}`.repeat(2));
    const stats = counter.stats();
    expect(stats.distinct).toBeLessThanOrEqual(30);
    expect(stats.pruneThreshold).toBe(2);
  });
});

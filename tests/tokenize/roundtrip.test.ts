import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { loadTokenizer } from '../../src/tokenize/load.js';
import { wellFormed } from '../../src/tokenize/utf8.js';

const VOCABS = ['r50k_base', 'p50k_base', 'cl100k_base', 'o200k_base'] as const;

describe('decode(encode(t)) === t', () => {
  for (const name of VOCABS) {
    it(`${name}: for any well-formed string (property)`, () => {
      const tok = loadTokenizer({ tokenizer: name });
      fc.assert(
        fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.string({ maxLength: 300 })), (t) => {
          expect(tok.decode(tok.encodeOrdinary(t))).toBe(t);
        }),
        { numRuns: 1500 },
      );
    });

    it(`${name}: for every document of a 1 MB mixed corpus, and with lone surrogates as U+FFFD`, () => {
      const tok = loadTokenizer({ tokenizer: name });
      for (const doc of mixedCorpus(7, 1_000_000, { lone: true })) expect(tok.decode(tok.encodeOrdinary(doc))).toBe(wellFormed(doc));
    });
  }

  it("lone surrogates encode as U+FFFD would, which is what tiktoken's JS binding sees", () => {
    const tok = loadTokenizer({ tokenizer: 'cl100k_base' });
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.oneof(
            fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
            fc.constantFrom('a', ' ', '\ud83d\ude00', 'x1'),
          ),
          maxLength: 30,
        }),
        (t) => {
          expect(Array.from(tok.encodeOrdinary(t))).toEqual(Array.from(tok.encodeOrdinary(wellFormed(t))));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('a byte-order mark at the start survives decode', () => {
    const tok = loadTokenizer({ tokenizer: 'o200k_base' });
    expect(tok.decode(tok.encodeOrdinary('\ufeffhello'))).toBe('\ufeffhello');
  });

  it('decoding splits inside a character only when asked for part of the ids', () => {
    const tok = loadTokenizer({ tokenizer: 'cl100k_base' });
    const ids = tok.encodeOrdinary('🫠');
    expect(ids.length).toBeGreaterThan(1);
    expect(tok.decode(ids.subarray(0, 1))).toBe('\ufffd');
    expect(() => tok.decode([tok.size + 10])).toThrow(/not in cl100k_base/);
  });
});

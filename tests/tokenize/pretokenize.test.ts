import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from '../../src/tokenize/patterns.js';
import { PreTokenizer } from '../../src/tokenize/pretokenize.js';
import { compilePattern, translatePattern } from '../../src/tokenize/regex-translate.js';
import { wellFormed } from '../../src/tokenize/utf8.js';

/** Representatives of every class and special case the three patterns distinguish. */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const ALPHABET = [
  'a', 'b', 'Z', 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'l', 'L', 'd', 'm', 'v', 'V', "'", 'ſ', '\u212a',
  ' ', ' ', ' ', '\t', '\n', '\r', '\r\n', '\u000b', '\u0085', '\u00a0', '\u2028', '\u3000', '\ufeff', '\u200b',
  '1', '٣', 'Ⅻ', '½', '𝟙', '!', '.', '/', '-', '"', ',', '_', '$', '\ufffd',
  'é', 'É', 'ǅ', 'ʰ', 'ǂ', '中', 'あ', '\u0301', '\u0903', '\u20dd', '\u0295', '\u1c89',
  '😀', '\u200d', '\u{1d400}', '\u{1d41a}', '\u{20000}', '\u{1e900}', '\u{1e922}', '\ud800', '\udc00',
];

const text = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 40 });

const PATTERNS = { r50k: R50K_PATTERN, cl100k: CL100K_PATTERN, o200k: O200K_PATTERN };

describe('hand-written pre-tokenizers', () => {
  for (const [name, pattern] of Object.entries(PATTERNS)) {
    it(`${name}: splits exactly as the pattern's regex (Rust semantics), on random text`, () => {
      const fast = new PreTokenizer(pattern);
      expect(fast.scanner).toBeDefined();
      const regex = compilePattern(pattern, 'gu');
      fc.assert(
        fc.property(text, (t) => {
          // The regex sees what tiktoken sees: lone surrogates as U+FFFD.
          const expected = [...wellFormed(t).matchAll(regex)].map((m) => m[0]);
          expect(fast.pieces(t).map(wellFormed)).toEqual(expected);
        }),
        { numRuns: 4000 },
      );
    });

    it(`${name}: pieces cover the text exactly, with no empty piece`, () => {
      const fast = new PreTokenizer(pattern);
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (t) => {
          const pieces = fast.pieces(t);
          expect(pieces.join('')).toBe(t);
          expect(pieces.every((p) => p.length > 0)).toBe(true);
        }),
        { numRuns: 500 },
      );
    });
  }

  it('cl100k: case-insensitive contractions include U+017F LONG S, as Rust case folding does', () => {
    const pre = new PreTokenizer(CL100K_PATTERN);
    expect(pre.pieces("it's IT'S we'LL 'ſx")).toEqual(['it', "'s", ' IT', "'S", ' we', "'LL", " '", 'ſx']);
    expect(pre.pieces("'ſx")).toEqual(["'ſ", 'x']);
    expect(pre.pieces("'\u212ax")).toEqual(["'\u212ax"]); // KELVIN SIGN folds to k, not a contraction letter
  });

  it("cl100k: U+0085 is whitespace and U+FEFF is not, unlike JavaScript's \\s", () => {
    const pre = new PreTokenizer(CL100K_PATTERN);
    expect(pre.pieces('a\u0085\u0085b')).toEqual(['a', '\u0085', '\u0085b']);
    expect(pre.pieces('\ufeffhello')).toEqual(['\ufeffhello']);
    expect(pre.pieces('x  \n\n  y')).toEqual(['x', '  \n\n', ' ', ' y']);
    expect(pre.pieces('1234567')).toEqual(['123', '456', '7']);
    expect(pre.pieces('end   ')).toEqual(['end', '   ']);
  });

  it('o200k: splits CamelCase words and keeps marks with their letters', () => {
    const pre = new PreTokenizer(O200K_PATTERN);
    expect(pre.pieces("HTTPServer's camelCaseWord")).toEqual(["HTTPServer's", ' camel', 'Case', 'Word']); // contractions are suffixes in o200k
    expect(pre.pieces('CAFÉ café\u0301 x//y\n')).toEqual(['CAFÉ', ' café\u0301', ' x', '//', 'y', '\n']);
  });

  it('r50k: a space attaches to the following word, number or punctuation run', () => {
    const pre = new PreTokenizer(R50K_PATTERN);
    expect(pre.pieces("Hello  world's 12345 !!\n")).toEqual(['Hello', ' ', ' world', "'s", ' 12345', ' !!', '\n']);
  });
});

describe('pattern translation to JavaScript', () => {
  it('turns possessive quantifiers into the exact lookahead emulation', () => {
    const re = compilePattern('a++b|a?+a', 'gu');
    // "aa": possessive a?+ takes the first a, then needs another: matches "aa"; a++b never gives back.
    expect([...'aaab aa a'.matchAll(re)].map((m) => m[0])).toEqual(['aaab', 'aa']);
  });

  it('rejects syntax it cannot translate, with a hint', () => {
    expect(() => translatePattern('(?P<x>a)')).toThrow(/cannot translate|unsupported/);
  });

  it('an unknown pattern runs through the translated regex and keeps or skips unmatched text', () => {
    const skip = new PreTokenizer('[a-z]+');
    expect(skip.scanner).toBeUndefined();
    expect(skip.pieces('ab12cd')).toEqual(['ab', 'cd']);
    const keep = new PreTokenizer('[a-z]+', true);
    expect(keep.pieces('ab12cd!')).toEqual(['ab', '12', 'cd', '!']);
  });
});

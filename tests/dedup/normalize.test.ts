import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simplifiedUtf8, simplifyText, simplifyTextByRegex } from '../../src/dedup/normalize.js';
import { Shingler, wordHash } from '../../src/dedup/minhash/shingles.js';

/** The words the tokenizer must produce: the reference normalizer, split on spaces. */
function referenceWordHashes(text: string): number[] {
  const s = simplifyTextByRegex(text);
  return s === '' ? [] : s.split(' ').map(wordHash);
}

function tokenizerWordHashes(text: string): number[] {
  const sh = new Shingler('word', 5, 1);
  const n = sh.wordHashes(text);
  return Array.from(sh.wordHashView(n));
}

describe('simple normalization', () => {
  it.each([
    ['Hello, World!', 'hello world'],
    ['  Café  déjà-vu\t\n', 'cafe deja vu'],
    ['Price: $1,299.99 (2024)', 'price 0 000 00 0000'],
    ['ÀÉÎÕÜ ñ ç', 'aeiou n c'],
    ['İstanbul', 'istanbul'],
    ['٣ apples and ４ pears', '0 apples and 0 pears'],
    ['emoji 😀 between', 'emoji between'],
    ['math 𝟘𝟙 digits', 'math 00 digits'],
    ['', ''],
    ['...!!!', ''],
    ['a\u0301\u0301b', 'ab'],
  ])('%j -> %j', (input, expected) => {
    expect(simplifyTextByRegex(input)).toBe(expected);
    expect(simplifyText(input)).toBe(expected);
  });
});

describe('the one-pass normalizer agrees with the regex definition', () => {
  const agrees = (text: string): void => {
    const ref = simplifyTextByRegex(text);
    expect(simplifyText(text)).toBe(ref);
    expect(Buffer.from(simplifiedUtf8(text)).equals(Buffer.from(ref, 'utf8'))).toBe(true);
  };

  it.each(['x\u0300 \u0300 y', 'lone \ud800 high and \udc00 low', '\ud800\u0301\udc00', 'end \ud83d', 'pair 𝒜𝒷 😀 𝟗 ٣', 'Σίσυφος ΟΔΟΣ', '  ..a..  ', 'x'.repeat(20000) + ' é'])('%j', agrees);

  it('on arbitrary Unicode strings', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), agrees), { numRuns: 3000 });
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 80 }), agrees), { numRuns: 3000 });
    // ASCII text takes its own path (written straight as bytes)
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii', maxLength: 80 }), agrees), { numRuns: 3000 });
  });
});

describe('the word tokenizer agrees with simplifyText', () => {
  it.each([
    'Hello, World!',
    'Café déjà-vu',
    'x\u0300 \u0300 y', // a word made only of marks disappears
    'İI ǅ ß ẞ',
    'lone \ud800 high and \udc00 low surrogates',
    'pair 𝒜𝒷 and 😀😀 and 𝟗',
    '日本語のテキスト、句読点。',
    'tabs\tand\u00a0nbsp\u2028line',
    '',
  ])('%j', (text) => {
    expect(tokenizerWordHashes(text)).toEqual(referenceWordHashes(text));
  });

  it('on arbitrary Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (text) => {
        expect(tokenizerWordHashes(text)).toEqual(referenceWordHashes(text));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (text) => {
        expect(tokenizerWordHashes(text)).toEqual(referenceWordHashes(text));
      }),
      { numRuns: 2000 },
    );
  });
});

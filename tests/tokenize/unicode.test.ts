import { get_encoding } from 'tiktoken';
import { describe, expect, it } from 'vitest';
import { SPACE_LIKE } from '../corpora/tokenize-text.js';
import { loadTokenizer } from '../../src/tokenize/load.js';
import { CharClass, codePointClasses } from '../../src/tokenize/unicode/classes.js';
import { UNICODE_VERSION } from '../../src/tokenize/unicode/classes.data.js';

/** Classes as Node's own regex engine (its ICU's Unicode version) sees them, with Rust's \s. */
function jsClass(cp: number): number {
  if (cp >= 0xd800 && cp <= 0xdfff) return CharClass.Other;
  const s = String.fromCodePoint(cp);
  if (/[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u.test(s)) return CharClass.Space;
  if (/\p{N}/u.test(s)) return CharClass.Number;
  if (/\p{Lu}/u.test(s)) return CharClass.Lu;
  if (/\p{Lt}/u.test(s)) return CharClass.Lt;
  if (/\p{Ll}/u.test(s)) return CharClass.Ll;
  if (/\p{Lm}/u.test(s)) return CharClass.Lm;
  if (/\p{Lo}/u.test(s)) return CharClass.Lo;
  if (/\p{M}/u.test(s)) return CharClass.Mark;
  return CharClass.Other;
}

describe('Unicode class tables (regex-syntax 0.8.5, as in tiktoken 1.0.22)', () => {
  const table = codePointClasses();

  it('is Unicode 16 and has exactly the White_Space set Rust uses for \\s', () => {
    expect(UNICODE_VERSION).toBe('16.0.0');
    const spaces: number[] = [];
    for (let cp = 0; cp < table.length; cp++) if (table[cp] === CharClass.Space) spaces.push(cp);
    expect(spaces).toEqual([9, 10, 11, 12, 13, 32, 0x85, 0xa0, 0x1680, ...Array.from({ length: 11 }, (_, i) => 0x2000 + i), 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]);
    // JavaScript's \s differs: it has U+FEFF and lacks U+0085.
    expect(/\s/.test('\ufeff')).toBe(true);
    expect(table[0xfeff]).toBe(CharClass.Other);
    expect(/\s/.test('\u0085')).toBe(false);
    expect(table[0x85]).toBe(CharClass.Space);
  });

  it("agrees with Node's tables except where Unicode 17 assigned or recategorised code points", () => {
    const differ: number[] = [];
    for (let cp = 0; cp < table.length; cp++) if (table[cp] !== jsClass(cp)) differ.push(cp);
    // Every difference is a code point unassigned in Unicode 16 (Other here), bar a known recategorisation.
    const recategorised = differ.filter((cp) => table[cp] !== CharClass.Other);
    expect(recategorised.map((cp) => cp.toString(16))).toEqual(['295']); // U+0295 LATIN LETTER PHARYNGEAL VOICED FRICATIVE: Ll in 16, Lo in 17
    expect(differ.length).toBeGreaterThan(1000);
    expect(differ.length).toBeLessThan(10_000);
  });

  it("gives tiktoken's ids for every code point where the Unicode versions differ, in several contexts", () => {
    const differ: number[] = [];
    for (let cp = 0; cp < table.length; cp++) if (table[cp] !== jsClass(cp)) differ.push(cp);
    const probe = (c: string): string => `ab${c}cd ${c}${c}${c}'${c}x${c}\n\n1${c}2 A${c}b ${c}'s${c}`;
    for (const name of ['r50k_base', 'cl100k_base', 'o200k_base'] as const) {
      const enc = get_encoding(name);
      const tok = loadTokenizer({ tokenizer: name });
      const bad = differ.filter((cp) => {
        const text = probe(String.fromCodePoint(cp));
        return tok.encodeOrdinary(text).join() !== enc.encode_ordinary(text).join();
      });
      enc.free();
      expect(bad.map((cp) => `${name} U+${cp.toString(16)}`)).toEqual([]);
    }
  });

  it("gives tiktoken's ids for every BMP code point and every whitespace-like character, in several contexts", () => {
    const chunks: string[] = [];
    for (let cp = 0; cp < 0x10000; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const c = String.fromCharCode(cp);
      chunks.push(`ab${c}cd ${c}${c}${c}'${c}x${c}\n1${c}2 A${c}b ${c}'s\n`);
    }
    for (const c of SPACE_LIKE) chunks.push(`x${c}${c}y ${c}\n${c}z${c}`);
    for (const name of ['cl100k_base', 'o200k_base'] as const) {
      const enc = get_encoding(name);
      const tok = loadTokenizer({ tokenizer: name });
      // Compare in blocks so a failure names the code points involved.
      const bad: string[] = [];
      for (let i = 0; i < chunks.length; i += 512) {
        const text = chunks.slice(i, i + 512).join('');
        if (tok.encodeOrdinary(text).join() !== enc.encode_ordinary(text).join()) {
          const before = bad.length;
          for (const chunk of chunks.slice(i, i + 512)) {
            if (tok.encodeOrdinary(chunk).join() !== enc.encode_ordinary(chunk).join()) bad.push(`${name} ${JSON.stringify(chunk)}`);
          }
          // The block differs although each chunk alone agrees: the difference spans chunks.
          if (bad.length === before) bad.push(`${name} block of chunks ${i}..${i + 511}`);
        }
      }
      enc.free();
      expect(bad.slice(0, 10)).toEqual([]);
    }
  });
});

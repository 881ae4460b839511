import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gopherRepetition, gopherRepetitionParams } from '../../src/filters/gopher-repetition.js';
import { ALPHA, CHAR_FLAGS, NOSPACE, PUNCT, SPACE, TERMINAL, astralFlags, pyStrip } from '../../src/filters/text/chars.js';
import { documentLanguage, guessLanguageFromScript, normalizeLanguageTag } from '../../src/filters/text/doc-language.js';
import { SPAN_HASH_SEED, SequenceCounter, SpanInterner } from '../../src/filters/text/hash-table.js';
import { eachPyLine } from '../../src/filters/text/lines.js';
import { countTokens, scriptLetters, tokenize, tokenStrings } from '../../src/filters/text/tokens.js';
import { doc } from '../helpers/harness.js';

const words = (text: string) => tokenStrings(tokenize(text));

describe('character classes', () => {
  it('follow Python isspace/isalpha and the datatrove punctuation sets', () => {
    const has = (ch: string, bit: number) => (CHAR_FLAGS[ch.charCodeAt(0)]! & bit) !== 0;
    expect(['\t', '\n', '\x1c', '\x85', '\u3000', '\u2028'].every((c) => has(c, SPACE))).toBe(true);
    expect(has('\ufeff', SPACE)).toBe(false);
    expect(['a', 'é', 'ж', '中', 'の', 'ก'].every((c) => has(c, ALPHA))).toBe(true);
    expect(['#', '.', '…', '。', '，', '«'].every((c) => has(c, PUNCT))).toBe(true);
    expect(['.', '!', '?', '。', '؟', '।'].every((c) => has(c, TERMINAL))).toBe(true);
    expect(['中', 'の', 'ー', 'ก'].every((c) => has(c, NOSPACE))).toBe(true);
    expect(has('한', NOSPACE)).toBe(false);
  });

  it('pyStrip strips Python whitespace only', () => {
    expect(pyStrip(' \u3000 a b \x1c\n')).toBe('a b');
    expect(pyStrip('\ufeffa')).toBe('\ufeffa');
  });

  it('splits lines like str.splitlines()', () => {
    const lines = (s: string) => {
      const out: string[] = [];
      eachPyLine(s, (a, b) => out.push(s.slice(a, b)) > 0);
      return out;
    };
    expect(lines('')).toEqual([]);
    expect(lines('\n')).toEqual(['']);
    expect(lines('a\nb\n')).toEqual(['a', 'b']);
    expect(lines('a\r\nb\rc\u2028d\x0be')).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(lines('a\n\nb')).toEqual(['a', '', 'b']);
  });
});

describe('tokens', () => {
  it('split punctuation off the ends of words like NLTK', () => {
    expect(words('I am your father.')).toEqual(['I', 'am', 'your', 'father', '.']);
    expect(words('("Hello," she said)...')).toEqual(['("', 'Hello', ',"', 'she', 'said', ')...']);
    expect(words("don't e-mail 3.14 http://x.org/a")).toEqual(["don't", 'e-mail', '3.14', 'http://x.org/a']);
    expect(words('# comment')).toEqual(['#', 'comment']);
  });

  it('count each Han/Kana/Thai character as a word', () => {
    expect(words('北京是首都。')).toEqual(['北', '京', '是', '首', '都', '。']);
    expect(words('中文English123中文')).toEqual(['中', '文', 'English123', '中', '文']);
    expect(words('ラーメン')).toEqual(['ラ', 'ー', 'メ', 'ン']);
  });

  it('flag words, alphabetic tokens and letters per script', () => {
    const t = tokenize('Hi, 42 😀 !!');
    expect(tokenStrings(t)).toEqual(['Hi', ',', '42', '😀', '!!']);
    expect([t.count, t.words, t.alphaTokens, t.wordChars]).toEqual([5, 3, 1, 6]);
  });

  it("agree with a straightforward reference segmentation, and carry each token's hash", () => {
    const isSpace = (cp: number) => cp < 0x10000 && (CHAR_FLAGS[cp]! & SPACE) !== 0;
    const classOf = (cp: number) => (cp < 0x10000 ? CHAR_FLAGS[cp]! : astralFlags(cp));
    const reference = (text: string): string[] => {
      const out: string[] = [];
      const cps = [...text];
      let chunk: string[] = [];
      const flushChunk = () => {
        if (chunk.length === 0) return;
        const isPunct = (ch: string) => (classOf(ch.codePointAt(0)!) & PUNCT) !== 0;
        let a = 0;
        while (a < chunk.length && isPunct(chunk[a]!)) a++;
        if (a === chunk.length) out.push(chunk.join(''));
        else {
          let b = chunk.length;
          while (isPunct(chunk[b - 1]!)) b--;
          if (a > 0) out.push(chunk.slice(0, a).join(''));
          out.push(chunk.slice(a, b).join(''));
          if (b < chunk.length) out.push(chunk.slice(b).join(''));
        }
        chunk = [];
      };
      for (const ch of cps) {
        const cp = ch.codePointAt(0)!;
        const f = classOf(cp);
        if (isSpace(cp)) flushChunk();
        else if ((f & (NOSPACE | PUNCT)) === NOSPACE) {
          flushChunk();
          out.push(ch);
        } else chunk.push(ch);
      }
      flushChunk();
      return out;
    };
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'Z', '1', ' ', '\t', '\n', '\u3000', '.', ',', '(', '"', '#', '中', 'の', '。', '😀', '𠀀', 'é', 'ж', '…', '-', "'", '\u0000', '\ud800'), { maxLength: 60 }),
        (chars) => {
          const text = chars.join('');
          expect(words(text)).toEqual(reference(text));
          const t = tokenize(text);
          for (let k = 0; k < t.count; k++) {
            let h = SPAN_HASH_SEED;
            for (let j = t.start[k]!; j < t.end[k]!; j++) h = Math.imul(h ^ text.charCodeAt(j), 0x01000193);
            expect(t.hashes[k]).toBe(h);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('count without recording exactly as many tokens as tokenize records', () => {
    let k = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'Z', '1', ' ', '\n', '.', ',', '(', '"', '#', '中', 'の', '😀', 'é', '…', '-', "'"), { maxLength: 60 }), (chars) => {
        const text = `${chars.join('')} #${k++}`; // a new text each run, so the memo never answers
        const counted = countTokens(text);
        expect(counted).toBe(tokenize(text).count);
      }),
      { numRuns: 500 },
    );
  });

  it('count letters per script without tokenizing exactly as tokenize counts them', () => {
    let k = 0;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'Z', 'é', 'ª', 'µ', 'ж', 'α', 'ש', 'ع', 'क', '한', '中', 'の', 'ก', '𠀀', '𝐀', '😀', '.', '#', ' ', '\n', '\ud800', '\udc00'), { maxLength: 60 }),
        (chars) => {
          const text = `${chars.join('')} ${k++}`; // a new text each run, so the memo never answers
          const light = scriptLetters(text);
          const lightCounts = [light.letters, ...light.scriptLetters];
          const t = tokenize(text);
          expect(lightCounts).toEqual([t.letters, ...t.scriptLetters]);
        },
      ),
      { numRuns: 500 },
    );
    const t = tokenize('北京 abc');
    expect(scriptLetters('北京 abc')).toBe(t);
  });

  it('reuse the last result for the same text and recompute for another', () => {
    const a = tokenize('one two');
    expect(a.count).toBe(2);
    expect(tokenize('one two three').count).toBe(3);
  });
});

describe('document language', () => {
  it('normalises tags and prefers param, then meta, then the script guess', () => {
    expect(normalizeLanguageTag('zh-Hans')).toBe('zh');
    expect(normalizeLanguageTag('pt_BR')).toBe('pt');
    const zh = '北京是中华人民共和国的首都';
    expect(documentLanguage(doc(zh, 'd', 't', { language: 'fr' }), 'de', 'en')).toBe('de');
    expect(documentLanguage(doc(zh, 'd', 't', { language: 'fr-CA' }), 'auto', 'en')).toBe('fr');
    expect(documentLanguage(doc(zh, 'd', 't', { language: ' ' }), 'auto', 'en')).toBe('zh');
    expect(documentLanguage(doc('The capital of France'), 'auto', 'de')).toBe('de');
  });

  it.each([
    ['東京は日本の首都です', 'ja'],
    ['北京是中国的首都 and some English', 'zh'],
    ['서울은 한국의 수도입니다', 'ko'],
    ['กรุงเทพมหานครเป็นเมืองหลวง', 'und-Thai'],
    ['Москва столица России', 'und-Cyrl'],
    ['The capital of France', 'en'],
    ['12345', 'en'],
  ])('guesses %s as %s', (text, lang) => {
    expect(guessLanguageFromScript(tokenize(text), 'en')).toBe(lang);
  });
});

describe('hash tables', () => {
  it('intern spans by content and count them', () => {
    const s = new SpanInterner();
    const text = 'ab cd ab ab cd ef';
    s.reset(text, 2);
    const ids = tokenStrings(tokenize(text)).map((_, k) => s.intern(tokenize(text).start[k]!, tokenize(text).end[k]!));
    expect(ids).toEqual([0, 1, 0, 0, 1, 2]);
    expect(Array.from(s.counts.slice(0, 3))).toEqual([3, 2, 1]);
  });

  it('count n-grams exactly through growth and rehashing', () => {
    const ids = Int32Array.from({ length: 5000 }, (_, i) => i % 1000);
    const c = new SequenceCounter();
    c.reset(ids, 3, 10);
    for (let p = 0; p + 3 <= ids.length; p++) c.add(p);
    expect(c.size).toBe(1000);
    expect(c.counts[0]).toBe(5);
  });
});

/** Straight port of datatrove's GopherRepetitionFilter over string tokens: slow, for comparison. */
function referenceRepetition(text: string): string {
  const p = gopherRepetitionParams.parse({});
  const findDuplicates = (xs: string[]) => {
    const seen = new Set<string>();
    let n = 0;
    let chars = 0;
    for (const x of xs) {
      if (seen.has(x)) {
        n++;
        chars += x.length;
      } else seen.add(x);
    }
    return [n, chars] as const;
  };
  if (text.length === 0) return 'kept';
  const paragraphs = pyStrip(text).split(/\n{2,}/);
  const [pd, pc] = findDuplicates(paragraphs);
  if (pd / paragraphs.length > p.dup_para_frac!) return 'dup_para_frac';
  if (pc / text.length > p.dup_para_char_frac!) return 'dup_para_char_frac';
  const lines = text.split(/\n+/);
  const [ld, lc] = findDuplicates(lines);
  if (ld / lines.length > p.dup_line_frac!) return 'dup_line_frac';
  if (lc / text.length > p.dup_line_char_frac!) return 'dup_line_char_frac';
  const ws = words(text);
  for (const { n, frac } of p.top_n_grams) {
    const grams: string[] = [];
    const spaceless = (w: string) => w.length === 1 && (CHAR_FLAGS[w.charCodeAt(0)]! & (NOSPACE | PUNCT)) === NOSPACE;
    for (let i = 0; i + n <= ws.length; i++) {
      const parts = ws.slice(i, i + n);
      grams.push(parts.reduce((acc, w, j) => (j === 0 ? w : acc + (spaceless(w) || spaceless(parts[j - 1]!) ? '' : ' ') + w), ''));
    }
    if (grams.length === 0) continue;
    const counts = new Map<string, number>();
    for (const g of grams) counts.set(g, (counts.get(g) ?? 0) + 1);
    let top = '';
    let best = 0;
    for (const [g, c] of counts) if (c > best) [top, best] = [g, c];
    if ((top.length * best) / text.length > frac) return `top_${n}_gram`;
  }
  for (const { n, frac } of p.dup_n_grams) {
    const unique = new Set<string>();
    let repeated = 0;
    let idx = 0;
    while (idx < ws.length - n + 1) {
      const key = ws.slice(idx, idx + n).join('\u0000');
      if (unique.has(key)) {
        repeated += key.length - (n - 1);
        idx += n;
      } else {
        unique.add(key);
        idx += 1;
      }
    }
    if (repeated / text.length > frac) return `duplicated_${n}_n_grams`;
  }
  return 'kept';
}

describe('gopher_repetition against a straight port of the reference', () => {
  const fast = gopherRepetition(gopherRepetitionParams.parse({}));
  const vocab = ['the', 'river', 'runs', 'north', 'and', 'people', 'say', 'it', 'never', 'stops', '.', ',', '中', '文', 'a'];
  const separators = [' ', ' ', ' ', ' ', '\n', '\n\n'];
  const docArb = fc.array(fc.tuple(fc.constantFrom(...vocab), fc.constantFrom(...separators)), { minLength: 0, maxLength: 400 }).chain((parts) => fc.constant(parts.map(([w, s]) => w + s).join('')));
  const repeated = fc.tuple(docArb, fc.integer({ min: 1, max: 6 }), docArb).map(([a, k, b]) => a + b.repeat(k));

  it('agrees on random documents with heavy repetition', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          docArb,
          repeated,
          repeated.map((t) => t.trim()),
        ),
        (text) => {
          expect(fast(doc(text))?.reason ?? 'kept').toBe(referenceRepetition(text));
        },
      ),
      { numRuns: 600 },
    );
  });
});

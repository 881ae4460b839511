import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BadwordsMatcher, badwordsRegex, c4Badwords, c4BadwordsParams, BADWORDS_LANGUAGES, loadBadwords } from '../../src/filters/c4-badwords.js';
import { urlBlocklist, urlBlocklistParams } from '../../src/filters/url-blocklist.js';
import { mulberry32 } from '../../src/core/random.js';
import { doc } from '../helpers/harness.js';
import { recorder } from './helpers.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const TEXT = 'The committee will meet with the residents of the town to discuss the plans that have been made.';

describe('c4_badwords', () => {
  const fn = c4Badwords(c4BadwordsParams.parse({ word_files: { en: 'lists/extra-badwords-en.txt' } }), fixtures);
  const run = (text: string, meta = {}) => fn(doc(text, 'd', 't', meta))?.reason ?? 'kept';

  it('ships a list for every language datatrove uses', () => {
    for (const lang of BADWORDS_LANGUAGES) expect(loadBadwords(lang)?.length, lang).toBeGreaterThan(0);
  });

  it('matches whole words only in spaced languages, case-insensitively', () => {
    expect(run(`${TEXT} What a bastard.`)).toBe('document_removed_with_badwords');
    expect(run(`${TEXT} BASTARD!`)).toBe('document_removed_with_badwords');
    expect(run(`${TEXT} The assassin of Scunthorpe.`)).toBe('kept');
    expect(run(TEXT)).toBe('kept');
  });

  it('adds words from word_files and reports the word', () => {
    const d = doc(`${TEXT} zonkword`);
    expect(fn(d)?.detail).toEqual({ language: 'en', word: 'zonkword' });
  });

  it('matches inside words for Chinese and Japanese, minus the allowlist', () => {
    expect(run('这是一个关于性别平等的讨论。', { language: 'zh' })).toBe('kept');
    const zhWord = loadBadwords('zh')!.find((w) => w !== '性' && w.length >= 2)!;
    expect(run(`这是${zhWord}的讨论。`, { language: 'zh' })).toBe('document_removed_with_badwords');
    expect(run('女の子が公園で遊んでいます。', { language: 'ja' })).toBe('kept');
  });

  it('finds the same first bad word as the reference regex', () => {
    for (const lang of ['en', 'de', 'ru', 'ar', 'zh', 'ja', 'hi']) {
      const list = loadBadwords(lang)!;
      const matcher = new BadwordsMatcher(lang, list);
      const reference = badwordsRegex(lang, list);
      const rand = mulberry32(11);
      const next = (n: number) => Math.floor(rand() * n);
      const filler = ['the', 'river', 'runs', ',', '.', ' ', ' ', '\n', '-', 'Straße', 'город', '中文', '_x', '42', "l'eau"];
      for (let i = 0; i < 300; i++) {
        const parts: string[] = [];
        for (let k = 0; k < 12; k++) {
          const r = next(10);
          if (r === 0) parts.push(list[next(list.length)]!);
          else if (r === 1) parts.push(list[next(list.length)]!.toUpperCase());
          else if (r === 2) parts.push(`x${list[next(list.length)]!}`);
          else parts.push(filler[next(filler.length)]!);
          parts.push(next(3) === 0 ? '' : ' ');
        }
        const text = parts.join('');
        const m = reference.exec(text);
        expect(matcher.find(text), `${lang}: ${JSON.stringify(text)}`).toBe(m === null ? undefined : (m[1] ?? m[0]).toLowerCase());
      }
    }
  });

  it('finds phrase entries and case-folded words like the reference regex', () => {
    const list = loadBadwords('en')!;
    const matcher = new BadwordsMatcher('en', list);
    const reference = badwordsRegex('en', list);
    const cases: [string, string | undefined][] = [
      [`${TEXT} Dirty Sanchez.`, 'dirty sanchez'],
      [`${TEXT} xdirty sanchez`, undefined], // a hit inside a word is not a match
      [`${TEXT} 2 girls 1 cupx, 2 girls 1 cup`, '2 girls 1 cup'], // the first hit fails its boundary, the next one counts
      [`${TEXT} 🖕 ok`, '🖕'], // no word characters
      [`${TEXT} x🖕y`, undefined],
      [`${TEXT} auto erotic bastard`, 'auto erotic'], // leftmost wins
      [`${TEXT} bastard, auto erotic`, 'bastard'],
      [`${TEXT} BAſTARD`, 'baſtard'], // ſ folds to s in the regex but lower-cases to itself
      [`${TEXT} İstanbul bastard`, 'bastard'], // lower-casing changes the length
    ];
    for (const [text, word] of cases) {
      const m = reference.exec(text);
      expect(m === null ? undefined : (m[1] ?? m[0]).toLowerCase(), `reference: ${text}`).toBe(word);
      expect(matcher.find(text), text).toBe(word);
    }
    const ru = new BadwordsMatcher('ru', loadBadwords('ru')!);
    const ruWord = loadBadwords('ru')!.find((w) => /^[а-я]+$/.test(w) && w.includes('в'))!;
    // U+1C80 (a variant of в) folds to в in the regex.
    expect(ru.find(`Текст ${ruWord.replace('в', '\u1c80')} текст`)).toBe(ruWord.replace('в', '\u1c80'));
  });

  it('keeps documents in languages without a list and counts them; can fail instead', () => {
    const stats = recorder();
    expect(fn(doc('Habari ya asubuhi rafiki yangu.', 'x', 't', { language: 'sw' }), stats)).toBeUndefined();
    expect(stats.counts.counters['missing_badwords_lang']).toBe(1);
    const strict = c4Badwords(c4BadwordsParams.parse({ fail_on_missing_language: true }), fixtures);
    expect(() => strict(doc('Habari ya asubuhi.', 'x', 't', { language: 'sw' }))).toThrow(/no bad-words list for language "sw"/);
  });

  it('keep_fraction keeps a deterministic share by document id', () => {
    const keepHalf = c4Badwords(c4BadwordsParams.parse({ keep_fraction: 0.5, seed: 7 }), fixtures);
    const verdicts = Array.from({ length: 200 }, (_, i) => keepHalf(doc(`${TEXT} bastard`, `id-${i}`)) === undefined);
    const again = Array.from({ length: 200 }, (_, i) => keepHalf(doc(`${TEXT} bastard`, `id-${i}`)) === undefined);
    expect(verdicts).toEqual(again);
    const kept = verdicts.filter(Boolean).length;
    expect(kept).toBeGreaterThan(70);
    expect(kept).toBeLessThan(130);
  });
});

describe('url_blocklist (datatrove published cases)', () => {
  const fn = urlBlocklist(urlBlocklistParams.parse({ domain_files: ['lists/domains.txt'] }), fixtures);
  it.each([
    ['https://blocked.com/some-sub-url?with=stuff', 'domain'],
    ['https://hey.danger.org/some-sub-url?with=stuff', 'domain'],
    ['http://hey.danger.org/some-sub-url?with=stuff', 'domain'],
    ['http://www.danger.org/some-sub-url?with=stuff', 'domain'],
    ['https://nice.com/some-sub-url?with=stuff', 'kept'],
    ['https://badsubdomain.nice.com/some-sub-url?with=stuff', 'subdomain'],
    ['https://sdsd.badsubdomain.nice.com/some-sub-url?with=stuff', 'kept'],
    ['https://blocke.dcom/some-sub-url?with=stuff', 'kept'],
  ])('%s -> %s', (url, expected) => {
    expect(fn(doc(TEXT, 'd', 't', { url }))?.reason ?? 'kept').toBe(expected);
  });

  it('applies the RefinedWeb word lists and URL lists', () => {
    const words = urlBlocklist(urlBlocklistParams.parse({ urls: ['example.org/bad-page'] }), fixtures);
    const reason = (url: string) => words(doc(TEXT, 'd', 't', { url }))?.reason ?? 'kept';
    expect(reason('https://example.org/videos/bdsm-collection')).toBe('hard_blacklisted');
    expect(reason('https://example.org/bad-page')).toBe('url');
    expect(reason('https://example.org/news/2024/budget')).toBe('kept');
  });

  it('keeps documents without a URL and counts them, or drops them when asked', () => {
    const stats = recorder();
    expect(fn(doc(TEXT), stats)).toBeUndefined();
    expect(stats.counts.counters['no_url']).toBe(1);
    const strict = urlBlocklist(urlBlocklistParams.parse({ missing_url: 'drop' }), fixtures);
    expect(strict(doc(TEXT))?.reason).toBe('no_url');
  });

  it('fails at build time on a missing list file with a hint', () => {
    expect(() => urlBlocklist(urlBlocklistParams.parse({ domain_files: ['nope.txt'] }), fixtures)).toThrow(/cannot read domain_files/);
  });
});

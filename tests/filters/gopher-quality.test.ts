import { describe, expect, it } from 'vitest';
import { gopherQuality, gopherQualityFilter, gopherQualityParams } from '../../src/filters/gopher-quality.js';
import { finewebParams } from '../../src/filters/fineweb.js';
import { codeQualityParams } from '../../src/filters/code-quality.js';
import { doc } from '../helpers/harness.js';
import { direct, recorder, verdict } from './helpers.js';

const TEXT_LF_1 =
  "I wish it need not have happened in my time,' said Frodo. 'So do I,' said Gandalf, 'and so do all who live to " +
  'see such times. But that is not for them to decide. All we have to decide is what to do with the time that is ' +
  "given us.'";

const prose = (n: number) => Array.from({ length: n }, (_, i) => `The people of the valley have lived with the river for ${i + 2} generations, and that is their story.`).join(' ');

describe('gopher_quality (datatrove published cases, words 10..1000)', () => {
  const check = direct(gopherQualityParams, gopherQuality, { min_doc_words: 10, max_doc_words: 1000 });

  it('drops "I am too small..." as gopher_short_doc', () => expect(check('I am too small...')).toBe('gopher_short_doc'));
  it('drops "I am " * 20 as gopher_below_avg_threshold', () => expect(check('I am '.repeat(20))).toBe('gopher_below_avg_threshold'));
  it('drops "interconnection " * 20 as gopher_above_avg_threshold', () => expect(check('interconnection '.repeat(20))).toBe('gopher_above_avg_threshold'));
  it('drops "# comment " * 20 as gopher_too_many_hashes', () => expect(check('# comment '.repeat(20))).toBe('gopher_too_many_hashes'));
  it('drops "... comment " * 20 as gopher_too_many_ellipsis', () => expect(check('... comment '.repeat(20))).toBe('gopher_too_many_ellipsis'));
  it('drops symbol soup as gopher_below_alpha_threshold', () => {
    const text = 'the ./!*?<><> apple <?////> orange  ++ interconnection !<>??? have'.repeat(20);
    expect(check(text)).toBe('gopher_below_alpha_threshold');
  });
  it('keeps the Tolkien paragraph', () => expect(check(TEXT_LF_1)).toBe('kept'));
  it('drops a doc over max_doc_words as gopher_long_doc', () => expect(check(prose(60))).toBe('gopher_long_doc'));
});

describe('gopher_quality lines and stop words', () => {
  const check = direct(gopherQualityParams, gopherQuality, { min_doc_words: 10 });

  it('drops bullet lists as gopher_too_many_bullets', () => {
    const text = Array.from({ length: 12 }, (_, i) => `  - item number ${i} of the list with the things`).join('\n');
    expect(check(text)).toBe('gopher_too_many_bullets');
    const bullets = Array.from({ length: 12 }, (_, i) => `• item number ${i} of the list with the things`).join('\n');
    expect(check(bullets)).toBe('gopher_too_many_bullets');
  });

  it('drops lines ending with ellipses as gopher_too_many_end_ellipsis', () => {
    const text = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? `Read more about the story of the river and its people number ${i}…` : `The people of the valley have lived with the river for ${i} years.`,
    ).join('\n');
    expect(check(text)).toBe('gopher_too_many_end_ellipsis');
  });

  it('drops English without stop words as gopher_enough_stop_words (case-sensitive, like datatrove)', () => {
    const text = 'Buy cheap designer watches online today at unbeatable prices, free shipping worldwide on every single order. '.repeat(3);
    expect(check(text)).toBe('gopher_enough_stop_words');
    expect(check('The committee will meet with the residents of the town to discuss the plans that have been made.')).toBe('kept');
  });

  it('uses a custom stop-word list when given', () => {
    const custom = direct(gopherQualityParams, gopherQuality, { min_doc_words: 10, stop_words: ['cheap', 'best'] });
    expect(custom('Buy cheap designer watches online today at unbeatable prices, best shipping worldwide on every single order. '.repeat(3))).toBe('kept');
  });
});

describe('gopher_quality per language', () => {
  const check = direct(gopherQualityParams, gopherQuality);
  const zh =
    '北京市是中华人民共和国的首都，也是全国的政治中心和文化中心。北京有着三千多年的建城史和八百多年的建都史，是世界著名古都。' +
    '北京位于华北平原北部，背靠燕山，毗邻天津市和河北省。北京的气候为典型的暖温带半湿润大陆性季风气候。';

  it('keeps a Chinese Wikipedia paragraph (no spaces is not a short doc)', () => {
    expect(check(zh)).toBe('kept');
    expect(check(zh, { language: 'zh' })).toBe('kept');
  });

  it('keeps Japanese prose and uses the Japanese stop words', () => {
    const ja = '東京は日本の首都であり、世界有数の大都市です。江戸時代には将軍の城下町として栄え、明治時代に東京と改められました。現在は政治、経済、文化の中心地として多くの人々が暮らしています。';
    expect(check(ja)).toBe('kept');
  });

  it('judges German by German stop words, not English ones', () => {
    const de = 'Die Stadt liegt am Rhein und hat etwa eine Million Einwohner. Sie ist bekannt für den Dom, der zu den größten Kirchen der Welt gehört. '.repeat(4);
    expect(check(de, { language: 'de' })).toBe('kept');
    // Without a language stage, Latin script falls back to default_language (en): no English stop words.
    expect(check(de)).toBe('gopher_enough_stop_words');
  });

  it('skips the stop-word rule for a language without a list and counts it', () => {
    const stats = recorder();
    const fn = gopherQuality(gopherQualityParams.parse({}));
    const text = 'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor. '.repeat(6);
    expect(fn(doc(text, 'x', 't', { language: 'la' }), stats)).toBeUndefined();
    expect(stats.counts.counters['stop_words_skipped']).toBe(1);
  });

  it('applies per_language overrides', () => {
    const strict = direct(gopherQualityParams, gopherQuality, { per_language: { zh: { min_doc_words: 500 } } });
    expect(strict(zh)).toBe('gopher_short_doc');
  });

  it('runs through the stage with a detail naming the language', async () => {
    expect(await verdict(gopherQualityFilter, {}, 'Too short.')).toBe('gopher_short_doc');
    const fn = gopherQuality(gopherQualityParams.parse({}));
    expect(fn(doc('Too short.'))?.detail).toEqual({ words: 2, min: 50, language: 'en' });
  });
});

describe('overrides (per_language, extensions) change only what they name', () => {
  it("an override keeps the stage's own values for every threshold it does not name", () => {
    const params = gopherQualityParams.parse({ min_doc_words: 10, min_stop_words: null, per_language: { de: { max_doc_words: 2000 } } });
    expect(params.per_language['de']).toEqual({ max_doc_words: 2000 });
    const check = direct(gopherQualityParams, gopherQuality, { min_doc_words: 10, min_stop_words: null, per_language: { de: { max_doc_words: 2000 } } });
    const german = 'Das Wasser des Flusses fließt langsam durch das breite Tal, und die Bauern pflanzen dort jeden Frühling ihren Reis am Ufer.';
    // with defaults filled into the override, min_doc_words would be 50 again and min_stop_words 2
    expect(check(german, { language: 'de' })).toBe('kept');
  });

  it('fineweb and code_quality overrides hold only what they set', () => {
    expect(finewebParams.parse({}).per_language).toEqual({ zh: { short_line_length: 12 }, ja: { short_line_length: 12 } });
    expect(finewebParams.parse({ per_language: { de: { line_punct_thr: 0.5 } } }).per_language['de']).toEqual({ line_punct_thr: 0.5 });
    expect(codeQualityParams.parse({ extensions: { py: { max_line_length: 300 } } }).extensions['py']).toEqual({ max_line_length: 300 });
  });
});

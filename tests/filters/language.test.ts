import { describe, expect, it } from 'vitest';
import { languageFilter, languageFilterFn, languageParams, languageSample } from '../../src/filters/language.js';
import { loadFastEld } from '../../src/filters/text/eld-fast.js';
import { mulberry32 } from '../../src/core/random.js';
import { buildStage, doc, runStage } from '../helpers/harness.js';

const TEXTS: Record<string, string> = {
  en: 'I wish it need not have happened in my time, said Frodo. So do I, said Gandalf, and so do all who live to see such times. But that is not for them to decide.',
  fr: "Un magicien n'est jamais en retard Frodon Sacquet. Pas plus qu'il est en avance. Il arrive précisément à l'heure prévue.",
  pt: 'Um mago nunca chega tarde, Frodo Bolseiro. Nem cedo. Ele chega precisamente na hora que pretende.',
  it: 'Molti tra i vivi meritano la morte. E parecchi che sono morti avrebbero meritato la vita. Sei forse tu in grado di dargliela?',
  de: 'Die Stadt liegt am Rhein und hat etwa eine Million Einwohner. Sie ist bekannt für ihren Dom und den Karneval.',
  zh: '北京市是中华人民共和国的首都，也是全国的政治中心和文化中心，有着三千多年的建城史。',
  ja: '東京は日本の首都であり、世界有数の大都市です。江戸時代には将軍の城下町として栄えました。',
  ar: 'القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها، وتقع على ضفاف نهر النيل.',
  ru: 'Москва является столицей Российской Федерации и крупнейшим городом страны.',
};

describe('language', () => {
  it.each(Object.entries(TEXTS))('identifies %s and records language and score in meta', async (lang, text) => {
    const fn = await languageFilterFn(languageParams.parse({}));
    const d = doc(text);
    expect(fn(d)).toBeUndefined();
    expect(d.meta['language']).toBe(lang);
    expect(d.meta['language_score']).toBeGreaterThanOrEqual(0.65);
  });

  it('keeps only the listed languages (datatrove case: keep en, it)', async () => {
    const built = await buildStage(languageFilter, { keep: ['en', 'it'] });
    if (built.kind !== 'stream') throw new Error('stream expected');
    const docs = ['en', 'fr', 'pt', 'it'].map((l) => doc(TEXTS[l]!, l));
    const { kept, rejected } = await runStage(built.run, docs);
    expect(kept.map((d) => d.id)).toEqual(['en', 'it']);
    expect(rejected.map((r) => [r.doc.id, r.reason, r.detail?.['language']])).toEqual([
      ['fr', 'language_not_kept', 'fr'],
      ['pt', 'language_not_kept', 'pt'],
    ]);
  });

  it('drops a low score and labels it; label_only never drops', async () => {
    const fn = await languageFilterFn(languageParams.parse({ min_score: 0.99 }));
    const d = doc(TEXTS['en']!);
    expect(fn(d)?.reason).toBe('language_low_score');
    expect(d.meta['language']).toBe('en');
    expect((await languageFilterFn(languageParams.parse({ min_score: 0.99, label_only: true })))(doc(TEXTS['en']!))).toBeUndefined();
  });

  it('labels text without letters as und with score 0', async () => {
    const d = doc('1234 5678 9012');
    expect((await languageFilterFn(languageParams.parse({})))(d)?.reason).toBe('language_low_score');
    expect(d.meta).toEqual({ language: 'und', language_score: 0 });
  });

  it('samples prose lines past navigation at the top of a page', async () => {
    const nav = Array(40).fill('Home\nNews\nSport\nLogin').join('\n');
    const text = `${nav}\n${TEXTS['de']!.repeat(5)}`;
    const sample = languageSample(text, 600, 40);
    expect(sample.startsWith('Die Stadt')).toBe(true);
    const d = doc(text);
    (await languageFilterFn(languageParams.parse({})))(d);
    expect(d.meta['language']).toBe('de');
  });

  it('rejects invalid codes in keep, and codes eld cannot detect', async () => {
    expect(() => languageParams.parse({ keep: ['english'] })).toThrow();
    await expect(languageFilterFn(languageParams.parse({ keep: ['en', 'sw'] }))).rejects.toThrow(/eld cannot detect sw/);
  });

  it('gives the same language and score as eld itself (the fast port against the package)', async () => {
    const { eld } = await import('eld/small');
    const fast = await loadFastEld();
    const samples = [
      ...Object.values(TEXTS),
      ...Object.values(TEXTS).map((t) => t.slice(0, 25)),
      'x',
      '',
      '12 34',
      'ÄÖÜ äöü ß',
      "l'été où d'habitude",
      `${'a'.repeat(80)} word`,
      '😀 emoji 👍 text',
      'MiXeD CaSe WoRdS',
    ];
    const rand = mulberry32(7);
    const alphabet = 'abcdefghijklmnopqrstuvwxyz éèàüößçñøå中文日本語한국어Русскийالعربية ';
    for (let i = 0; i < 300; i++) {
      let s = '';
      const len = 1 + (i % 90) * 5;
      for (let k = 0; k < len; k++) {
        s += alphabet[Math.floor(rand() * alphabet.length)];
      }
      samples.push(s);
    }
    for (const s of samples) {
      const r = eld.detect(s);
      const expected = r.language === '' ? { language: 'und', score: 0 } : { language: r.language, score: r.getScores()[r.language] };
      expect(fast.detect(s), JSON.stringify(s)).toEqual(expected);
    }
  });
});

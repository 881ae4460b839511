import { describe, expect, it } from 'vitest';
import { fineweb, finewebFilter, finewebParams } from '../../src/filters/fineweb.js';
import { direct, verdict } from './helpers.js';

const GOOD = [
  'This is a well-written paragraph that ends with proper punctuation.',
  'The content here is substantial and has meaningful information.',
  'Quality filtering ensures that only the best documents pass through.',
  'Each line here is long enough and ends with a terminal punctuation mark.',
  'This document should pass all the quality checks applied by the filter.',
].join('\n');

describe('fineweb (datatrove published cases)', () => {
  it('drops "" as empty', async () => {
    expect(await verdict(finewebFilter, {}, '')).toBe('empty');
    expect(direct(finewebParams, fineweb)('  \n \n')).toBe('empty');
  });

  it('drops low punctuation as line_punct_ratio', () => {
    expect(direct(finewebParams, fineweb, { line_punct_thr: 0.5 })('No punctuation here\nAnother line without any\nStill nothing')).toBe('line_punct_ratio');
  });

  it('drops mostly short lines as short_line_ratio', () => {
    expect(direct(finewebParams, fineweb, { short_line_thr: 0.5, short_line_length: 30, line_punct_thr: 0 })('hi.\nbye.\nok.\nno.\nyes.')).toBe('short_line_ratio');
  });

  it('keeps quality text', () => expect(direct(finewebParams, fineweb)(GOOD)).toBe('kept'));

  it('drops a list-heavy document as list_ratio', () => {
    expect(direct(finewebParams, fineweb, { new_line_ratio: 0.1, line_punct_thr: null, short_line_thr: null, char_duplicates_ratio: null })(Array(50).fill('a').join('\n'))).toBe('list_ratio');
  });
});

describe('fineweb rules', () => {
  const check = direct(finewebParams, fineweb);

  it('drops duplicated lines as char_dup_ratio', () => {
    expect(check(`${GOOD}\nShare this article with your friends on every network.\nShare this article with your friends on every network.`)).toBe('char_dup_ratio');
  });

  it('does not strip lines before checking the last character (datatrove semantics)', () => {
    const trailing = GOOD.split('\n')
      .map((l) => `${l}  `)
      .join('\n');
    expect(check(trailing)).toBe('line_punct_ratio');
  });

  it('counts Chinese, Arabic and Devanagari full stops as terminal punctuation', () => {
    const zh = ['北京是中华人民共和国的首都，也是全国的政治中心和文化中心。', '北京有着三千多年的建城史和八百多年的建都史，是世界著名古都。'].join('\n');
    expect(check(zh)).toBe('kept');
    expect(check('هل تعرف هذه المدينة الجميلة في الشمال؟\nنعم أعرفها جيدا وقد زرتها مرات كثيرة.')).toBe('kept');
    expect(check('भारत एक विशाल देश है और इसकी संस्कृति बहुत पुरानी है।\nयहाँ अनेक भाषाएँ बोली जाती हैं और लोग मिलजुल कर रहते हैं।')).toBe('kept');
  });

  it('accepts custom stop characters', () => {
    expect(direct(finewebParams, fineweb, { stop_chars: ':' })(GOOD)).toBe('line_punct_ratio');
  });
});

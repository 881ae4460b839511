import { describe, expect, it } from 'vitest';
import { gopherRepetition, gopherRepetitionFilter, gopherRepetitionParams } from '../../src/filters/gopher-repetition.js';
import { direct, verdict } from './helpers.js';

const TEXT_LF_1 =
  "I wish it need not have happened in my time,' said Frodo. 'So do I,' said Gandalf, 'and so do all who live to " +
  'see such times. But that is not for them to decide. All we have to decide is what to do with the time that is ' +
  "given us.'";

describe('gopher_repetition (datatrove published cases)', () => {
  const check = direct(gopherRepetitionParams, gopherRepetition);

  it('drops "I am your father.\\n" * 4 as dup_line_frac', () => {
    expect(check('I am your father.\n'.repeat(4))).toBe('dup_line_frac');
  });

  it('drops the same with blank lines between as dup_para_frac', () => {
    expect(check('I am your father.\n\n'.repeat(4))).toBe('dup_para_frac');
  });

  it('drops repeated long paragraphs as dup_para_char_frac', () => {
    const text = 'I am groot.\n\n' + 'You are a wizard.\n\n' + 'I am your father.\n\n' + `${'x'.repeat(30)}.\n\n`.repeat(2);
    expect(check(text)).toBe('dup_para_char_frac');
  });

  it('drops repeated long lines as dup_line_char_frac', () => {
    const text = 'I am groot.\n' + 'You are a wizard.\n' + 'I am your father.\n' + `${'x'.repeat(40)}.\n`.repeat(2);
    expect(check(text)).toBe('dup_line_char_frac');
  });

  it('drops "I am Frank, I am Frank, I am Frank" as top_2_gram', () => {
    expect(check('I am Frank, I am Frank, I am Frank')).toBe('top_2_gram');
  });

  it('drops a repeated trigram as top_3_gram', () => {
    expect(check('I am Frank, you are Jhon. I am Frank. I am Frank you are Jhon')).toBe('top_3_gram');
  });

  it('drops a repeated phrase before real text as duplicated_5_n_grams', () => {
    expect(check('I am a solo traveller '.repeat(4) + TEXT_LF_1)).toBe('duplicated_5_n_grams');
  });

  it('keeps ordinary prose', () => {
    expect(check(TEXT_LF_1)).toBe('kept');
  });

  it('keeps an empty document (nothing repeats)', () => {
    expect(check('')).toBe('kept');
  });

  it('counts Chinese n-grams per character', () => {
    // No spaces: one whitespace "word", but 4 repeated characters form a repeated bigram.
    const text = '我爱北京我爱北京我爱北京我爱北京';
    expect(check(text)).toBe('top_2_gram');
  });

  it('reports the measured value and the threshold', async () => {
    expect(await verdict(gopherRepetitionFilter, {}, 'I am your father.\n'.repeat(4))).toBe('dup_line_frac');
    const fn = gopherRepetition(gopherRepetitionParams.parse({}));
    const drop = fn({ id: 'x', text: 'I am your father.\n'.repeat(4), source: 't', meta: {} });
    expect(drop?.detail).toEqual({ value: 0.6, max: 0.3 });
  });

  it('switches a rule off with null and changes n-gram thresholds', () => {
    const off = direct(gopherRepetitionParams, gopherRepetition, { dup_line_frac: null, dup_line_char_frac: null });
    expect(off('I am your father.\n'.repeat(4))).toBe('top_2_gram');
    const allOff = direct(gopherRepetitionParams, gopherRepetition, { dup_line_frac: null, dup_line_char_frac: null, top_n_grams: {}, dup_n_grams: {} });
    expect(allOff('I am your father.\n'.repeat(4))).toBe('kept');
    const loose = direct(gopherRepetitionParams, gopherRepetition, { top_n_grams: { 2: 0.99 }, dup_n_grams: {} });
    expect(loose('I am Frank, I am Frank, I am Frank')).toBe('kept');
  });

  it('rejects unknown keys and bad n-gram sizes', () => {
    expect(() => gopherRepetitionParams.parse({ dup_lines: 0.3 })).toThrow();
    expect(() => gopherRepetitionParams.parse({ top_n_grams: { two: 0.2 } })).toThrow();
  });
});

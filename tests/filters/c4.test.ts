import { describe, expect, it } from 'vitest';
import { c4, c4Filter, c4Params } from '../../src/filters/c4.js';
import { countSentences } from '../../src/filters/text/sentences.js';
import { buildStage, doc, runStage } from '../helpers/harness.js';
import { direct, recorder } from './helpers.js';

const GOOD = [
  'This is a well-written paragraph with several sentences.',
  'The content continues with more good information here.',
  'Another important point is being made in this line.',
  'We can see that this document has quality content.',
  'Finally, the conclusion wraps everything up nicely.',
  'An additional sentence to ensure we pass the threshold.',
].join('\n');

describe('c4 (datatrove published cases)', () => {
  const check = direct(c4Params, c4);

  it('keeps quality text unchanged', () => {
    const d = doc(GOOD);
    expect(c4(c4Params.parse({}))(d)).toBeUndefined();
    expect(d.text).toBe(GOOD);
  });

  it('drops "Just one sentence." as too_few_sentences', () => expect(check('Just one sentence.')).toBe('too_few_sentences'));

  it('drops lorem ipsum', () => {
    const text = [
      'This is a sentence with lorem ipsum dolor sit amet.',
      'Another sentence with proper punctuation.',
      'More content to fill out the document.',
      'Even more content is needed to pass the check.',
      'The final sentence of the document.',
    ].join('\n');
    expect(check(text)).toBe('lorem_ipsum');
  });

  it('drops a curly bracket', () => {
    const text = [
      'This is some code with a { bracket.',
      'Another sentence follows this one.',
      'More content to fill out the document.',
      'Even more content is needed to pass.',
      'The final sentence of the document.',
    ].join('\n');
    expect(check(text)).toBe('curly_bracket');
  });

  it('removes cookie and policy lines from the text', () => {
    const fn = c4(c4Params.parse({ min_num_sentences: null, min_words_per_line: null }));
    const d = doc('This site uses cookies for tracking.\nAnother valid line here today.');
    expect(fn(d)).toBeUndefined();
    expect(d.text).toBe('Another valid line here today.');
  });
});

describe('c4 line rules', () => {
  it('drops lines without terminal punctuation, with an ellipsis, too few words, javascript; strips citations; counts all', () => {
    const stats = recorder();
    const fn = c4(c4Params.parse({}));
    const text = [
      'Home | About | Contact',
      GOOD,
      'Please enable JavaScript to view the comments powered by a widget.',
      'Read more...',
      'Too short.',
      'The river was first mapped in 1820.[1] It was renamed later.[citation needed]',
      `A line with a ${'x'.repeat(1001)} word.`,
      '   ',
    ].join('\n');
    const d = doc(text);
    expect(fn(d, stats)).toBeUndefined();
    expect(d.text).toBe(`${GOOD}\nThe river was first mapped in 1820. It was renamed later.`);
    expect(stats.counts.modified).toBe(1);
    expect(stats.counts.counters).toEqual({
      lines_total: 13,
      lines_kept: 7,
      lines_dropped_long_word: 1,
      lines_dropped_no_terminal_punct: 3,
      lines_dropped_few_words: 1,
      lines_dropped_javascript: 1,
      citations_removed: 1,
    });
  });

  it('keeps lines without punctuation with filter_no_terminal_punct: false (FineWeb setting)', () => {
    const fn = c4(c4Params.parse({ filter_no_terminal_punct: false, min_num_sentences: null }));
    const d = doc('A heading without a stop\nThe body of the text goes here.');
    expect(fn(d)).toBeUndefined();
    expect(d.text).toBe('A heading without a stop\nThe body of the text goes here.');
  });

  it('does not count a Chinese line as fewer than 3 words and accepts 。 as terminal punctuation', () => {
    const zh = ['北京是中国的首都。', '上海是中国最大的城市。', '广州位于珠江三角洲。长江是中国最长的河流。', '黄河被称为母亲河。'].join('\n');
    expect(direct(c4Params, c4)(zh)).toBe('kept');
  });

  it('drops the document when a stage run makes it too short, and writes the modified text through the stage', async () => {
    const built = await buildStage(c4Filter, {});
    if (built.kind !== 'stream') throw new Error('stream expected');
    const { kept, rejected, stats } = await runStage(built.run, [doc(`${GOOD}\nnav link`, 'a'), doc('Just one sentence.', 'b')]);
    expect(kept.map((d) => d.text)).toEqual([GOOD]);
    expect(rejected.map((r) => r.reason)).toEqual(['too_few_sentences']);
    expect(stats.stats.stages['test']?.modified).toBe(1);
  });
});

describe('sentence counting', () => {
  it.each([
    ['Just one sentence.', 1],
    ['One. Two! Three? Four', 4],
    ['Mr. Smith went to Washington. He met Dr. Jones.', 2],
    ['The U.S. economy grew 3.5 percent in 2010. Prices rose.', 2],
    ['J. R. R. Tolkien wrote books. They sold well.', 2],
    ['He said "Stop." Then he left.', 2],
    ['It costs $3.50 per item, e.g. apples.', 1],
    ['北京是首都。上海很大！你去过吗？', 3],
    ['', 0],
    ['...', 0],
  ])('%j has %i sentences', (text, n) => {
    expect(countSentences(text)).toBe(n);
  });
});

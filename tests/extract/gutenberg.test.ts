import { describe, expect, it } from 'vitest';
import { parseHeader, stripGutenberg, unwrapParagraphs } from '../../src/extract/gutenberg.js';

const book = (start: string, end: string, header = 'Title: A Book\nAuthor: Some One\nLanguage: French\nRelease Date: May 1, 2001 [EBook #1234]\n'): string =>
  `${header}\n${start}\n\nProduced by Volunteers\nat the Library.\n\nThe text of the\nbook itself.\n\n${end}\n\nLicence text that must go.\n`;

describe('Gutenberg header and footer', () => {
  const variants: [string, string, string][] = [
    ['current', '*** START OF THE PROJECT GUTENBERG EBOOK A BOOK ***', '*** END OF THE PROJECT GUTENBERG EBOOK A BOOK ***'],
    ['2000s "THIS"', '*** START OF THIS PROJECT GUTENBERG EBOOK A BOOK ***', '*** END OF THIS PROJECT GUTENBERG EBOOK A BOOK ***'],
    ['no spaces', '***START OF THE PROJECT GUTENBERG EBOOK A BOOK***', '***END OF THE PROJECT GUTENBERG EBOOK A BOOK***'],
    ['1990s small print', '*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*', 'End of the Project Gutenberg Etext of A Book'],
    ['"End of Project Gutenberg\'s"', '*** START OF THE PROJECT GUTENBERG EBOOK A BOOK ***', "End of Project Gutenberg's A Book, by Some One"],
  ];
  for (const [name, start, end] of variants) {
    it(`strips the ${name} markers and the producer credits`, () => {
      const s = stripGutenberg(book(start, end));
      expect(s.hasStart && s.hasEnd).toBe(true);
      expect(unwrapParagraphs(s.body)).toBe('The text of the book itself.');
      expect(s.meta).toEqual({ title: 'A Book', author: 'Some One', language: 'fr', ebook: 1234 });
    });
  }

  it('keeps a text without markers whole', () => {
    const s = stripGutenberg('Just an essay.\n\nTwo paragraphs.');
    expect([s.hasStart, s.hasEnd, s.body]).toEqual([false, false, 'Just an essay.\n\nTwo paragraphs.']);
  });

  it('reads title and author from the old first line when there are no fields', () => {
    expect(parseHeader(['The Project Gutenberg EBook of Moby Dick, by Herman Melville', 'EBook #2701'])).toEqual({ title: 'Moby Dick', author: 'Herman Melville', ebook: 2701 });
  });

  it('joins a title wrapped onto an indented line', () => {
    expect(parseHeader(['Title: The Long', '       Title Continued', '', 'Author: X']).title).toBe('The Long Title Continued');
  });
});

describe('unwrapping', () => {
  it('joins hard-wrapped lines; a blank line is a paragraph break', () => {
    expect(unwrapParagraphs('one\ntwo\n\n\n\nthree\n  four  ')).toBe('one two\n\nthree four');
  });
  it('keeps the line breaks of an indented block (verse)', () => {
    expect(unwrapParagraphs('Prose here.\n\n    Line one,\n    line two.\n\nMore prose.')).toBe('Prose here.\n\nLine one,\nline two.\n\nMore prose.');
  });
});

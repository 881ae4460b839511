import { describe, expect, it } from 'vitest';
import { decodeEntities, isDisambiguation, isRedirectText, replaceBalanced, splitArgs, tidy, wikitextToText } from '../../src/extract/wikitext.js';

describe('wikitext to text', () => {
  const cases: [string, string, string][] = [
    ['links keep their label', 'The [[Fresnel lens|lens]] of the [[lighthouse]]s.', 'The lens of the lighthouses.'],
    ['pipe trick', 'See [[Paris (band)|]].', 'See Paris.'],
    ['nested templates and infobox removed', '{{Infobox x|a={{nowrap|b}}|c=[[d|e]]}}Text.', 'Text.'],
    ['references removed, self-closing too', 'A fact.<ref name="x">{{cite web|url=http://a}}</ref> Another.<ref name="x" /> End.', 'A fact. Another. End.'],
    ['comments removed', 'Keep <!-- not this --> this.', 'Keep this.'],
    ['file links with nested links removed', '[[File:A.jpg|thumb|A [[cat]] sleeping]]Cats sleep.', 'Cats sleep.'],
    ['categories and interlanguage links removed', 'Body.\n[[Category:Cats]]\n[[de:Katze]]', 'Body.'],
    ['a colon link to a category is a plain link', 'See [[:Category:Cats|the cat category]].', 'See the cat category.'],
    ['external links keep their label', 'Read [https://example.org the guide] or [https://example.org].', 'Read the guide or.'],
    ['bold and italics dropped', "'''Bold''' and ''italic'' and '''''both'''''.", 'Bold and italic and both.'],
    ['entities decoded, nbsp made a space', 'A&nbsp;B &amp; C &#8211; D &lt;', 'A B & C – D <'],
    ['inline templates that render words', '{{lang|fr|Bonjour}}, {{convert|5|km|mi}}, {{nowrap|two words}}', 'Bonjour, 5 km, two words'],
    ['birth dates', 'Born {{birth date and age|1961|8|4}} in Hawaii.', 'Born 4 August 1961 in Hawaii.'],
    ['empty brackets left by removed templates go', 'Paris ({{IPA-fr|paʁi}}) is big ( ; {{x}} ).', 'Paris is big.'],
    ['tables removed, nested ones too', 'Before.\n{| class="wikitable"\n|-\n| a || b\n{|\n| inner\n|}\n|}\nAfter.', 'Before.\n\nAfter.'],
    ['a newline inside a paragraph is a space', 'One line\nand the next.', 'One line and the next.'],
    ['list items stay on their own lines', '* one\n* two\n# three', 'one\ntwo\nthree'],
    ['headings are lines; empty sections vanish', 'Lead.\n== History ==\nOld.\n== Gallery ==\n<gallery>\nA.jpg\n</gallery>\n== Notes ==\nx', 'Lead.\n\nHistory\n\nOld.'],
    ['reference sections dropped with subsections', 'Lead.\n== References ==\n=== Sources ===\n* a\n== Life ==\nText.', 'Lead.\n\nLife\n\nText.'],
    [
      'an unclosed template opener is shown as text, as MediaWiki does, and does not eat the article',
      '{{Infobox\n| a = b\nText after a broken infobox.',
      'Infobox | a = b Text after a broken infobox.',
    ],
    ['a file link whose caption spans lines is removed whole', 'Before.\n[[File:A.jpg|thumb|A caption\nthat goes on ([[x]])]]\nAfter.', 'Before.\n\nAfter.'],
    ['a table inside an indented line is removed', 'Text.\n:{| class="wikitable"\n| a\n|}\nMore.', 'Text.\n\nMore.'],
    ['magic words removed', '__NOTOC__Text.', 'Text.'],
    ['Chinese text and punctuation', "'''茶'''（{{lang|en|Tea}}）是[[饮料]]。<ref>x</ref>\n[[分类:茶]]", '茶（Tea）是饮料。'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(wikitextToText(input)).toBe(expected);
    });
  }

  it('drops links to localised namespaces from the dump siteinfo', () => {
    expect(wikitextToText('Text.[[Plik:A.png|thumb|x]]', { dropNamespaces: ['Plik'] })).toBe('Text.');
  });
});

describe('wikitext helpers', () => {
  it('replaceBalanced respects nesting', () => {
    expect(replaceBalanced('a{{b{{c}}d}}e{{f}}g', '{{', '}}', (x) => `<${x}>`)).toBe('a<b{{c}}d>e<f>g');
  });
  it('splitArgs ignores pipes inside nested links and templates', () => {
    expect(splitArgs('name|a=[[x|y]]|{{t|u}}|z')).toEqual(['name', 'a=[[x|y]]', '{{t|u}}', 'z']);
  });
  it('tidy removes debris', () => {
    expect(tidy('Word ( , ) and , more . .')).toBe('Word and, more.');
  });
  it('decodes numeric entities', () => {
    expect(decodeEntities('&#x41;&#66;&bogus;')).toBe('AB&bogus;');
  });
  it('detects redirects and disambiguation pages', () => {
    expect(isRedirectText('#REDIRECT [[X]]')).toBe(true);
    expect(isRedirectText('#redirect[[X]]')).toBe(true);
    expect(isRedirectText('Text #REDIRECT')).toBe(false);
    expect(isDisambiguation('* a\n{{disambiguation|geo}}', 'Mercury')).toBe(true);
    expect(isDisambiguation('text', 'Mercury (disambiguation)')).toBe(true);
    expect(isDisambiguation('{{Disambiguation needed}} text', 'X')).toBe(false);
  });
});

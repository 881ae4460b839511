import { describe, expect, it } from 'vitest';
import { extractHtml } from '../../src/extract/html.js';

const wrap = (body: string, head = '<title>A title</title>'): string => `<!DOCTYPE html><html lang="en-US"><head>${head}</head><body>${body}</body></html>`;

describe('extractHtml', () => {
  it('drops scripts, styles, navigation, menus, forms, header, footer, aside and cookie banners', () => {
    const html = wrap(`
      <script>var tracking = "SCRIPT-TEXT";</script><style>.x{content:"STYLE-TEXT"}</style><noscript>NOSCRIPT-TEXT</noscript>
      <header><div class="logo">HEADER-TEXT</div></header>
      <nav><a href="/">NAV-TEXT</a></nav>
      <ul class="menu"><li>MENU-TEXT</li></ul>
      <div id="cookie-notice"><p>COOKIE-TEXT</p><button>OK</button></div>
      <div class="gdpr-consent-modal">CONSENT-TEXT</div>
      <div role="navigation">ROLE-NAV-TEXT</div>
      <div style="display: none">HIDDEN-TEXT</div>
      <p>The only real paragraph.</p>
      <form><label>FORM-TEXT</label><input name="q"></form>
      <aside>ASIDE-TEXT</aside>
      <div class="share-buttons">SHARE-TEXT</div>
      <footer>FOOTER-TEXT</footer>`);
    const page = extractHtml(html);
    expect(page.text).toBe('The only real paragraph.');
  });

  it('keeps one line per block, collapses whitespace inside blocks and keeps <pre> as it is', () => {
    const html = wrap(`<h1>Heading</h1><p>First   paragraph
      spread over  lines, with <b>bold</b> and <i>italic</i> words.</p>
      <div>A div<div>with a nested div</div>and a tail</div>
      <ul><li>one</li><li>two</li></ul>
      <p>Line one<br>line two</p>
      <pre>  indented
    code   stays</pre>
      <table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>`);
    expect(extractHtml(html).text.split('\n')).toEqual([
      'Heading',
      'First paragraph spread over lines, with bold and italic words.',
      'A div',
      'with a nested div',
      'and a tail',
      'one',
      'two',
      'Line one',
      'line two',
      '  indented',
      '    code   stays',
      'a b',
      'c d',
    ]);
  });

  it('decodes entities and returns the title and <html lang> separately', () => {
    const page = extractHtml(wrap('<p>Fish &amp; chips &lt;3 &eacute;t&eacute; &#8364;5&nbsp;each</p>', '<title> Menu &amp; prices </title>'));
    expect(page.text).toBe('Fish & chips <3 été €5 each');
    expect(page.title).toBe('Menu & prices');
    expect(page.lang).toBe('en-us');
  });

  it('keeps the header of an article (its title) but not the site header', () => {
    const html = wrap('<header>SITE</header><main><article><header><h1>Article title</h1></header><p>Body text here.</p></article></main>');
    expect(extractHtml(html).text).toBe('Article title\nBody text here.');
  });

  it('drops blocks that are mostly link text, and keeps prose with a link in it', () => {
    const html = wrap(`<div><a href="/a">About</a> | <a href="/b">Careers</a> | <a href="/c">Press</a></div>
      <p>Read the <a href="/report">annual report</a> for the figures behind every project we funded last year.</p>`);
    const page = extractHtml(html);
    expect(page.text).toBe('Read the annual report for the figures behind every project we funded last year.');
    expect(page.linkBlocksDropped).toBe(1);
    expect(extractHtml(html, { maxLinkDensity: 1 }).text.split('\n')).toHaveLength(2);
  });

  it('survives broken markup: unclosed tags, stray closers, no <body>', () => {
    expect(extractHtml('<p>one<p>two</span></div><div>three').text).toBe('one\ntwo\nthree');
    expect(extractHtml('plain text, no tags at all').text).toBe('plain text, no tags at all');
    expect(extractHtml('').text).toBe('');
  });
});

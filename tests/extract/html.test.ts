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
      'a | b',
      'c | d',
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
    expect(page.method).toBe('main');
  });

  it('survives broken markup: unclosed tags, stray closers, no <body>', () => {
    expect(extractHtml('<p>one<p>two</span></div><div>three').text).toBe('one\ntwo\nthree');
    expect(extractHtml('plain text, no tags at all').text).toBe('plain text, no tags at all');
    expect(extractHtml('').text).toBe('');
  });

  const sentence = (i: number): string => `Sentence ${i} of the story tells the reader what happened, where it happened, and why it matters to the people who live there.`;
  const article = (n: number, from = 0): string => Array.from({ length: n }, (_, i) => `<p>${sentence(from + i)} ${sentence(from + i + 100)}</p>`).join('\n');

  it('keeps an article inside a layout wrapper whose class names a sidebar (Vox, The Verge)', () => {
    const html = wrap(`<div class="l-sidebar-fixed l-article-body-segment"><div class="c-entry-content">${article(8)}</div>
      <div class="c-related-list"><a href="/1">Another story</a> <a href="/2">And another</a></div></div>
      <div class="sidebar"><p>Sidebar blurb about something else entirely, with a comma, and more words here.</p></div>`);
    const page = extractHtml(html);
    expect(page.method).toBe('main');
    expect(page.text.split('\n')).toHaveLength(8);
    expect(page.text).toContain(sentence(7));
    expect(page.text).not.toContain('Another story');
    expect(page.text).not.toContain('Sidebar blurb');
  });

  it('keeps the article of a page wrapped in one big <form> (ASP.NET)', () => {
    const html = wrap(`<form id="aspnetForm" action="/page.aspx"><div class="header"><a href="/">Home</a></div>
      <div id="main-content"><h1>Headline</h1>${article(6)}</div><input type="hidden" name="__VIEWSTATE"></form>`);
    const page = extractHtml(html);
    expect(page.text).toContain(sentence(0));
    expect(page.text).toContain(sentence(5));
    expect(page.text).not.toContain('Home');
  });

  it('drops related-story teasers, newsletter blurbs and interface strings inside the article', () => {
    const html = wrap(`<article><h1>Headline</h1>${article(3)}
      <div class="newsletter-signup"><p>Sign up for our newsletter</p><p>Get the best stories, every morning, in your inbox.</p></div>
      <p>Advertisement</p>
      ${article(3, 10)}
      <ul class="related-stories"><li><a href="/a">Teaser one about a different subject</a></li><li><a href="/b">Teaser two about yet another subject</a></li></ul>
      <p>Read more</p><p>%d bloggers like this:</p></article>`);
    const page = extractHtml(html);
    const lines = page.text.split('\n');
    expect(lines).toContain('Headline');
    expect(lines.filter((l) => l.startsWith('Sentence'))).toHaveLength(6);
    for (const chrome of ['newsletter', 'inbox', 'Advertisement', 'Teaser', 'Read more', 'bloggers']) expect(page.text).not.toContain(chrome);
    expect(page.boilerplateLines).toBeGreaterThanOrEqual(3);
  });

  it('puts title, author, publication date and site name in the result, not in the text', () => {
    const head = `<title>The headline | Example News</title><meta name="author" content="Ada Writer">
      <meta property="article:published_time" content="2024-03-01T10:00:00Z"><meta property="og:site_name" content="Example News">`;
    const page = extractHtml(wrap(`<article><h1>The headline</h1>${article(4)}</article>`, head));
    expect(page.title).toBe('The headline | Example News');
    expect(page.author).toBe('Ada Writer');
    expect(page.date).toBe('2024-03-01T10:00:00Z');
    expect(page.siteName).toBe('Example News');
    expect(page.text.split('\n')[0]).toBe(`${sentence(0)} ${sentence(100)}`);
  });

  it('moves a byline under the headline to meta when the page names no author', () => {
    const page = extractHtml(wrap(`<article><h1>The headline</h1><p>By Ana Whitfield and Tom Reyes, 18 May 2024</p>${article(4)}</article>`));
    expect(page.author).toBe('Ana Whitfield and Tom Reyes');
    expect(page.text).not.toContain('Whitfield');
    // a sentence that starts with "By" is prose, not a byline
    const prose = extractHtml(wrap(`<article><p>By the end of the week, the river had risen two metres, and the town was cut off.</p>${article(4)}</article>`));
    expect(prose.text).toContain('By the end of the week');
    expect(prose.author).toBeUndefined();
    expect(extractHtml(wrap(`<article><p>By the way, it rained.</p>${article(4)}</article>`)).text).toContain('By the way, it rained.');
  });

  it('writes Markdown-like text on request: headings, lists, fenced code, quotes', () => {
    const html = wrap(`<article><h2>Section</h2>${article(3)}<ul><li>first point</li><li>second point</li></ul><ol><li>step</li></ol>
      <pre>let x = 1;\n  x += 1;</pre><blockquote><p>A quoted line.</p></blockquote></article>`);
    const lines = extractHtml(html, { markdown: true }).text.split('\n');
    expect(lines[0]).toBe('## Section');
    expect(lines).toContain('- first point');
    expect(lines).toContain('1. step');
    expect(lines.join('\n')).toContain('```\nlet x = 1;\n  x += 1;\n```');
    expect(lines).toContain('> A quoted line.');
    expect(extractHtml(html).text.split('\n')).toContain('first point');
  });

  it('falls back to the visible text when no block reads as prose, and says so', () => {
    const html = wrap(`<nav><a href="/">Home</a></nav><div><span>Price list</span></div><div><span>Tea 2.00</span></div><div><span>Coffee 2.50</span></div>`);
    const page = extractHtml(html);
    expect(page.method).toBe('fallback');
    expect(page.text).toBe('Price list\nTea 2.00\nCoffee 2.50');
  });

  it('survives hostile nesting without overflowing the stack', () => {
    const depth = 100_000;
    const page = extractHtml(`<body>${'<div>'.repeat(depth)}<p>${sentence(1)}</p>${'</div>'.repeat(depth)}</body>`);
    expect(page.text).toBe(sentence(1));
  });
});

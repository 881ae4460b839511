import { isBoilerplateLine } from './boilerplate-lines.js';
import { parseHtmlTree, type HtmlElement, type HtmlTree } from './html-tree.js';
import { renderLines } from './html-text.js';
import { ALL_ON, BLOCK_TAGS, dropChrome, findMainContent, measure, reset, type MainContent, type MainContentOptions } from './main-content.js';
import { pageMeta, type PageMeta } from './page-meta.js';

/**
 * Main-text extraction from HTML (the `warc` reader's default extractor). The page is parsed once
 * into a small tree (html-tree.ts), the main content is found by scoring (main-content.ts) and
 * written out one block per line (html-text.ts); lines that are page furniture are dropped
 * (boilerplate-lines.ts). When the scored content is short, the pass is retried with fewer rules,
 * as Readability does, and the longest result kept; when nothing plausible is found, the page's
 * visible text is kept instead (`method: 'fallback'`), so no page is emptied silently.
 */
export interface ExtractOptions {
  /** In the fallback, blocks whose link text is more than this share of their text are dropped (0..1; 1 keeps all). */
  maxLinkDensity?: number;
  /** Markdown-like output: `#` headings, `-` list items, fenced `<pre>`, `>` quotes. */
  markdown?: boolean;
  /** Another article finder in place of sluice's scoring (readability.ts); the fallback still applies. */
  engine?: ArticleEngine;
}

/** An article finder: the article's lines and the page's metadata, or undefined when it finds none. */
export type ArticleEngine = (html: string, markdown: boolean) => (PageMeta & { lines: string[]; lang: string | undefined }) | undefined;

export type ExtractMethod = 'main' | 'relaxed' | 'readability' | 'fallback';

export interface ExtractedPage {
  /** Main text, one block per line. */
  text: string;
  title: string;
  /** `<html lang>`, lower-cased, when present. */
  lang: string | undefined;
  author: string | undefined;
  /** Publication date as the page states it (ISO 8601 when it uses Open Graph or `<time datetime>`). */
  date: string | undefined;
  siteName: string | undefined;
  /** How the text was found: scored main content, the same with relaxed rules, or the visible-text fallback. */
  method: ExtractMethod;
  /** Fallback blocks dropped for link density. */
  linkBlocksDropped: number;
  /** Lines dropped as page furniture. */
  boilerplateLines: number;
}

/** Below this many characters the scored content is retried with fewer rules (Readability's 500). */
const RETRY_CHARS = 500;
const RETRY_SHARE = 0.5;
/** A result shorter than this share of the page's text, and than MIN_MAIN_CHARS, is not plausible. */
const MIN_SHARE = 0.15;
const MIN_MAIN_CHARS = 200;

const RELAXED: MainContentOptions[] = [
  { dropUnlikely: false, weighClasses: true, cleanConditionally: true },
  { dropUnlikely: false, weighClasses: false, cleanConditionally: true },
  { dropUnlikely: false, weighClasses: false, cleanConditionally: false },
];

/**
 * A copy that shares no memory with the page source. A title or a one-line text kept as a
 * substring of the page would hold the whole page for as long as the document lives.
 */
function detach(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

function bodyOf(tree: HtmlTree): HtmlElement {
  const find = (el: HtmlElement): HtmlElement | undefined => {
    for (const c of el.children) {
      if (typeof c === 'string') continue;
      if (c.tag === 'body') return c;
      if (c.tag === 'html') return find(c);
    }
    return undefined;
  };
  return find(tree.root) ?? tree.root;
}

/** The rendered lines of a result, and how many were furniture. */
/** "By Ana Whitfield, 18 May 2024": a byline among the first lines, in the languages of boilerplate-lines.ts. */
// not /i: names must start with a capital (with /i, \p{Lu} matches any letter)
const BYLINE = /^(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]i|[Dd]a|[Dd]oor)\s+\p{Lu}[\p{L}.'’-]*(?:\s+(?:\p{Lu}[\p{L}.'’-]*|and|und|et|y|e|en|&))*(?:\s*[,|·–—-]\s*.{0,40})?$/u;
const BYLINE_LINES = 3;
const BYLINE_MAX_CHARS = 90;

function finish(lines: string[], title: string): { lines: string[]; dropped: number; byline: string | undefined } {
  const kept: string[] = [];
  let dropped = 0;
  let byline: string | undefined;
  const titleKey = comparable(title);
  // "Headline | Site" and "Site - Headline": the headline alone is the title too
  const titleParts = title.split(/\s[|–—·:-]\s|\s»\s/).map(comparable);
  for (const line of lines) {
    if (isBoilerplateLine(line)) {
      dropped++;
      continue;
    }
    // the page title repeated as the article's first heading belongs to meta, not the text
    if (kept.length === 0 && titleKey !== '' && isTitle(comparable(line), titleKey, titleParts)) continue;
    // so is the byline: the author goes to meta when the page's own meta tags do not name one
    if (byline === undefined && kept.length < BYLINE_LINES && line.length <= BYLINE_MAX_CHARS && BYLINE.test(line)) {
      byline = line;
      continue;
    }
    kept.push(line);
  }
  return { lines: kept, dropped, byline };
}

/** The names of a byline: "By Ana Whitfield, 18 May 2024" -> "Ana Whitfield". */
function authorOf(byline: string | undefined): string | undefined {
  if (byline === undefined) return undefined;
  return byline
    .replace(/^\S+\s+/, '')
    .split(/\s*[,|·–—-]\s*/)[0]!
    .trim();
}

function comparable(s: string): string {
  return s
    .toLowerCase()
    .replace(/^#+ /, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function isTitle(line: string, title: string, parts: readonly string[]): boolean {
  return line !== '' && (line === title || parts.includes(line) || (line.length >= 15 && title.includes(line)));
}

function dropLinkBlocks(el: HtmlElement, maxLinkDensity: number): number {
  let dropped = 0;
  let blockChild = false;
  for (const c of el.children) {
    if (typeof c === 'string' || c.dropped) continue;
    if (BLOCK_TAGS.has(c.tag)) blockChild = true;
    dropped += dropLinkBlocks(c, maxLinkDensity);
  }
  if (!blockChild && BLOCK_TAGS.has(el.tag) && el.tag !== 'body' && el.chars > 0 && el.linkChars / el.chars > maxLinkDensity) {
    el.dropped = true;
    dropped++;
  }
  return dropped;
}

function visibleText(body: HtmlElement, maxLinkDensity: number, markdown: boolean): { lines: string[]; linkBlocks: number } {
  reset(body);
  dropChrome(body);
  const linkBlocks = maxLinkDensity < 1 ? dropLinkBlocks(body, maxLinkDensity) : 0;
  return { lines: renderLines([body], { markdown }), linkBlocks };
}

export function extractHtml(html: string, opts: ExtractOptions = {}): ExtractedPage {
  if (opts.engine !== undefined) return extractWithEngine(html, opts.engine, opts);
  const tree = parseHtmlTree(html);
  const meta = pageMeta(tree);
  const body = bodyOf(tree);
  const markdown = opts.markdown ?? false;
  measure(body);
  const pageChars = body.chars;
  let best: MainContent | undefined = findMainContent(body, ALL_ON);
  let method: ExtractMethod = 'main';
  let lines = best === undefined ? [] : renderLines(best.nodes, { markdown });
  // a short result is retried only when the page has much more text than it kept: on a short page, more is not better
  if (best === undefined || (best.chars < RETRY_CHARS && best.chars < RETRY_SHARE * pageChars)) {
    for (const relaxed of RELAXED) {
      reset(body);
      const next = findMainContent(body, relaxed);
      if (next !== undefined && next.chars > (best?.chars ?? 0) * 1.2) {
        best = next;
        method = 'relaxed';
        lines = renderLines(next.nodes, { markdown });
      }
      if (best !== undefined && best.chars >= RETRY_CHARS) break;
    }
  }
  let linkBlocksDropped = 0;
  if (best === undefined || (best.chars < MIN_MAIN_CHARS && best.chars < MIN_SHARE * pageChars)) {
    const visible = visibleText(body, opts.maxLinkDensity ?? 0.5, markdown);
    method = 'fallback';
    lines = visible.lines;
    linkBlocksDropped = visible.linkBlocks;
  }
  const done = finish(lines, meta.title);
  return {
    text: done.lines.length === 1 ? detach(done.lines[0]!) : done.lines.join('\n'),
    title: detach(meta.title),
    lang: tree.lang,
    author: meta.author ?? authorOf(done.byline),
    date: meta.date,
    siteName: meta.siteName,
    method,
    linkBlocksDropped,
    boilerplateLines: done.dropped,
  };
}

function extractWithEngine(html: string, engine: ArticleEngine, opts: ExtractOptions): ExtractedPage {
  const markdown = opts.markdown ?? false;
  const found = engine(html, markdown);
  let lines = found?.lines ?? [];
  let meta: PageMeta | undefined = found;
  let lang = found?.lang;
  let method: ExtractMethod = 'readability';
  let linkBlocksDropped = 0;
  const foundChars = lines.reduce((n, l) => n + l.length, 0);
  if (found === undefined || foundChars < MIN_MAIN_CHARS) {
    const tree = parseHtmlTree(html);
    const body = bodyOf(tree);
    measure(body);
    const pageChars = body.chars;
    if (found === undefined || foundChars < MIN_SHARE * pageChars) {
      const visible = visibleText(body, opts.maxLinkDensity ?? 0.5, markdown);
      lines = visible.lines;
      linkBlocksDropped = visible.linkBlocks;
      method = 'fallback';
    }
    meta ??= pageMeta(tree);
    lang ??= tree.lang;
  }
  const title = meta?.title ?? '';
  const done = finish(lines, title);
  return {
    text: done.lines.length === 1 ? detach(done.lines[0]!) : done.lines.join('\n'),
    title: detach(title),
    lang,
    author: meta?.author ?? authorOf(done.byline),
    date: meta?.date,
    siteName: meta?.siteName,
    method,
    linkBlocksDropped,
    boilerplateLines: done.dropped,
  };
}

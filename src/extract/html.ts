import { Parser } from 'htmlparser2';

/**
 * Main-text extraction from HTML: one pass of htmlparser2's tokenizer, no DOM. Whole subtrees
 * that are not content are dropped (scripts, styles, navigation, menus, forms, header/footer/aside,
 * cookie banners and other elements whose class, id or role names them as boilerplate), block
 * elements become line breaks, and blocks made mostly of link text (menus written as plain divs)
 * are dropped. It keeps some boilerplate that only a layout-aware extractor (Readability,
 * trafilatura) would find; no such extractor has been compared with it.
 */
export interface ExtractOptions {
  /** Blocks whose link text is more than this share of their text are dropped (0..1; 1 keeps all). */
  maxLinkDensity?: number;
}

export interface ExtractedPage {
  /** Main text, one block per line. */
  text: string;
  title: string;
  /** `<html lang>`, lower-cased, when present. */
  lang: string | undefined;
  /** Blocks dropped for link density. */
  linkBlocksDropped: number;
}

/** Subtrees that never hold main text. */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const SKIP_TAGS = new Set([
  'script', 'style', 'noscript', 'template', 'nav', 'aside', 'footer', 'form', 'button', 'select', 'textarea',
  'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'video', 'audio', 'map', 'dialog', 'menu', 'label', 'datalist',
]);

/** Elements that start and end a line of text. */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const BLOCK_TAGS = new Set([
  'address', 'article', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'div', 'dl', 'dt', 'fieldset',
  'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr', 'html', 'legend', 'li',
  'main', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'tfoot', 'thead', 'tr', 'ul', 'br',
]);

/** Containers of the main content: boilerplate rules by class/id never apply to them, and a <header> inside one is kept. */
const CONTENT_TAGS = new Set(['html', 'body', 'main', 'article']);

const BOILERPLATE_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alertdialog', 'toolbar']);

/** A class or id token that names boilerplate: `cookie-banner`, `site_nav`, `share-buttons`, `sidebar`... */
const BOILERPLATE_TOKEN =
  /(?:^|[-_])(?:cookies?|cookiebar|consent|gdpr|nav|navbar|navigation|menu|menubar|breadcrumbs?|sidebar|footer|masthead|share|sharing|social|newsletter|subscribe|popup|modal|banner|advert|advertisement|ads|sponsored|related|skip|toolbar|pagination|pager|comments?)(?:$|[-_])/;

function isBoilerplate(attribs: Record<string, string>): boolean {
  const role = attribs['role'];
  if (role !== undefined && BOILERPLATE_ROLES.has(role.trim().toLowerCase())) return true;
  if (attribs['aria-hidden'] === 'true' || attribs['hidden'] !== undefined) return true;
  const style = attribs['style'];
  if (style !== undefined && /display\s*:\s*none|visibility\s*:\s*hidden/i.test(style)) return true;
  for (const name of ['class', 'id']) {
    const value = attribs[name];
    if (value === undefined) continue;
    for (const token of value.toLowerCase().split(/\s+/)) if (token !== '' && BOILERPLATE_TOKEN.test(token)) return true;
  }
  return false;
}

/**
 * Every run of whitespace as one space, trimmed. Matching only runs and lone non-space characters
 * leaves the single spaces between words alone: `/\s+/g` rebuilt the string at each of them.
 */
function collapseSpace(s: string): string {
  return s.replace(/\s{2,}|[^\S ]/g, ' ').trim();
}

/**
 * A copy that shares no memory with the page source. htmlparser2 hands out substrings of it, and
 * a title or a one-line text kept as such would hold the whole page for as long as the document
 * lives (22 MiB more for 1,774 held documents of the readers-web-code bench's WARC).
 */
function detach(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

class TextCollector {
  readonly lines: string[] = [];
  title = '';
  lang: string | undefined;
  linkBlocksDropped = 0;
  private parts: string[] = [];
  private chars = 0;
  private linkChars = 0;
  private depth = 0;
  /** Depth of the element whose subtree is being skipped, or -1. */
  private skipDepth = -1;
  private contentDepth = 0;
  private inHead = false;
  private inTitle = false;
  private inPre = 0;
  private inLink = 0;

  constructor(private readonly maxLinkDensity: number) {}

  open(name: string, attribs: Record<string, string>): void {
    this.depth++;
    if (this.skipDepth !== -1) return;
    if (name === 'html' && attribs['lang'] !== undefined) this.lang = attribs['lang'].trim().toLowerCase() || undefined;
    if (name === 'head') this.inHead = true;
    else if (name === 'body') this.inHead = false;
    if (name === 'title') {
      this.inTitle = true;
      return;
    }
    const content = CONTENT_TAGS.has(name);
    if (SKIP_TAGS.has(name) || (name === 'header' && this.contentDepth <= 1) || (!content && isBoilerplate(attribs))) {
      this.flush();
      this.skipDepth = this.depth;
      return;
    }
    if (content && name !== 'html' && name !== 'body') this.contentDepth++;
    if (name === 'body' || name === 'html') this.contentDepth = Math.max(this.contentDepth, 1);
    if (BLOCK_TAGS.has(name)) this.flush();
    if (name === 'pre') this.inPre++;
    else if (name === 'a') this.inLink++;
    else if (name === 'td' || name === 'th') this.parts.push(' ');
  }

  close(name: string): void {
    const depth = this.depth--;
    if (this.skipDepth !== -1) {
      if (depth === this.skipDepth) this.skipDepth = -1;
      return;
    }
    if (name === 'title') this.inTitle = false;
    else if (name === 'head') this.inHead = false;
    else if (name === 'a') this.inLink = Math.max(0, this.inLink - 1);
    if (BLOCK_TAGS.has(name)) this.flush();
    if (name === 'pre') this.inPre = Math.max(0, this.inPre - 1);
    if (name === 'main' || name === 'article') this.contentDepth = Math.max(1, this.contentDepth - 1);
  }

  text(data: string): void {
    if (this.skipDepth !== -1) return;
    if (this.inTitle) {
      this.title += data;
      return;
    }
    if (this.inHead) return;
    this.parts.push(data);
    const n = data.length;
    this.chars += n;
    if (this.inLink > 0) this.linkChars += n;
  }

  /** Ends the current block: one line of text (or several inside <pre>). */
  flush(): void {
    if (this.parts.length === 0) return;
    const raw = this.parts.join('');
    const dense = this.chars > 0 && this.linkChars / this.chars > this.maxLinkDensity;
    this.parts = [];
    this.chars = 0;
    this.linkChars = 0;
    if (this.inPre > 0) {
      const block = raw.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
      if (block.trim() !== '') this.lines.push(block);
      return;
    }
    const line = collapseSpace(raw);
    if (line === '') return;
    if (dense) {
      this.linkBlocksDropped++;
      return;
    }
    this.lines.push(line);
  }
}

export function extractHtml(html: string, opts: ExtractOptions = {}): ExtractedPage {
  const collector = new TextCollector(opts.maxLinkDensity ?? 0.5);
  const parser = new Parser(
    {
      onopentag: (name, attribs) => collector.open(name, attribs),
      onclosetag: (name) => collector.close(name),
      ontext: (data) => collector.text(data),
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  collector.flush();
  return {
    text: collector.lines.length === 1 ? detach(collector.lines[0]!) : collector.lines.join('\n'),
    title: detach(collapseSpace(collector.title)),
    lang: collector.lang,
    linkBlocksDropped: collector.linkBlocksDropped,
  };
}

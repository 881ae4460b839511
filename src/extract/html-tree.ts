import { Parser } from 'htmlparser2';

/**
 * A page as a small tree built in one htmlparser2 pass: only what main-text extraction looks at.
 * Subtrees that never hold readable text (scripts, styles, media, inputs) are not built at all,
 * text is kept as it came (whitespace is collapsed when the page is written out), and each
 * element keeps its tag and the few attributes the scorer reads. It is not a DOM: no selectors,
 * no mutation API; the extractor walks it a few times and marks what it drops.
 */
export interface HtmlElement {
  readonly tag: string;
  readonly parent: HtmlElement | undefined;
  readonly children: HtmlNode[];
  /** `class` and `id` joined, lower-cased ('' when neither is set). */
  readonly classId: string;
  /** The attributes the extractor reads: role, itemprop, itemtype, hidden, aria-hidden, style, datetime, content, property, name, href, rel. */
  readonly attrs: Readonly<Record<string, string>>;
  // Scratch fields the extractor fills (main-content.ts): kept on the element, not in side maps, for speed.
  /** Characters and commas of the element's own text nodes, counted once while parsing. */
  ownChars: number;
  ownCommas: number;
  /** Text characters in the subtree (whitespace runs count once), dropped subtrees excluded. */
  chars: number;
  /** Of those, characters inside links. */
  linkChars: number;
  /** Commas (Latin and CJK) in the subtree's text. */
  commas: number;
  /** Paragraphs, images and list items in the subtree. */
  paragraphs: number;
  images: number;
  items: number;
  /** Content score when the element is a candidate for the main block, else NaN. */
  score: number;
  /** Removed from the output (boilerplate, hidden, cleaned). */
  dropped: boolean;
}

export type HtmlNode = HtmlElement | string;

export interface HtmlTree {
  readonly root: HtmlElement;
  /** `<title>` text, whitespace collapsed. */
  readonly title: string;
  /** `<meta>` values by lower-cased `name`, `property` or `itemprop` (first one wins). */
  readonly meta: ReadonlyMap<string, string>;
  /** `<html lang>`, lower-cased, when present. */
  readonly lang: string | undefined;
}

/** Subtrees that never hold main text; never built. `form` is not here: ASP.NET pages wrap the whole body in one. */
// prettier-ignore
const NEVER_TEXT = new Set([
  'script', 'style', 'noscript', 'template', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas', 'video',
  'audio', 'map', 'select', 'button', 'textarea', 'datalist', 'input', 'label', 'option', 'head', 'link', 'source',
  'track', 'picture',
]);

/** Elements that are always empty: no close tag follows, so they never become a parent. */
// prettier-ignore
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);

const KEPT_ATTRS = new Set(['role', 'itemprop', 'itemtype', 'hidden', 'aria-hidden', 'style', 'datetime', 'content', 'property', 'name', 'href', 'rel']);

function pickAttrs(attribs: Record<string, string>): Record<string, string> {
  let out: Record<string, string> | undefined;
  // an element has a few attributes and we keep twelve names: walk its own
  for (const key in attribs) {
    if (!KEPT_ATTRS.has(key)) continue;
    (out ??= {})[key] = attribs[key]!;
  }
  return out ?? EMPTY_ATTRS;
}

const EMPTY_ATTRS: Readonly<Record<string, string>> = Object.freeze({});

/** Deeper elements are not built (their text still is). */
const MAX_DEPTH = 400;

function newElement(tag: string, parent: HtmlElement | undefined, classId: string, attrs: Readonly<Record<string, string>>): HtmlElement {
  return { tag, parent, children: [], classId, attrs, ownChars: 0, ownCommas: 0, chars: 0, linkChars: 0, commas: 0, paragraphs: 0, images: 0, items: 0, score: NaN, dropped: false };
}

function classIdOf(attribs: Record<string, string>): string {
  const c = attribs['class'];
  const i = attribs['id'];
  if (c === undefined && i === undefined) return '';
  return `${c ?? ''} ${i ?? ''}`.toLowerCase();
}

export interface ParseOptions {
  /** Count each element's own characters and commas (`ownChars`, `ownCommas`) for the extractor's scoring; default true. Callers that only render the tree leave them 0. */
  textCounts?: boolean;
}

export function parseHtmlTree(html: string, opts: ParseOptions = {}): HtmlTree {
  const counts = opts.textCounts ?? true;
  const root = newElement('#root', undefined, '', EMPTY_ATTRS);
  const meta = new Map<string, string>();
  let current = root;
  let title = '';
  let inTitle = false;
  let lang: string | undefined;
  /** Depth inside a subtree that is not built (NEVER_TEXT), 0 outside one. */
  let skipped = 0;
  let skipRoot = '';
  /** Depth of `current` in the built tree. */
  let treeDepth = 0;
  /** Per open element: whether it was built (so its close moves `current` back up). */
  const open: boolean[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (name === 'meta') {
          const key = (attribs['property'] ?? attribs['name'] ?? attribs['itemprop'])?.toLowerCase();
          const content = attribs['content'];
          if (key !== undefined && content !== undefined && !meta.has(key)) meta.set(key, content);
        }
        if (name === 'html' && attribs['lang'] !== undefined) lang = attribs['lang'].trim().toLowerCase() || undefined;
        // the page's title, not an <svg>'s
        if (name === 'title' && title === '' && (skipped === 0 || (skipped === 1 && skipRoot === 'head'))) inTitle = true;
        if (skipped > 0 || NEVER_TEXT.has(name)) {
          if (skipped++ === 0) skipRoot = name;
          open.push(false);
          return;
        }
        // hostile nesting (100k open divs) would overflow the extractor's recursion: deeper elements add their text to the deepest one
        if (treeDepth >= MAX_DEPTH) {
          open.push(false);
          return;
        }
        const el = newElement(name, current, classIdOf(attribs), pickAttrs(attribs));
        current.children.push(el);
        if (VOID.has(name)) {
          open.push(false);
          return;
        }
        current = el;
        treeDepth++;
        open.push(true);
      },
      onclosetag(name) {
        if (name === 'title') inTitle = false;
        const built = open.pop();
        if (built === undefined) return;
        if (!built) {
          if (skipped > 0) skipped--;
          return;
        }
        if (current.parent !== undefined) current = current.parent;
        treeDepth--;
      },
      ontext(data) {
        if (inTitle) {
          title += data;
          return;
        }
        if (skipped > 0) return;
        if (counts) {
          current.ownChars += textLength(data);
          current.ownCommas += countCommas(data);
        }
        const kids = current.children;
        const last = kids.length - 1;
        // htmlparser2 can split one text run (entities, chunk ends): join them so words stay whole
        if (last >= 0 && typeof kids[last] === 'string') kids[last] += data;
        else kids.push(data);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return { root, title: title.replace(/\s+/g, ' ').trim(), meta, lang };
}

/** Characters of text with each whitespace run counted once and none at the ends. */
export function textLength(s: string): number {
  let n = 0;
  let space = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 160) {
      if (!space) n++;
      space = true;
    } else {
      n++;
      space = false;
    }
  }
  return space && n > 0 ? n - 1 : n;
}

/** Commas, Latin or (in longer runs without any) CJK and Arabic: the scorer's hint of prose. */
const WIDE_COMMA = /[，、،]/g;

function countCommas(s: string): number {
  let n = 0;
  for (let i = s.indexOf(','); i !== -1; i = s.indexOf(',', i + 1)) n++;
  // every text node goes through here: the regex scans natively where a for-of loop built a string per character
  if (n === 0 && s.length > 20) n = s.match(WIDE_COMMA)?.length ?? 0;
  return n;
}

import type { HtmlElement, HtmlNode } from './html-tree.js';

/**
 * Finds the element that holds a page's main text, the way content extractors since Arc90's
 * Readability do: paragraphs vote for their ancestors by length and commas, votes are weighed
 * by class/id words and structural hints (`<article>`, `<main>`, schema.org `articleBody`) and
 * discounted by link density; the best-scoring element and its qualifying siblings are the
 * article; inside it, blocks that look like chrome (link lists, share bars, teasers, image
 * galleries without text) are cleaned out. Class/id words only ever lower a score or remove a
 * small subtree: a subtree that holds a large part of the page's text is never removed for its
 * name (layout wrappers such as `l-sidebar-fixed l-article-body-segment` hold whole articles).
 */
export interface MainContentOptions {
  /** Drop subtrees whose class/id/role/tag name them as boilerplate before scoring. */
  dropUnlikely: boolean;
  /** Weigh candidates by their class/id words. */
  weighClasses: boolean;
  /** Remove chrome-like blocks inside the chosen content. */
  cleanConditionally: boolean;
}

export const ALL_ON: MainContentOptions = { dropUnlikely: true, weighClasses: true, cleanConditionally: true };

/** Class/id words of chrome; a subtree so named is dropped before scoring unless it also names content or holds much of the page. */
const UNLIKELY =
  /-ad-|ai2html|banner|breadcrumb|combx|comment|community|cover-wrap|disqus|extra|footer|gdpr|cookie|consent|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote|newsletter|subscribe|share|sharing|promo|teaser|recommend|trending|most-popular|outbrain|taboola|nav\b|navbar|masthead|modal|toolbar|signup|sign-up|paywall|author-bio|byline-social/;
const MAYBE_CONTENT = /and|article|body|column|content|main|mathjax|shadow|story|post|entry|text/;
const POSITIVE = /article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose|rich-text|richtext/;
const NEGATIVE =
  /-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|footer|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|taboola|newsletter|subscribe|recommend|teaser|byline|caption|credit|toolbar|popup|modal|breadcrumb/;

const UNLIKELY_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'dialog', 'alertdialog', 'toolbar']);
/** Tags that are chrome wherever they are, unless they hold much of the page's text. */
const CHROME_TAGS = new Set(['nav', 'aside', 'footer', 'menu', 'dialog', 'form']);

/** Elements whose text is one paragraph, scored as such. */
const PARAGRAPH_TAGS = new Set(['p', 'pre', 'td', 'blockquote', 'li', 'dd', 'h2', 'h3', 'h4', 'h5', 'h6']);
/** Elements that start a new block: a div holding one is a container, not a paragraph. */
// prettier-ignore
export const BLOCK_TAGS = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hgroup', 'hr',
  'html', 'legend', 'li', 'main', 'menu', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'td', 'tfoot',
  'th', 'thead', 'tr', 'ul',
]);

const HIDDEN_STYLE = /display\s*:\s*none|visibility\s*:\s*hidden/i;
/** A subtree holding more than this share of the page's text is never removed for its name. */
const PROTECTED_SHARE = 0.5;

function isHidden(el: HtmlElement): boolean {
  const a = el.attrs;
  if (a['hidden'] !== undefined || a['aria-hidden'] === 'true') return true;
  const style = a['style'];
  return style !== undefined && HIDDEN_STYLE.test(style);
}

function isArticleBody(el: HtmlElement): boolean {
  const prop = el.attrs['itemprop'];
  return prop !== undefined && /\barticleBody\b|\btext\b/i.test(prop);
}

function namedUnlikely(el: HtmlElement, insideContent: boolean): boolean {
  if (el.tag === 'body' || el.tag === 'a' || el.tag === 'article' || el.tag === 'main' || isArticleBody(el)) return false;
  const role = el.attrs['role'];
  if (role !== undefined && UNLIKELY_ROLES.has(role.trim().toLowerCase())) return true;
  if (CHROME_TAGS.has(el.tag)) return true;
  if (el.tag === 'header' && !insideContent) return true;
  const names = el.classId;
  return names !== '' && UNLIKELY.test(names) && !MAYBE_CONTENT.test(names);
}

/** Counts text, links, commas and blocks bottom-up; dropped subtrees count nothing. */
export function measure(el: HtmlElement, inLink = false): void {
  let chars = el.ownChars;
  let linkChars = 0;
  let commas = el.ownCommas;
  let paragraphs = el.tag === 'p' || el.tag === 'pre' ? 1 : 0;
  let images = el.tag === 'img' ? 1 : 0;
  let items = el.tag === 'li' ? 1 : 0;
  // a javascript: link is a button written as a link, not a link to elsewhere
  const link = inLink || (el.tag === 'a' && el.attrs['href']?.startsWith('javascript:') !== true);
  for (const child of el.children) {
    if (typeof child === 'string' || child.dropped) continue;
    measure(child, link);
    chars += child.chars;
    linkChars += child.linkChars;
    commas += child.commas;
    paragraphs += child.paragraphs;
    images += child.images;
    items += child.items;
  }
  el.chars = chars;
  el.linkChars = link ? chars : linkChars;
  el.commas = commas;
  el.paragraphs = paragraphs;
  el.images = images;
  el.items = items;
}

function linkDensity(el: HtmlElement): number {
  return el.chars === 0 ? 0 : el.linkChars / el.chars;
}

function classWeight(el: HtmlElement, opts: MainContentOptions): number {
  if (!opts.weighClasses || el.classId === '') return 0;
  let w = 0;
  if (NEGATIVE.test(el.classId)) w -= 25;
  if (POSITIVE.test(el.classId)) w += 25;
  return w;
}

function baseScore(el: HtmlElement, opts: MainContentOptions): number {
  let s = 0;
  switch (el.tag) {
    case 'div':
    case 'section':
      s = 5;
      break;
    case 'article':
      s = 10;
      break;
    case 'main':
      s = 8;
      break;
    case 'pre':
    case 'td':
    case 'blockquote':
      s = 3;
      break;
    case 'address':
    case 'ol':
    case 'ul':
    case 'dl':
    case 'dd':
    case 'dt':
    case 'li':
    case 'form':
      s = -3;
      break;
    case 'h1':
    case 'h2':
    case 'h3':
    case 'h4':
    case 'h5':
    case 'h6':
    case 'th':
      s = -5;
      break;
  }
  if (isArticleBody(el)) s += 25;
  return s + classWeight(el, opts);
}

function hasBlockChild(el: HtmlElement): boolean {
  for (const c of el.children) if (typeof c !== 'string' && !c.dropped && BLOCK_TAGS.has(c.tag)) return true;
  return false;
}

/** Marks chrome (by name, role, tag, hidden) as dropped, top-down; a subtree with much of the page's text is kept. */
function dropUnlikely(el: HtmlElement, total: number, insideContent: boolean, opts: MainContentOptions): void {
  const content = insideContent || el.tag === 'article' || el.tag === 'main' || isArticleBody(el);
  for (const child of el.children) {
    if (typeof child === 'string') continue;
    const protectedShare = child.chars > PROTECTED_SHARE * total;
    if (isHidden(child) && !protectedShare) {
      child.dropped = true;
      continue;
    }
    if (opts.dropUnlikely && !protectedShare && namedUnlikely(child, content)) {
      child.dropped = true;
      continue;
    }
    dropUnlikely(child, total, content, opts);
  }
}

/** Every element that votes as a paragraph, in document order. */
function collectParagraphs(el: HtmlElement, out: HtmlElement[]): void {
  for (const child of el.children) {
    if (typeof child === 'string' || child.dropped) continue;
    if (PARAGRAPH_TAGS.has(child.tag) || ((child.tag === 'div' || child.tag === 'section' || child.tag === 'span') && !hasBlockChild(child) && hasOwnText(child))) {
      out.push(child);
      // a <td> or <li> may hold real paragraphs: let those vote too, not the cell as a whole
      if ((child.tag === 'td' || child.tag === 'li' || child.tag === 'blockquote') && child.paragraphs > 0) {
        out.pop();
        collectParagraphs(child, out);
      }
      continue;
    }
    collectParagraphs(child, out);
  }
}

function hasOwnText(el: HtmlElement): boolean {
  for (const c of el.children) if (typeof c === 'string' ? c.trim() !== '' : !c.dropped && !BLOCK_TAGS.has(c.tag)) return true;
  return false;
}

/** The best candidate for the main block, or undefined when no paragraph voted. */
function pickTop(body: HtmlElement, opts: MainContentOptions): { top: HtmlElement; candidates: HtmlElement[] } | undefined {
  const paragraphs: HtmlElement[] = [];
  collectParagraphs(body, paragraphs);
  const candidates: HtmlElement[] = [];
  for (const p of paragraphs) {
    if (p.chars < 25) continue;
    const vote = 1 + p.commas + Math.min(Math.floor(p.chars / 100), 3);
    let level = 0;
    for (let a = p.parent; a !== undefined && level < 5; a = a.parent, level++) {
      if (a === body.parent) break;
      if (Number.isNaN(a.score)) {
        a.score = baseScore(a, opts);
        candidates.push(a);
      }
      a.score += level === 0 ? vote : level === 1 ? vote / 2 : vote / (level * 3);
    }
  }
  if (candidates.length === 0) return undefined;
  let top: HtmlElement | undefined;
  let best = -Infinity;
  for (const c of candidates) {
    c.score *= 1 - linkDensity(c);
    if (c.score > best) {
      best = c.score;
      top = c;
    }
  }
  return top === undefined ? undefined : { top: promote(top, candidates), candidates };
}

function isAncestor(a: HtmlElement, el: HtmlElement): boolean {
  for (let p = el.parent; p !== undefined; p = p.parent) if (p === a) return true;
  return false;
}

/**
 * A better container above the top candidate: the common ancestor of several near-top
 * candidates (an article split into sections), then any parent that scores at least as well.
 */
function promote(top: HtmlElement, candidates: HtmlElement[]): HtmlElement {
  const near = candidates.filter((c) => c !== top && c.score >= 0.75 * top.score);
  if (near.length >= 2) {
    for (let a = top.parent; a !== undefined && a.tag !== 'body' && a.tag !== '#root'; a = a.parent) {
      let inside = 0;
      for (const c of near) if (isAncestor(a, c)) inside++;
      if (inside >= 2) {
        top = a;
        break;
      }
    }
  }
  let last = Number.isNaN(top.score) ? 0 : top.score;
  for (let p = top.parent; p !== undefined && p.tag !== 'body' && p.tag !== '#root'; p = p.parent) {
    if (Number.isNaN(p.score)) continue;
    if (p.score < last / 3) break;
    if (p.score > last) {
      top = p;
      last = p.score;
    }
  }
  // a lone child adds nothing: its parent holds the same text plus the article's own headings
  while (top.tag !== 'body' && top.parent !== undefined && top.parent.tag !== '#root' && top.parent.tag !== 'html' && elementChildren(top.parent).length === 1) top = top.parent;
  return top;
}

function elementChildren(el: HtmlElement): HtmlElement[] {
  const out: HtmlElement[] = [];
  for (const c of el.children) if (typeof c !== 'string' && !c.dropped) out.push(c);
  return out;
}

function endsSentence(el: HtmlElement): boolean {
  const text = plainText(el).trimEnd();
  return /[.!?。！？]["'”’)]?$/.test(text);
}

function plainText(el: HtmlElement): string {
  let s = '';
  for (const c of el.children) {
    if (typeof c === 'string') s += c;
    else if (!c.dropped) s += plainText(c);
  }
  return s;
}

/** The top candidate and the siblings that belong with it (continuation paragraphs, same-class blocks). */
function withSiblings(top: HtmlElement): HtmlNode[] {
  const parent = top.parent;
  if (parent === undefined || parent.tag === '#root') return [top];
  const threshold = Math.max(10, top.score * 0.2);
  const out: HtmlNode[] = [];
  for (const sib of parent.children) {
    if (sib === top) {
      out.push(sib);
      continue;
    }
    if (typeof sib === 'string' || sib.dropped) continue;
    let keep = false;
    const bonus = top.classId !== '' && sib.classId === top.classId ? top.score * 0.2 : 0;
    if (!Number.isNaN(sib.score) && sib.score + bonus >= threshold) keep = true;
    else if (sib.tag === 'p' || (sib.tag === 'div' && !hasBlockChild(sib))) {
      const ld = linkDensity(sib);
      if (sib.chars > 80 && ld < 0.25) keep = true;
      else if (sib.chars > 0 && sib.chars <= 80 && ld === 0 && endsSentence(sib)) keep = true;
    }
    if (keep) out.push(sib);
  }
  return out;
}

/** Tags whose subtrees the cleaner judges as a whole. */
const CLEANED = new Set(['div', 'section', 'table', 'ul', 'ol', 'dl', 'form', 'fieldset', 'aside', 'figure', 'header', 'footer', 'nav', 'center']);

/** Removes chrome-like blocks inside the chosen content, top-down. */
function clean(el: HtmlElement, contentChars: number, opts: MainContentOptions): void {
  for (const child of el.children) {
    if (typeof child === 'string' || child.dropped) continue;
    if (child.tag === 'pre' || child.tag === 'code') continue;
    if (shouldClean(child, contentChars, opts)) {
      child.dropped = true;
      continue;
    }
    clean(child, contentChars, opts);
  }
}

function shouldClean(el: HtmlElement, contentChars: number, opts: MainContentOptions): boolean {
  const big = el.chars > 0.5 * contentChars;
  if (/^h[1-6]$/.test(el.tag)) return classWeight(el, opts) < 0 && el.chars < 200;
  if (!CLEANED.has(el.tag) || big) return false;
  const weight = classWeight(el, opts) + (isArticleBody(el) ? 25 : 0);
  const score = Number.isNaN(el.score) ? 0 : el.score;
  if (weight + score < 0 && el.chars < 0.3 * contentChars) return true;
  if (el.commas >= 10) return false;
  const isList = el.tag === 'ul' || el.tag === 'ol' || el.tag === 'dl';
  const ld = linkDensity(el);
  const p = el.paragraphs;
  const img = el.images;
  const li = el.items - 100;
  if (el.tag === 'figure') return ld > 0.5;
  if (img > 1 && p / img < 0.5 && el.chars < 200) return true;
  if (!isList && li > p && el.tag !== 'table') return true;
  if (weight < 25 && ld > 0.2 && !(isList && ld < 0.5 && el.chars > 200)) return true;
  if (weight >= 25 && ld > 0.5) return true;
  if (el.chars < 25 && img === 0 && !isList && el.tag !== 'table' && /^(?:div|section|center)$/.test(el.tag) && !hasOwnText(el)) return true;
  return false;
}

export interface MainContent {
  /** The nodes to write out, in document order (the top candidate and its siblings). */
  nodes: HtmlNode[];
  /** Characters of text in them. */
  chars: number;
}

/**
 * The main content under `body`. The tree's scratch fields (score, dropped) are written: run
 * one attempt per fresh tree, or call `reset` between attempts.
 */
export function findMainContent(body: HtmlElement, opts: MainContentOptions): MainContent | undefined {
  dropChrome(body, opts);
  const picked = pickTop(body, opts);
  if (picked === undefined) return undefined;
  const nodes = withSiblings(picked.top);
  let chars = 0;
  for (const n of nodes) if (typeof n !== 'string') chars += n.chars;
  if (opts.cleanConditionally) {
    for (const n of nodes) if (typeof n !== 'string') clean(n, chars, opts);
    for (const n of nodes) if (typeof n !== 'string') measure(n);
    chars = 0;
    for (const n of nodes) if (typeof n !== 'string') chars += n.chars;
  }
  return { nodes, chars };
}

/** Measures the tree and drops its chrome (hidden, navigation, named boilerplate) as the first step of scoring does. */
export function dropChrome(body: HtmlElement, opts: MainContentOptions = ALL_ON): void {
  measure(body);
  dropUnlikely(body, body.chars, false, opts);
  measure(body);
}

/** Clears the scratch fields so the tree can be scored again with other options. */
export function reset(el: HtmlElement): void {
  el.score = NaN;
  el.dropped = false;
  for (const c of el.children) if (typeof c !== 'string') reset(c);
}

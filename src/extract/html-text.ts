import type { HtmlElement, HtmlNode } from './html-tree.js';
import { BLOCK_TAGS } from './main-content.js';

const HEADING = /^h[1-6]$/;

/**
 * Writes extracted nodes out as text: one line per block (paragraph, heading, list item, table
 * row), whitespace collapsed inside a line, `<pre>` verbatim, table cells joined by ` | `. In
 * Markdown form headings get `#`, list items `- ` or `1. `, `<pre>` a fence and quotes `> `.
 */
export interface RenderOptions {
  markdown: boolean;
}

/** Whitespace that `[\s\u00a0]+` → ' ' would change: any but a plain space, or two spaces in a row. */
const SPACE_TO_COLLAPSE = /[^\S ]| {2}/;

function hasText(parts: readonly string[]): boolean {
  for (const p of parts) if (p.trim() !== '') return true;
  return false;
}

class LineWriter {
  readonly lines: string[] = [];
  private parts: string[] = [];
  /** Prefix of the line being written (Markdown heading, bullet, quote). */
  private prefix = '';

  constructor(private readonly markdown: boolean) {}

  text(s: string): void {
    this.parts.push(s);
  }

  startLine(prefix: string): void {
    if (hasText(this.parts)) this.flush();
    else if (this.parts.length > 0) this.parts = [];
    // a block opening inside a list item or heading keeps that line's bullet or #
    if (this.markdown && prefix.length >= this.prefix.length) this.prefix = prefix;
  }

  flush(): void {
    if (this.parts.length === 0) {
      this.prefix = '';
      return;
    }
    const joined = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    // collapsing is a copy of the line even when every whitespace run is one space already
    const line = (SPACE_TO_COLLAPSE.test(joined) ? joined.replace(/[\s\u00a0]+/g, ' ') : joined).trim();
    this.parts = [];
    if (line !== '' && line !== '|') this.lines.push(this.prefix + (line.charCodeAt(0) === 0x7c || line.charCodeAt(line.length - 1) === 0x7c ? line.replace(/^\| | \|$/g, '') : line));
    this.prefix = '';
  }

  verbatim(block: string): void {
    this.flush();
    const body = block.replace(/[ \t]+$/gm, '').replace(/^\n+|\n+$/g, '');
    if (body.trim() === '') return;
    this.lines.push(this.markdown ? '```\n' + body + '\n```' : body);
  }
}

function rawText(el: HtmlElement): string {
  let s = '';
  for (const c of el.children) {
    if (typeof c === 'string') s += c;
    else if (!c.dropped) s += c.tag === 'br' ? '\n' : rawText(c);
  }
  return s;
}

function write(node: HtmlNode, out: LineWriter, quote: string, listDepth: number): void {
  if (typeof node === 'string') {
    out.text(node);
    return;
  }
  if (node.dropped) return;
  const tag = node.tag;
  switch (tag) {
    case 'br':
      out.startLine(quote);
      return;
    case 'pre':
      out.verbatim(rawText(node));
      return;
    case 'td':
    case 'th':
      out.text(' | ');
      break;
    case 'tr':
      out.startLine(quote);
      break;
    case 'li': {
      const ordered = node.parent?.tag === 'ol';
      out.startLine(quote + '  '.repeat(Math.max(0, listDepth - 1)) + (ordered ? '1. ' : '- '));
      break;
    }
    case 'blockquote':
      out.startLine(quote + '> ');
      break;
    default:
      if (HEADING.test(tag)) out.startLine(quote + '#'.repeat(Number(tag[1])) + ' ');
      else if (BLOCK_TAGS.has(tag)) out.startLine(quote);
  }
  const innerQuote = tag === 'blockquote' ? quote + '> ' : quote;
  const innerDepth = tag === 'ul' || tag === 'ol' ? listDepth + 1 : listDepth;
  for (const child of node.children) write(child, out, innerQuote, innerDepth);
  if ((BLOCK_TAGS.has(tag) && tag !== 'td' && tag !== 'th') || tag === 'tr') out.startLine(quote);
}

export function renderLines(nodes: readonly HtmlNode[], opts: RenderOptions): string[] {
  const out = new LineWriter(opts.markdown);
  for (const n of nodes) {
    write(n, out, '', 0);
    if (typeof n !== 'string') out.flush();
  }
  out.flush();
  return out.lines;
}

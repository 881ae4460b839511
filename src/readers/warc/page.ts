/**
 * From a stored HTTP response to a page: status, content type, charset, main-text extraction and
 * the undecodable check. One function, used by the `warc` reader for every response record and
 * by the `fetch` stage for every page it downloads (or serves from its own WARC files), so a
 * crawl replayed offline through the warc reader gives the same text as the crawl itself.
 */
import type { Meta } from '../../core/doc.js';
import type { RejectDetail } from '../../core/stage.js';
import type { StageRecorder } from '../../core/stats.js';
import { charsetFromContentType, decodeHtml, undecodableChars } from '../../extract/charset.js';
import { extractHtml, type ArticleEngine } from '../../extract/html.js';
import { mimeType, parseHttpResponse } from './http.js';

export const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml']);
const MIN_UNDECODABLE_CHARS = 4;

/** Whether a body without a Content-Type starts like an HTML document. */
export function looksLikeHtml(body: Buffer): boolean {
  const head = body.toString('latin1', 0, Math.min(body.length, 1024)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || /<(?:head|body|title)[\s>]/.test(head);
}

export interface PageOptions {
  /** Largest decoded body (gzip/br/deflate are inflated up to this). */
  maxBytes: number;
  markdown: boolean;
  maxLinkDensity: number;
  maxUndecodableRatio: number;
  /** Readability.js in place of sluice's extractor (src/extract/readability.ts). */
  engine?: ArticleEngine;
}

/** What a page adds to a document's meta, in this key order (the warc reader's meta order). */
export interface PageFields extends Meta {
  content_type: string;
  charset: string;
  charset_source: string;
  language: string | null;
  title: string;
  extraction: string;
}

export type PageResult =
  | { kind: 'page'; text: string; fields: PageFields }
  /** Dropped by policy: a non-2xx status, a type that is not HTML, no text; `fields` when the page was extracted. */
  | { kind: 'skip'; reason: 'http_status' | 'non_html' | 'empty_text'; detail?: RejectDetail; fields?: PageFields }
  /** The response could not be read: `raw` is what to keep for inspection. */
  | { kind: 'invalid'; reason: 'bad_http' | 'undecodable'; error: string; raw: string };

/**
 * The page in an HTTP response block (status line, headers, body as stored in a WARC response
 * record). `payloadType` is WARC-Identified-Payload-Type, used when the response has no
 * Content-Type. Counters (`charset_*`, `extract_*`, ...) go to `stats`.
 */
export function pageOfResponse(block: Buffer, payloadType: string | undefined, opts: PageOptions, stats: StageRecorder): PageResult {
  const parsed = parseHttpResponse(block, opts.maxBytes);
  if (!parsed.ok) return { kind: 'invalid', reason: 'bad_http', error: parsed.error, raw: block.toString('latin1', 0, 512) };
  const res = parsed.response;
  if (res.status < 200 || res.status > 299) {
    const location = res.headers.get('location');
    return { kind: 'skip', reason: 'http_status', detail: location === undefined ? { status: res.status } : { status: res.status, location } };
  }
  const contentType = res.headers.get('content-type');
  const mime = mimeType(contentType) ?? mimeType(payloadType);
  const html = mime === undefined ? looksLikeHtml(res.body) : HTML_TYPES.has(mime);
  if (!html) return { kind: 'skip', reason: 'non_html', detail: { content_type: mime ?? null } };
  const decoded = decodeHtml(res.body, charsetFromContentType(contentType));
  stats.count(`charset_${decoded.source}`);
  if (decoded.rejectedLabel !== undefined) stats.count('charset_declaration_ignored');
  const page = extractHtml(decoded.text, { maxLinkDensity: opts.maxLinkDensity, markdown: opts.markdown, ...(opts.engine && { engine: opts.engine }) });
  stats.count(`extract_${page.method}`);
  if (page.linkBlocksDropped > 0) stats.count('link_blocks_dropped', page.linkBlocksDropped);
  if (page.boilerplateLines > 0) stats.count('boilerplate_lines_dropped', page.boilerplateLines);
  const bad = undecodableChars(page.text);
  // a stray byte or two in a short page is damage, not a failed decode
  if (bad >= MIN_UNDECODABLE_CHARS && bad > opts.maxUndecodableRatio * page.text.length) {
    const share = ((bad / page.text.length) * 100).toFixed(1);
    return {
      kind: 'invalid',
      reason: 'undecodable',
      error: `${share}% of the text is replacement or control characters after decoding as ${decoded.charset} (${decoded.source})`,
      raw: page.text.slice(0, 512),
    };
  }
  const fields: PageFields = {
    content_type: mime ?? 'text/html',
    charset: decoded.charset,
    charset_source: decoded.source,
    language: languageHint(res.headers.get('content-language'), page.lang),
    title: page.title,
    extraction: page.method,
  };
  if (page.author !== undefined) fields['author'] = page.author;
  if (page.date !== undefined) fields['published'] = page.date;
  if (page.siteName !== undefined) fields['site_name'] = page.siteName;
  if (page.text.trim() === '') return { kind: 'skip', reason: 'empty_text', fields };
  return { kind: 'page', text: page.text, fields };
}

/** The first tag of Content-Language, else `<html lang>`; null when neither says. */
function languageHint(contentLanguage: string | undefined, htmlLang: string | undefined): string | null {
  const first = contentLanguage?.split(',')[0]?.trim().toLowerCase();
  return first || htmlLang || null;
}

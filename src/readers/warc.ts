import { z } from 'zod';
import type { Meta } from '../core/doc.js';
import { sizeSchema } from '../core/size.js';
import { defineReader } from './reader.js';

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const MIN_UNDECODABLE_CHARS = 4;

function looksLikeHtml(body: Buffer): boolean {
  const head = body.toString('latin1', 0, Math.min(body.length, 1024)).trimStart().toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || /<(?:head|body|title)[\s>]/.test(head);
}

const params = z
  .object({
    /** Records whose block is larger are skipped (`too_large`) without being held in memory. */
    max_record_bytes: sizeSchema.prefault('16MiB'),
    /**
     * How the main text is found: `main`, sluice's own scoring extractor (default; fastest and
     * best on the benchmarks in src/extract/README.md), or `readability`, Mozilla's Readability.js
     * over linkedom (about 10x slower).
     */
    extractor: z.enum(['main', 'readability']).default('main'),
    /** Markdown-like text: `#` headings, `-` list items, fenced code blocks, `>` quotes. */
    markdown: z.boolean().default(false),
    /** In the visible-text fallback (no main content found), blocks whose link text is more than this share are dropped. */
    max_link_density: z.number().min(0).max(1).default(0.5),
    /** Pages whose text has a larger share of U+FFFD / control characters are `undecodable`. */
    max_undecodable_ratio: z.number().min(0).max(1).default(0.01),
    /** Keep only responses whose URL is listed (normalized as reddit_links does); others are counted as `not_in_allowlist`. */
    url_allowlist: z.string().min(1).optional(),
  })
  .strict();

/**
 * Common Crawl WARC files: HTML `response` records become documents with their main text;
 * other record types are counted (`records_<type>`), other responses skipped with a reason.
 */
export const warcReader = defineReader({
  name: 'warc',
  summary: 'WARC (.warc, .warc.gz): HTML responses decoded by charset and reduced to their main text',
  defaultSource: 'web',
  params,
  async *read(file, p, ctx) {
    // the HTML parser and charset detectors cost about 300 ms of CPU to load: only WARC runs pay it
    const [{ charsetFromContentType, decodeHtml, undecodableChars }, { extractHtml }, { mimeType, parseHttpResponse }, { warcRecords }] = await Promise.all([
      import('../extract/charset.js'),
      import('../extract/html.js'),
      import('./warc/http.js'),
      import('./warc/records.js'),
    ]);
    // Readability.js and its DOM load only when asked for
    const engine = p.extractor === 'readability' ? (await import('../extract/readability.js')).extractWithReadability : undefined;
    const allow = p.url_allowlist === undefined ? undefined : await (await import('./links/allowlist.js')).urlAllowlist(p.url_allowlist);
    for await (const { type, id, record: e } of warcRecords(file, p.max_record_bytes, ctx)) {
      if (type !== 'response') continue;
      const url = e.headers.get('warc-target-uri') ?? '';
      // counted, not rejected one by one: on a Common Crawl file nearly every record is outside a link list
      if (allow && !allow.has(url)) {
        ctx.stats.count('not_in_allowlist');
        continue;
      }
      if (e.kind === 'oversize') {
        const head = parseHttpResponse(e.head, e.head.length);
        const mime = head.ok ? mimeType(head.response.headers.get('content-type')) : undefined;
        const reason = mime !== undefined && !HTML_TYPES.has(mime) ? 'non_html' : 'too_large';
        ctx.skip({ id, reason, meta: { url }, detail: { bytes: e.length, max_record_bytes: p.max_record_bytes, content_type: mime ?? null } });
        continue;
      }
      const warcType = mimeType(e.headers.get('content-type'));
      if (warcType !== undefined && warcType !== 'application/http') {
        ctx.skip({ id, reason: 'non_html', meta: { url }, detail: { warc_content_type: warcType } });
        continue;
      }
      const parsed = parseHttpResponse(e.block, p.max_record_bytes);
      if (!parsed.ok) {
        ctx.invalid({ id, reason: 'bad_http', record: e.offset, error: parsed.error, raw: e.block.toString('latin1', 0, 512) });
        continue;
      }
      const res = parsed.response;
      if (res.status < 200 || res.status > 299) {
        const location = res.headers.get('location');
        ctx.skip({ id, reason: 'http_status', meta: { url }, detail: location === undefined ? { status: res.status } : { status: res.status, location } });
        continue;
      }
      const contentType = res.headers.get('content-type');
      const mime = mimeType(contentType) ?? mimeType(e.headers.get('warc-identified-payload-type'));
      const html = mime === undefined ? looksLikeHtml(res.body) : HTML_TYPES.has(mime);
      if (!html) {
        ctx.skip({ id, reason: 'non_html', meta: { url }, detail: { content_type: mime ?? null } });
        continue;
      }
      const decoded = decodeHtml(res.body, charsetFromContentType(contentType));
      ctx.stats.count(`charset_${decoded.source}`);
      if (decoded.rejectedLabel !== undefined) ctx.stats.count('charset_declaration_ignored');
      const page = extractHtml(decoded.text, { maxLinkDensity: p.max_link_density, markdown: p.markdown, ...(engine && { engine }) });
      ctx.stats.count(`extract_${page.method}`);
      if (page.linkBlocksDropped > 0) ctx.stats.count('link_blocks_dropped', page.linkBlocksDropped);
      if (page.boilerplateLines > 0) ctx.stats.count('boilerplate_lines_dropped', page.boilerplateLines);
      const bad = undecodableChars(page.text);
      // a stray byte or two in a short page is damage, not a failed decode
      if (bad >= MIN_UNDECODABLE_CHARS && bad > p.max_undecodable_ratio * page.text.length) {
        const share = ((bad / page.text.length) * 100).toFixed(1);
        ctx.invalid({
          id,
          reason: 'undecodable',
          record: e.offset,
          error: `${share}% of the text is replacement or control characters after decoding as ${decoded.charset} (${decoded.source})`,
          raw: page.text.slice(0, 512),
        });
        continue;
      }
      const meta: Meta = {
        url,
        date: e.headers.get('warc-date') ?? null,
        warc_record_id: id,
        content_type: mime ?? 'text/html',
        charset: decoded.charset,
        charset_source: decoded.source,
        language: languageHint(res.headers.get('content-language'), page.lang),
        title: page.title,
        extraction: page.method,
      };
      if (page.author !== undefined) meta['author'] = page.author;
      if (page.date !== undefined) meta['published'] = page.date;
      if (page.siteName !== undefined) meta['site_name'] = page.siteName;
      const truncated = e.headers.get('warc-truncated');
      if (truncated !== undefined) meta['warc_truncated'] = truncated;
      if (page.text.trim() === '') {
        ctx.skip({ id, reason: 'empty_text', meta });
        continue;
      }
      yield { id, text: page.text, source: ctx.source, meta };
    }
  },
});

/** The first tag of Content-Language, else `<html lang>`; null when neither says. */
function languageHint(contentLanguage: string | undefined, htmlLang: string | undefined): string | null {
  const first = contentLanguage?.split(',')[0]?.trim().toLowerCase();
  return first || htmlLang || null;
}

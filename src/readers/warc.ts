import { z } from '../vendor/zod.js';
import type { Meta } from '../core/doc.js';
import { sizeSchema } from '../core/size.js';
import { defineReader } from './reader.js';

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
    const [{ HTML_TYPES, pageOfResponse }, { mimeType, parseHttpResponse }, { warcRecords }] = await Promise.all([import('./warc/page.js'), import('./warc/http.js'), import('./warc/records.js')]);
    // Readability.js and its DOM load only when asked for
    const engine = p.extractor === 'readability' ? (await import('../extract/readability.js')).extractWithReadability : undefined;
    const opts = { maxBytes: p.max_record_bytes, markdown: p.markdown, maxLinkDensity: p.max_link_density, maxUndecodableRatio: p.max_undecodable_ratio, ...(engine && { engine }) };
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
      const page = pageOfResponse(e.block, e.headers.get('warc-identified-payload-type'), opts, ctx.stats);
      if (page.kind === 'invalid') {
        ctx.invalid({ id, reason: page.reason, record: e.offset, error: page.error, raw: page.raw });
        continue;
      }
      if (page.kind === 'skip' && page.fields === undefined) {
        ctx.skip(page.detail === undefined ? { id, reason: page.reason, meta: { url } } : { id, reason: page.reason, meta: { url }, detail: page.detail });
        continue;
      }
      const meta: Meta = { url, date: e.headers.get('warc-date') ?? null, warc_record_id: id, ...page.fields };
      const truncated = e.headers.get('warc-truncated');
      if (truncated !== undefined) meta['warc_truncated'] = truncated;
      if (page.kind === 'skip') {
        ctx.skip({ id, reason: page.reason, meta });
        continue;
      }
      yield { id, text: page.text, source: ctx.source, meta };
    }
  },
});

import { isUtf8 } from 'node:buffer';
import { z } from '../vendor/zod.js';
import type { Meta } from '../core/doc.js';
import { sizeSchema } from '../core/size.js';
import { defineReader } from './reader.js';

/**
 * Common Crawl WET files: `conversion` records hold the text Common Crawl extracted, as UTF-8.
 * The text is taken as given; other record types (warcinfo) are counted, not read.
 */
export const wetReader = defineReader({
  name: 'wet',
  summary: 'Common Crawl WET (.warc.wet.gz): the extracted text of each conversion record',
  defaultSource: 'web',
  params: z
    .object({
      max_record_bytes: sizeSchema.prefault('16MiB'),
      /** Keep only records whose URL is listed (normalized as reddit_links does); others are counted as `not_in_allowlist`. */
      url_allowlist: z.string().min(1).optional(),
    })
    .strict(),
  async *read(file, p, ctx) {
    const { unbracket, warcRecords } = await import('./warc/records.js'); // the record parser loads with the first WET file
    const allow = p.url_allowlist === undefined ? undefined : await (await import('./links/allowlist.js')).urlAllowlist(p.url_allowlist);
    for await (const { type, id, record: e } of warcRecords(file, p.max_record_bytes, ctx)) {
      if (type !== 'conversion') continue;
      // counted, not rejected one by one: on a Common Crawl file nearly every record is outside a link list
      if (allow && !allow.has(e.headers.get('warc-target-uri') ?? '')) {
        ctx.stats.count('not_in_allowlist');
        continue;
      }
      const meta: Meta = {
        url: e.headers.get('warc-target-uri') ?? '',
        date: e.headers.get('warc-date') ?? null,
        warc_record_id: id,
      };
      const refersTo = e.headers.get('warc-refers-to');
      if (refersTo !== undefined) meta['refers_to'] = unbracket(refersTo);
      const language = e.headers.get('warc-identified-content-language');
      if (language !== undefined) meta['identified_language'] = language;
      if (e.kind === 'oversize') {
        ctx.skip({ id, reason: 'too_large', meta, detail: { bytes: e.length, max_record_bytes: p.max_record_bytes } });
        continue;
      }
      if (!isUtf8(e.block)) {
        ctx.invalid({ id, reason: 'undecodable', record: e.offset, error: 'conversion record is not valid UTF-8', raw: e.block.toString('utf8', 0, 512) });
        continue;
      }
      const text = e.block.toString('utf8');
      if (text.trim() === '') {
        ctx.skip({ id, reason: 'empty_text', meta });
        continue;
      }
      yield { id, text, source: ctx.source, meta };
    }
  },
});

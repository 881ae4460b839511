import { basename } from 'node:path';
import { z } from '../vendor/zod.js';
import type { JsonValue, Meta } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { sizeSchema } from '../core/size.js';
import { openDecoded } from '../io/decompress.js';
// side effect: the --long=31 dumps decode in a zstd child process
import '../io/zstd-cli.js';
import { excludedDomain, exclusionOf, extensionExclusion, parsePlainUrl, parseUrl, quickHost, urlExclusions, urlKey } from './links/url.js';
import { jsonRecords, rawLine } from './ndjson.js';
import { defineReader } from './reader.js';
import { kindFromFileName, parseSubmissionHead } from './reddit-record.js';

const params = z
  .object({
    min_score: z.number().default(3).describe('submissions with a lower score are skipped (low_score); WebText kept links with at least 3 karma'),
    exclusions: z.boolean().default(true).describe("OpenWebText's exclusions (src/readers/links/openwebtext-exclusions.json): reddit itself, image/video/music hosts, file types that are not pages"),
    exclude_domains: z.array(z.string().min(1)).default([]).describe('more domains to exclude (with their subdomains)'),
    exclude_extensions: z.array(z.string().min(1)).default([]).describe('more path endings to exclude (`.epub`)'),
    max_line_bytes: sizeSchema.prefault('16MiB').describe('longer lines are rejected (line_too_long) without being held in memory'),
  })
  .strict();

/**
 * WebText's sources: the outbound links of Reddit submissions (`RS_*.zst`). One document per
 * kept submission whose text is its URL in normal form (links/url.ts); `meta.url_key` (the URL
 * without scheme and www) is what dedup across the run and `url_allowlist` match on.
 */
export const redditLinksReader = defineReader({
  name: 'reddit_links',
  summary: 'outbound URLs of Pushshift submissions (RS_*.zst) with score >= min_score, normalized, OpenWebText exclusions',
  defaultSource: 'reddit_links',
  params,
  async *read(file, p, ctx) {
    const name = file.uri;
    if (kindFromFileName(basename(name)) === 'comment') {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `reddit_links reads submissions, but ${basename(name)} is a comments file (RC_)`, {
        file: name,
        hint: 'list the RS_*.zst files; comments have no outbound link of their own',
      });
    }
    const ex = urlExclusions(p.exclusions, p.exclude_domains, p.exclude_extensions);
    const { bytes } = await openDecoded(file);
    for await (const { value, lineNo, line } of jsonRecords(bytes, ctx, name, p.max_line_bytes)) {
      const rec = parseSubmissionHead(value);
      if (typeof rec === 'string') {
        ctx.invalid({ id: `${name}:${lineNo}`, reason: 'bad_record', record: lineNo, error: rec, raw: rawLine(line) });
        continue;
      }
      const id = rec.fullname;
      const raw = value['url'];
      const meta: Meta = { submission_id: id, subreddit: rec.subreddit, score: rec.score, created_utc: rec.createdUtc };
      if (value['is_self'] === true || typeof raw !== 'string' || raw.trim() === '') {
        ctx.skip({ id, reason: 'self_post', meta });
        continue;
      }
      meta['url'] = raw;
      if (rec.score < p.min_score) {
        ctx.skip({ id, reason: 'low_score', meta });
        continue;
      }
      // excluded hosts (a large share of Reddit's links: images, videos, reddit itself) are known before the URL is parsed
      const host = quickHost(raw);
      const hostExcluded = host === undefined ? undefined : excludedDomain(host.endsWith('.') ? host.slice(0, -1) : host, ex);
      if (hostExcluded !== undefined) {
        ctx.skip({ id, reason: 'excluded_domain', meta, detail: { domain: hostExcluded } });
        continue;
      }
      // a plain URL (most) is normalized without the WHATWG parser; its host is the one quickHost read
      const plain = parsePlainUrl(raw);
      const parsed = plain ?? parseUrl(raw);
      if (parsed === undefined) {
        ctx.skip({ id, reason: 'not_http_url', meta });
        continue;
      }
      const url = parsed.href;
      // a plain URL's host was checked above (quickHost reads the same host from it)
      const excluded = plain !== undefined ? extensionExclusion(plain.pathname, ex) : exclusionOf(parsed, ex);
      // object literals in meta's key order: spreading meta was a visible share of the reader's time
      if (excluded) {
        ctx.skip({ id, reason: excluded.reason, meta: { submission_id: id, subreddit: rec.subreddit, score: rec.score, created_utc: rec.createdUtc, url }, detail: excluded.detail });
        continue;
      }
      const m: Record<string, JsonValue> = { submission_id: id, subreddit: rec.subreddit, score: rec.score, created_utc: rec.createdUtc, url, url_key: urlKey(url), domain: parsed.hostname };
      yield { id, text: url, source: ctx.source, meta: m };
    }
  },
});

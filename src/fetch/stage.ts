/**
 * The `fetch` stage: documents that name a URL (the `reddit_links` reader's) become the pages
 * behind them. Design, WARC layout, resume and figures: README.md in this folder.
 */
import { setMaxListeners } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from '../vendor/zod.js';
import type { Doc, Meta } from '../core/doc.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { pad } from '../core/pad.js';
import { sizeSchema } from '../core/size.js';
import { fileSafeName } from '../core/file-safe-name.js';
import { defineStage, type RejectDetail, type StageContext } from '../core/stage.js';
import type { CrawlOutcome } from './crawler.js';

export const DEFAULT_USER_AGENT = 'sluice/0.1 (pretraining-data crawler; obeys robots.txt)';

export const fetchParams = z
  .object({
    url_field: z.string().min(1).default('url').describe('meta field holding the URL (reddit_links sets meta.url); a document without it is fetched from its text'),
    user_agent: z.string().min(1).default(DEFAULT_USER_AGENT).describe('User-Agent header; its first word is the product token robots.txt groups are matched against'),
    robots: z.boolean().default(true).describe('obey robots.txt (fetched once per origin and task; 4xx: allow all, 5xx/unreachable: disallow all)'),
    concurrency: z.number().int().positive().default(64).describe('exchanges in flight at once, over all hosts'),
    per_host_connections: z.number().int().positive().default(2).describe('exchanges (and pooled connections) at once per host'),
    per_host_delay_seconds: z.number().min(0).default(1).describe('least time between the starts of two requests to one host'),
    connect_timeout_seconds: z.number().positive().default(10),
    headers_timeout_seconds: z.number().positive().default(30).describe('from sending the request to the end of the response headers'),
    body_timeout_seconds: z.number().positive().default(30).describe('longest wait for the next piece of the body'),
    total_timeout_seconds: z.number().positive().default(120).describe('longest whole exchange (a body that trickles in)'),
    retries: z.number().int().min(0).default(3).describe('retries of an exchange after connection errors, connect timeouts and 408/429/5xx'),
    backoff_seconds: z.number().positive().default(1).describe('first retry delay; doubles each retry (25% jitter)'),
    max_backoff_seconds: z.number().positive().default(60),
    max_retry_after_seconds: z.number().min(0).default(120).describe('a longer Retry-After ends the retries (the reject says how long the server asked for)'),
    max_redirects: z.number().int().min(0).default(5).describe('redirects followed per URL; one more is too_many_redirects'),
    max_bytes: sizeSchema.prefault('4MiB').describe('larger bodies are too_large: reading stops there'),
    content_types: z
      .array(z.string().min(1))
      .default(['text/html', 'application/xhtml+xml'])
      .describe('media types of 2xx responses worth reading; others are non_html after the headers (no Content-Type: the body is sniffed)'),
    verify_tls: z.boolean().default(true).describe('check certificates; a bad one is tls_error'),
    connect_to: z
      .record(z.string(), z.string())
      .default({})
      .describe('"host", "host:port", "*:port" or "*" -> "address:port" to connect to instead (curl --connect-to); Host and TLS name stay the URL\'s'),
    refetch_failed: z.boolean().default(false).describe('on a rerun, fetch again the URLs whose earlier attempt failed (else their recorded failure is the answer)'),
    reorder_window: z.number().int().positive().default(4096).describe('documents in flight or waiting for an earlier one: pages leave in input order'),
    warc_gzip_level: z.number().int().min(1).max(9).default(6).describe('gzip level of the WARC records'),
    extractor: z.enum(['main', 'readability']).default('main').describe("as the warc reader: sluice's extractor or Readability.js"),
    markdown: z.boolean().default(false).describe('as the warc reader'),
    max_link_density: z.number().min(0).max(1).default(0.5).describe('as the warc reader'),
    max_undecodable_ratio: z.number().min(0).max(1).default(0.01).describe('as the warc reader'),
  })
  .strict();

export type FetchParams = z.output<typeof fetchParams>;

/** Where a stage instance's WARC files live and how its task's file is named. */
export function fetchedFile(dir: string, stage: string, rank: number): string {
  return join(dir, `${fileSafeName(stage)}-${pad(rank)}.warc.gz`);
}

export const fetchStage = defineStage({
  name: 'fetch',
  summary: "download the page behind each document's URL (robots.txt, per-host limits, retries), record every exchange as WARC in OUT/fetched/, extract text as the warc reader does",
  params: fetchParams,
  build(p, env) {
    // without a run (tests), the files go to the stage's work folder
    const dir = join(env.outputDir ?? env.workDir, 'fetched');
    return { kind: 'stream', run: (docs, ctx) => fetchDocs(docs, ctx, p, dir) };
  },
});

type Result = { kind: 'keep'; doc: Doc } | { kind: 'reject'; doc: Doc; reason: string; detail: RejectDetail } | { kind: 'error'; error: unknown };

async function* fetchDocs(docs: AsyncIterable<Doc>, ctx: StageContext, p: FetchParams, dir: string): AsyncIterable<Doc> {
  // undici, the HTML parser and the charset tables load only in runs that fetch
  const [undici, { pageOfResponse }, { Crawler }, { createDispatcher }, { HostGate }, { ReplayIndex }, { WarcAppender }, { productToken }, { warcDate, warcinfoRecord }] = await Promise.all([
    import('undici'),
    import('../readers/warc/page.js'),
    import('./crawler.js'),
    import('./dispatcher.js'),
    import('./host-gate.js'),
    import('./replay-index.js'),
    import('./warc-file.js'),
    import('./robots.js'),
    import('./warc-record.js'),
  ]);
  const engine = p.extractor === 'readability' ? (await import('../extract/readability.js')).extractWithReadability : undefined;
  const pageOpts = { maxBytes: p.max_bytes, markdown: p.markdown, maxLinkDensity: p.max_link_density, maxUndecodableRatio: p.max_undecodable_ratio, ...(engine && { engine }) };

  await mkdir(dir, { recursive: true });
  const own = fetchedFile(dir, ctx.stage, ctx.rank);
  const index = new ReplayIndex();
  const loaded = await index.load(dir, `${fileSafeName(ctx.stage)}-`, own, !p.refetch_failed);
  if (loaded.records > 0) {
    ctx.log.info(`fetch: ${index.size} URL(s) recorded by earlier attempts (${loaded.records} records in ${loaded.files} file(s)) are served from them`);
    ctx.stats.count('warc_records_loaded', loaded.records);
  }
  if (loaded.ownCutBytes > 0) {
    ctx.log.warn(`fetch: ${own} ends in a cut record (${loaded.ownCutBytes} bytes, an attempt was killed while writing it): truncated to its last whole record`);
    ctx.stats.count('warc_cut_tail_removed');
  }
  const out = new WarcAppender(own, loaded.ownValidEnd, p.warc_gzip_level);
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.signal, stop.signal]);
  // every exchange and every retry wait listens on it
  setMaxListeners(0, signal);
  const dispatcher = createDispatcher(undici, { perHost: p.per_host_connections, connectTimeoutMs: p.connect_timeout_seconds * 1000, verifyTls: p.verify_tls, connectTo: p.connect_to });
  const gate = new HostGate(p.per_host_connections, p.per_host_delay_seconds * 1000, p.concurrency);
  try {
    out.append(
      warcinfoRecord(warcDate(Date.now()), own.slice(dir.length + 1), {
        software: 'sluice fetch stage',
        format: 'WARC File Format 1.1',
        'http-header-user-agent': p.user_agent,
        robots: p.robots ? 'obey' : 'ignore',
        'sluice-task': `${ctx.stage} ${ctx.rank} of ${ctx.world}`,
      }),
    );
    const crawler = new Crawler(
      {
        userAgent: p.user_agent,
        robotsToken: productToken(p.user_agent),
        robots: p.robots,
        maxRedirects: p.max_redirects,
        maxBytes: p.max_bytes,
        contentTypes: new Set(p.content_types.map((t) => t.toLowerCase())),
        headersTimeoutMs: p.headers_timeout_seconds * 1000,
        bodyTimeoutMs: p.body_timeout_seconds * 1000,
        totalTimeoutMs: p.total_timeout_seconds * 1000,
        retry: { retries: p.retries, backoffMs: p.backoff_seconds * 1000, maxBackoffMs: p.max_backoff_seconds * 1000, maxRetryAfterMs: p.max_retry_after_seconds * 1000 },
      },
      dispatcher,
      gate,
      index,
      out,
      ctx.stats,
      signal,
    );

    /** What a crawl outcome makes of the document: the extracted page, or a reject. */
    const settle = (doc: Doc, o: CrawlOutcome): Result => {
      if (o.kind === 'reject') return { kind: 'reject', doc, reason: o.reason, detail: o.detail };
      const page = pageOfResponse(o.block, undefined, pageOpts, ctx.stats);
      if (page.kind === 'invalid') return { kind: 'reject', doc, reason: page.reason, detail: { url: o.url, error: page.error } };
      if (page.kind === 'skip') return { kind: 'reject', doc, reason: page.reason, detail: { url: o.url, ...page.detail } };
      ctx.stats.count(o.fromWarc ? 'pages_from_warc' : 'pages_fetched');
      const meta: Meta = { ...doc.meta, url: o.url, fetch_status: o.status, fetched_at: o.date, ...page.fields };
      if (o.redirects.length > 0) meta['redirects'] = o.redirects.map((r) => ({ url: r.url, status: r.status }));
      return { kind: 'keep', doc: { ...doc, text: page.text, meta } };
    };
    const start = (doc: Doc): Promise<Result> => {
      const field = doc.meta[p.url_field];
      const raw = typeof field === 'string' ? field : doc.text;
      return crawler.crawl(raw).then(
        (o) => settle(doc, o),
        (error: unknown) => ({ kind: 'error', error }),
      );
    };

    // pages leave in input order, so a rerun writes the same shards: a bounded window of documents
    // in flight, the oldest one awaited first
    const window: Promise<Result>[] = [];
    let head = 0;
    const it = docs[Symbol.asyncIterator]();
    let inputDone = false;
    for (;;) {
      while (!inputDone && window.length - head < p.reorder_window) {
        const r = await it.next();
        if (r.done) inputDone = true;
        else window.push(start(r.value));
      }
      if (head === window.length) break;
      const result = await window[head]!;
      window[head] = DONE;
      head++;
      // drop settled entries now and then, so the array does not grow with the input
      if (head > 1024 && head * 2 > window.length) {
        window.splice(0, head);
        head = 0;
      }
      if (result.kind === 'error') throw result.error instanceof SluiceError ? result.error : new SluiceError('SLUICE_INTERNAL', `fetch: ${errorMessage(result.error)}`, { cause: result.error });
      if (result.kind === 'reject') ctx.reject(result.doc, result.reason, result.detail);
      else yield result.doc;
    }
  } finally {
    stop.abort();
    gate.close(new SluiceError('SLUICE_INTERRUPTED', 'fetch stopped'));
    await dispatcher.destroy().catch(() => undefined);
    out.close();
  }
}

const DONE: Promise<Result> = Promise.resolve({ kind: 'error', error: new Error('settled') });

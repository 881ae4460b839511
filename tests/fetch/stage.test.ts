/**
 * The fetch stage against real loopback hosts, one behaviour at a time: pages, robots.txt,
 * timeouts, dropped connections, Retry-After, redirects and loops, size and type limits, a bad
 * certificate; every exchange in the WARC file, and a second pass served from it.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { fetchStage } from '../../src/fetch/stage.js';
import { warcReader } from '../../src/readers/warc.js';
import { localFile } from '../../src/io/input.js';
import { fromArray, runReader, streamStage, testContext, type Rejected } from '../helpers/harness.js';
import { BIG_BYTES, requestsOf, startHost, stopHost, type FarmHost, FAST_TIMINGS } from './farm.js';

let dir: string;
let a: FarmHost;
let b: FarmHost;
let noRobots: FarmHost;
let robotsDown: FarmHost;
let tls: FarmHost;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-fetch-'));
  [a, b, noRobots, robotsDown, tls] = await Promise.all([
    startHost('127.0.0.21'),
    startHost('127.0.0.22'),
    startHost('127.0.0.23', { robotsStatus: 404 }),
    startHost('127.0.0.24', { robotsStatus: 503 }),
    startHost('127.0.0.25', { tls: true }),
  ]);
});

afterAll(async () => {
  await Promise.all([a, b, noRobots, robotsDown, tls].map((h) => (h ? stopHost(h) : undefined)));
  rmSync(dir, { recursive: true, force: true });
});

function urlDoc(url: string, i: number): Doc {
  return { id: `d${i}`, text: url, source: 'links', meta: { url, submission_id: `t3_${i}` } };
}

async function crawl(urls: string[], params: Record<string, unknown> = {}, out = dir): Promise<{ kept: Doc[]; rejected: Rejected[]; counters: Record<string, number> }> {
  const stage = await streamStage(fetchStage, { ...FAST_TIMINGS, ...params }, { workDir: join(out, 'work'), world: 1, configDir: process.cwd(), outputDir: out, log: silentLogger });
  const { ctx, rejected, stats } = testContext('fetch');
  const kept: Doc[] = [];
  for await (const d of stage(fromArray(urls.map(urlDoc)), ctx)) kept.push(d);
  return { kept, rejected, counters: stats.stats.stages['fetch']?.counters ?? {} };
}

describe('fetch stage', () => {
  it('fetches pages, extracts their text as the warc reader does, keeps meta and order', async () => {
    const out = mkdtempSync(join(dir, 'pages-'));
    const urls = [`${a.base}/page/1`, `${b.base}/page/2#frag`, `${a.base}/gzip/3`, `${b.base}/plain/4`];
    const { kept, rejected } = await crawl(urls, {}, out);
    expect(rejected).toEqual([]);
    expect(kept.map((d) => d.id)).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(kept[0]!.text).toContain('Paragraph 1 of article 1 on 127.0.0.21');
    expect(kept[0]!.text).not.toContain('Copyright footer');
    expect(kept[2]!.text).toContain('article 3');
    expect(kept[1]!.meta).toMatchObject({ url: `${b.base}/page/2`, fetch_status: 200, content_type: 'text/html', submission_id: 't3_1', title: 'Article 2 on 127.0.0.22' });
    expect(kept[1]!.meta['fetched_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // replayed offline: the warc reader finds the same pages in the stage's own file
    const files = readdirSync(join(out, 'fetched'));
    expect(files).toEqual(['fetch-00000.warc.gz']);
    const replay = await runReader(warcReader, localFile(join(out, 'fetched', files[0]!)));
    expect(replay.invalid).toEqual([]);
    const byUrl = new Map(replay.docs.map((d) => [d.meta['url'], d.text]));
    for (const d of kept) expect(byUrl.get(d.meta['url'])).toBe(d.text);
  });

  it('obeys robots.txt: disallowed paths, longest match, 404 allows all, 503 disallows all', async () => {
    const { kept, rejected } = await crawl([`${a.base}/private/1`, `${a.base}/private/ok`, `${noRobots.base}/private/2`, `${robotsDown.base}/page/3`]);
    expect(kept.map((d) => d.meta['url'])).toEqual([`${a.base}/private/ok`, `${noRobots.base}/private/2`]);
    expect(rejected.map((r) => [r.doc.id, r.reason])).toEqual([
      ['d0', 'robots_disallowed'],
      ['d3', 'robots_unavailable'],
    ]);
    expect(rejected[0]!.detail).toMatchObject({ rule: '/private/' });
    expect(a.requests.get('/private/1')).toBeUndefined();
    expect(robotsDown.requests.get('/page/3')).toBeUndefined();
  });

  it('rejects each failure with its reason', async () => {
    const started = Date.now();
    const urls = [
      `${a.base}/slow/1`,
      `${a.base}/drop/2`,
      `${a.base}/big/3`,
      `${a.base}/pdf/4`,
      `${a.base}/missing/5`,
      `${a.base}/loop/6`,
      `${a.base}/chain/7`,
      `${b.base}/busy/8`,
      `${tls.base}/page/9`,
      'ftp://files.example.net/x',
      'http://127.0.0.26:1/page/10',
    ];
    const { kept, rejected } = await crawl(urls, { max_bytes: '1MiB' });
    expect(kept).toEqual([]);
    const reasons = Object.fromEntries(rejected.map((r) => [r.doc.id, r.reason]));
    expect(reasons).toEqual({
      d0: 'timeout',
      d1: 'connect_error',
      d2: 'too_large',
      d3: 'non_html',
      d4: 'http_404',
      d5: 'redirect_loop',
      d6: 'too_many_redirects',
      d7: 'http_429',
      d8: 'tls_error',
      d9: 'bad_url',
      d10: 'connect_error',
    });
    const detail = Object.fromEntries(rejected.map((r) => [r.doc.id, r.detail]));
    expect(detail['d0']).toMatchObject({ phase: 'headers', attempts: 1 });
    expect(detail['d1']).toMatchObject({ attempts: 3 });
    // the robots.txt of an unreachable host fails first, with the same reason the page would have
    expect(detail['d8']).toMatchObject({ robots_url: `${tls.base}/robots.txt`, robots_failure: 'tls_error' });
    expect(detail['d3']).toMatchObject({ content_type: 'application/pdf' });
    expect(detail['d7']).toMatchObject({ status: 429, attempts: 3, retry_after_seconds: 1 });
    expect((detail['d6']!['redirects'] as unknown[]).length).toBe(6);
    // retried: the dropped connection and the 429 (3 attempts each); not retried: the timeout
    expect(a.requests.get('/drop/2')).toBe(3);
    expect(b.requests.get('/busy/8')).toBe(3);
    expect(a.requests.get('/slow/1')).toBe(1);
    // two Retry-After: 1 waits at least
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
  }, 60_000);

  it('follows redirects and retries a 503 after its Retry-After', async () => {
    const { kept, rejected } = await crawl([`${b.base}/redir/1`, `${b.base}/flaky/2`]);
    expect(rejected).toEqual([]);
    expect(kept[0]!.meta).toMatchObject({
      url: `${b.base}/page/1`,
      redirects: [
        { url: `${b.base}/redir/1`, status: 301 },
        { url: `${b.base}/redir-b/1`, status: 302 },
      ],
    });
    expect(b.requests.get('/flaky/2')).toBe(2);
  });

  it('accepts a bad certificate only with verify_tls: false', async () => {
    const { kept } = await crawl([`${tls.base}/page/5`], { verify_tls: false }, mkdtempSync(join(dir, 'tls-')));
    expect(kept[0]!.text).toContain('article 5');
    // the page's own exchange fails alike when robots.txt is not asked for
    const strict = await crawl([`${tls.base}/page/6`], { robots: false }, mkdtempSync(join(dir, 'tls-')));
    expect(strict.rejected.map((r) => r.reason)).toEqual(['tls_error']);
    expect(strict.rejected[0]!.detail).toMatchObject({ url: `${tls.base}/page/6`, attempts: 1 });
  });

  it('serves a second pass from its WARC file without asking the network', async () => {
    const out = mkdtempSync(join(dir, 'again-'));
    const urls = [`${a.base}/page/100`, `${a.base}/redir/101`, `${a.base}/missing/102`, `${a.base}/drop/103`, `${a.base}/private/104`];
    const first = await crawl(urls, {}, out);
    const before = urls.map((u) => requestsOf([a], new URL(u).pathname));
    const robotsBefore = a.requests.get('/robots.txt');
    const second = await crawl(urls, {}, out);
    expect(urls.map((u) => requestsOf([a], new URL(u).pathname))).toEqual(before);
    expect(a.requests.get('/robots.txt')).toBe(robotsBefore);
    expect(second.kept).toEqual(first.kept);
    expect(second.rejected.map((r) => [r.reason, r.detail])).toEqual(first.rejected.map((r) => [r.reason, r.detail]));
    expect(second.counters['pages_from_warc']).toBe(2);
    expect(second.counters['requests'] ?? 0).toBe(0);
  });

  it('stops reading a body at max_bytes', async () => {
    const { rejected } = await crawl([`${b.base}/big/1`], { max_bytes: '256KiB' });
    expect(rejected[0]!.reason).toBe('too_large');
    expect(rejected[0]!.detail!['read_bytes']).toBeLessThan(BIG_BYTES);
  });
});

/**
 * WebText's sources offline: the `reddit_links` reader on Pushshift submissions (a real
 * `--long=31` zstd file, sample-corpora/reddit/links/), its URL normal form, dedup of the links
 * across a run with exact_dedup on `url_key`, and the warc and wet readers' `url_allowlist`
 * fed a URL file, JSON lines, and the Parquet output of a links run.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/core/doc.js';
import { localFile, memoryFile } from '../../src/io/input.js';
import { keyOf, normalizeUrl, parsePlainUrl, parseUrl, quickHost, urlKey, whatwgUrl } from '../../src/readers/links/url.js';
import { redditLinksReader } from '../../src/readers/reddit-links.js';
import { parseRedditRecord, parseSubmissionHead } from '../../src/readers/reddit-record.js';
import { warcReader } from '../../src/readers/warc.js';
import { wetReader } from '../../src/readers/wet.js';
import { sluice } from '../helpers/cli.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { runReader } from '../helpers/harness.js';
import { readDataset } from '../helpers/parquet.js';

const SAMPLE = 'sample-corpora/reddit/links/RS_2019-02.zst';
const WARC = 'sample-corpora/web/CC-sample.warc.gz';
const WET = 'sample-corpora/web/CC-sample.warc.wet.gz';
const dir = tempDir('sluice-links-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('URL normal form', () => {
  it('lower-cased scheme and host, no fragment, user info, default port or tracking parameters; Reddit &amp; unescaped', () => {
    expect(normalizeUrl('HTTPS://User:pw@WWW.Example.ORG:443/a/B?utm_source=x&amp;id=7&fbclid=z#top')).toBe('https://www.example.org/a/B?id=7');
    expect(normalizeUrl('http://example.org')).toBe('http://example.org/');
    expect(normalizeUrl('http://example.org./x?b=2&a=1')).toBe('http://example.org/x?b=2&a=1');
    expect(normalizeUrl('ftp://example.org/file')).toBeUndefined();
    expect(normalizeUrl('not a url')).toBeUndefined();
    expect(normalizeUrl('https://')).toBeUndefined();
  });

  it('the key drops the scheme, www. and a lone trailing slash', () => {
    expect(urlKey('https://www.example.org/')).toBe('example.org');
    expect(keyOf('http://example.org/a/')).toBe(keyOf('https://www.EXAMPLE.org/a?utm_medium=social'));
    expect(keyOf('https://example.org/a')).not.toBe(keyOf('https://example.org/b'));
  });
});

describe('plain URLs normalized without the WHATWG parser', () => {
  // a seeded generator of URLs around the cases the plain path must refuse or get right:
  // dot segments, %2e, ports, user info, IPv4-like and xn-- hosts, trailing dots, characters the
  // serializer percent-encodes, tracking parameters in every form URLSearchParams re-encodes
  let seed = 20240519;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = (xs: readonly string[]): string => xs[rnd(xs.length)]!;
  const HOST = ['a', 'b', 'X', 'n', '-', '.', '0', '9', 'xn--', '.com', 'www.', '0x', '.1', '..'];
  const SAFE = ['a', 'Z', '0', '-', '.', '_', '*', '+', '/', '/', '?', '=', '&', 'utm_source=1', 'ref=2', '#'];
  const REST = [
    'a',
    'Z',
    '0',
    '-',
    '.',
    '_',
    '~',
    '!',
    '$',
    "'",
    '(',
    '*',
    '+',
    ',',
    ';',
    '=',
    ':',
    '@',
    '/',
    '?',
    '#',
    '%',
    '2',
    'e',
    'E',
    '"',
    '<',
    '>',
    '\\',
    '^',
    '`',
    '{',
    '|',
    '}',
    'é',
    ' ',
    '\t',
  ];
  const PIECES = [
    'utm_source=x',
    'UTM_Medium=y',
    'utm_',
    'fbclid=1',
    'fbclid',
    'gclid=',
    'mc_cid=2',
    'mc_eid',
    '&',
    '&&',
    '&amp;',
    '=',
    '%2e',
    '%2E',
    '/.',
    '/..',
    '/./',
    '%41',
    '.html',
    '.PDF',
    ':80',
    ':443',
    'u:p@',
  ];
  function url(): string {
    let s = pick(['http://', 'https://', 'HtTpS://', ' https://']);
    const hl = 1 + rnd(10);
    for (let i = 0; i < hl; i++) s += rnd(2) === 0 ? pick(['a', 'b', 'c']) : pick(HOST);
    const n = rnd(18);
    // half the URLs mostly of characters the plain path takes, half anything
    const tame = rnd(2) === 0;
    for (let i = 0; i < n; i++) s += tame && rnd(8) !== 0 ? pick(SAFE) : rnd(3) === 0 ? pick(PIECES) : pick(REST);
    return s;
  }

  it('gives what the WHATWG parser gives, and the host quickHost reads', () => {
    let plain = 0;
    for (let k = 0; k < 60000; k++) {
      const raw = url();
      const s = raw.trim().replaceAll('&amp;', '&');
      const p = parsePlainUrl(raw);
      if (p !== undefined) {
        plain++;
        expect(p, raw).toEqual(whatwgUrl(s));
        expect(quickHost(raw), raw).toBe(p.hostname);
      }
      expect(parseUrl(raw), raw).toEqual(/^https?:\/\//i.test(s) ? whatwgUrl(s) : undefined);
    }
    // the generator reaches the plain path often enough to mean something
    expect(plain).toBeGreaterThan(5000);
  });

  it('takes the common shapes, tracking parameters included', () => {
    for (const raw of ['https://news.example.org/2019/03/story-1?utm_source=reddit&amp;ref=2', 'http://Example.COM', 'https://a.example.org/x?b=2&a=1#top', 'https://a.example.org/p?utm_source=x']) {
      expect(parsePlainUrl(raw), raw).toEqual(whatwgUrl(raw.replaceAll('&amp;', '&')));
    }
    expect(parsePlainUrl('https://news.example.org/2019/03/story-1?utm_source=reddit&amp;ref=2')?.href).toBe('https://news.example.org/2019/03/story-1?ref=2');
    expect(parsePlainUrl('https://a.example.org/p?utm_source=x')?.href).toBe('https://a.example.org/p');
    expect(parsePlainUrl('https://a.example.org/p?k&utm_source=x')?.href).toBe('https://a.example.org/p?k=');
    expect(parsePlainUrl('https://a.example.org/x/../y')).toBeUndefined();
    expect(parsePlainUrl('https://a.example.org:8080/')).toBeUndefined();
  });

  it('urlKey is the two replacements it stands for', () => {
    for (const u of ['https://www.example.org/', 'http://example.org/a/', 'https://www./', 'ftp://www.x/', 'www.x/', '/', '', 'https://', 'https://www.', 'http://a/?q=/']) {
      expect(urlKey(u), u).toBe(u.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, ''));
    }
  });
});

describe('the submission fields reddit_links reads', () => {
  it('are checked as parseRedditRecord checks a submission, with the same errors', () => {
    const ok = { id: 'x1', created_utc: '1551398400', score: 5, subreddit: 's', title: 't', selftext: 'b' };
    const cases: Record<string, JsonValue>[] = [
      ok,
      { ...ok, id: 't3_x1' },
      { ...ok, subreddit: 3 },
      { ...ok, id: '' },
      { ...ok, id: 7 },
      { ...ok, created_utc: 'x' },
      { ...ok, score: null },
      { ...ok, title: 1 },
      {},
    ];
    for (const c of cases) {
      const full = parseRedditRecord(c, 'submission');
      const head = parseSubmissionHead(c);
      expect(head).toEqual(typeof full === 'string' ? full : { fullname: full.fullname, subreddit: full.subreddit, score: full.score, createdUtc: full.createdUtc });
    }
  });
});

describe('reddit_links on Pushshift submissions', () => {
  it('keeps scored outbound links, normalized, with id, subreddit and score; every other record has its reason', async () => {
    const r = await runReader(redditLinksReader, localFile(SAMPLE));
    expect(r.docs.map((d) => [d.id, d.text])).toEqual([
      ['t3_ac2001', 'https://www.riverlog.example.org/2024/05/restoring-the-millbrook'],
      ['t3_ac2002', 'http://chaye.example.cn/article/longjing.html'],
      ['t3_ac2003', 'http://riverlog.example.org/2024/05/restoring-the-millbrook'],
      ['t3_ac2012', 'http://sad-ogorod.example.ru/stati/tomaty.html'],
      ['t3_ac2014', 'https://tabi-nikki.example.jp/kyoto/spring.html'],
    ]);
    expect(r.docs[0]!.source).toBe('reddit_links');
    expect(r.docs[0]!.meta).toEqual({
      submission_id: 't3_ac2001',
      subreddit: 'rivers',
      score: 57,
      created_utc: 1548979200,
      url: 'https://www.riverlog.example.org/2024/05/restoring-the-millbrook',
      url_key: 'riverlog.example.org/2024/05/restoring-the-millbrook',
      domain: 'www.riverlog.example.org',
    });
    // the same page posted twice shares its key (dedup across the run is on it)
    expect(r.docs[2]!.meta['url_key']).toBe(r.docs[0]!.meta['url_key']);
    // a score stored as a string, as in old dumps
    expect(r.docs[3]!.meta['score']).toBe(14);
    expect(r.skipped.map((s) => `${s.id} ${s.reason}${s.detail ? ' ' + JSON.stringify(s.detail) : ''}`)).toEqual([
      't3_ac2004 low_score',
      't3_ac2005 self_post',
      't3_ac2006 excluded_domain {"domain":"imgur.com"}',
      't3_ac2007 excluded_domain {"domain":"redd.it"}',
      't3_ac2008 excluded_domain {"domain":"youtube.com"}',
      't3_ac2009 excluded_extension {"extension":".pdf"}',
      't3_ac2010 excluded_domain {"domain":"reddit.com"}',
      't3_ac2011 not_http_url',
    ]);
    expect(r.invalid.map((x) => [x.id, x.reason, x.error])).toEqual([[`${SAMPLE}:13`, 'bad_record', 'field "score" is missing or not a number']]);
  });

  it('min_score, the exclusion lists and a comments file', async () => {
    const loose = await runReader(redditLinksReader, localFile(SAMPLE), { min_score: 0, exclusions: false, exclude_domains: ['example.cn'], exclude_extensions: ['html'] });
    const kept = loose.docs.map((d) => d.id);
    expect(kept).toContain('t3_ac2004');
    expect(kept).toContain('t3_ac2006'); // imgur without OpenWebText's list
    expect(loose.skipped.filter((s) => s.reason.startsWith('excluded')).map((s) => `${s.id} ${JSON.stringify(s.detail)}`)).toEqual([
      't3_ac2002 {"domain":"example.cn"}',
      't3_ac2012 {"extension":".html"}',
      't3_ac2014 {"extension":".html"}',
    ]);
    await expect(runReader(redditLinksReader, memoryFile('RC_2019-02.zst', Buffer.from('{}\n')))).rejects.toThrow(/reddit_links reads submissions, but RC_2019-02.zst is a comments file/);
  });
});

describe('url_allowlist on the warc and wet readers', () => {
  it('keeps only listed pages, matched in normal form (scheme, www, tracking parameters aside); the rest are counted', async () => {
    const list = join(dir, 'urls.txt');
    writeFileSync(
      list,
      '# two pages of the sample crawl\nhttps://www.riverlog.example.org/2024/05/restoring-the-millbrook?utm_source=reddit\nHTTPS://chaye.example.cn/article/longjing.html#x\n\nhttps://not-in-the-crawl.example.com/\n',
    );
    const warc = await runReader(warcReader, localFile(WARC), { url_allowlist: list });
    expect(warc.docs.map((d) => d.meta['url'])).toEqual(['https://riverlog.example.org/2024/05/restoring-the-millbrook', 'http://chaye.example.cn/article/longjing.html']);
    const all = await runReader(warcReader, localFile(WARC));
    const responses = all.docs.length + all.skipped.length + all.invalid.length;
    expect(warc.stats.stats.stages['warc']!.counters['not_in_allowlist']).toBe(responses - 2);
    expect(warc.skipped).toEqual([]);
    const wet = await runReader(wetReader, localFile(WET), { url_allowlist: list });
    expect(wet.docs.map((d) => d.meta['url'])).toEqual(['https://riverlog.example.org/2024/05/restoring-the-millbrook', 'http://chaye.example.cn/article/longjing.html']);
    // JSON lines (sluice export, or any file with a url field) and compressed lists
    const jsonl = join(dir, 'urls.jsonl');
    writeFileSync(jsonl, '{"url":"http://tabi-nikki.example.jp/kyoto/spring.html"}\n{"text":"x","meta":{"url":"https://wanderweg.example.de/touren/feldberg"}}\n');
    execFileSync('zstd', ['-q', '-f', jsonl, '-o', `${jsonl}.zst`]);
    const fromJson = await runReader(wetReader, localFile(WET), { url_allowlist: `${jsonl}.zst` });
    expect(fromJson.docs.map((d) => d.meta['url']).sort()).toEqual(['https://tabi-nikki.example.jp/kyoto/spring.html', 'https://wanderweg.example.de/touren/feldberg']);
  });

  it('a list that is not URLs, or a missing one, is a config error naming the file and line', async () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'https://example.org/\nexample.org/no-scheme\n');
    await expect(runReader(wetReader, localFile(WET), { url_allowlist: bad })).rejects.toThrow(/url_allowlist .*bad\.txt: line 2 is not an http\(s\) URL: example\.org\/no-scheme/);
    await expect(runReader(wetReader, localFile(WET), { url_allowlist: join(dir, 'missing.txt') })).rejects.toThrow(/url_allowlist .*missing\.txt: cannot read it/);
  });

  it(
    'WebText offline: a links run deduplicated on url_key, then its Parquet output as the allowlist of a WARC run',
    async () => {
      const links = join(dir, 'links');
      const p1 = writePipeline(
        dir,
        `name: links\ninputs:\n  - reader: reddit_links\n    paths: ["${SAMPLE}"]\nstages:\n  - exact_dedup: {field: url_key, normalize: none}\noutput:\n  dir: ${links}\n`,
        'links.yaml',
      );
      const a = sluice(['run', p1, '--workers', '1']);
      expect(a.stderr).not.toMatch(/Error/);
      expect(a.status).toBe(0);
      const rows = await readDataset(links, ['id', 'text']);
      // t3_ac2003 is the same page as t3_ac2001 (http, no www): removed as a duplicate
      expect(rows.map((r) => r['id']).sort()).toEqual(['t3_ac2001', 't3_ac2002', 't3_ac2012', 't3_ac2014']);
      const pages = join(dir, 'pages');
      const p2 = writePipeline(dir, `name: pages\ninputs:\n  - reader: warc\n    paths: ["${WARC}"]\n    url_allowlist: ${links}\noutput:\n  dir: ${pages}\n`, 'pages.yaml');
      const b = sluice(['run', p2, '--workers', '1']);
      expect(b.stderr).not.toMatch(/Error/);
      expect(b.status).toBe(0);
      const got = await readDataset(pages, ['meta']);
      const urls = got.map((r) => JSON.parse(r['meta'] as string) as { url: string }).map((m) => m.url);
      expect(urls.sort()).toEqual([
        'http://chaye.example.cn/article/longjing.html',
        'http://sad-ogorod.example.ru/stati/tomaty.html',
        'https://riverlog.example.org/2024/05/restoring-the-millbrook',
        'https://tabi-nikki.example.jp/kyoto/spring.html',
      ]);
    },
    5 * 60_000,
  );
});

import { createReadStream, readFileSync } from 'node:fs';
import { createGunzip, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { WARCParser } from 'warcio';
import { describe, expect, it } from 'vitest';
import { localFile, memoryFile } from '../../src/io/input.js';
import { warcReader } from '../../src/readers/warc.js';
import { wetReader } from '../../src/readers/wet.js';
import { runReader, type ReaderResult } from '../helpers/harness.js';
import { conversionRecord, gzMembers, htmlRecord, page, recordId, warcRecord } from './warc-fixtures.js';

const WARC_SAMPLE = 'sample-corpora/web/CC-sample.warc.gz';
const WET_SAMPLE = 'sample-corpora/web/CC-sample.warc.wet.gz';

const id = (n: number): string => recordId(n).slice(1, -1);
const ids = (r: ReaderResult): string[] => r.docs.map((d) => d.id);
const reasons = (r: ReaderResult): [string, string][] => [...r.invalid.map((x): [string, string] => [x.id, x.reason]), ...r.skipped.map((x): [string, string] => [x.id, x.reason])];

/** Text that only the boilerplate around each sample article contains. */
const BOILERPLATE = [
  'We use cookies',
  'Accept all cookies',
  'window.dataLayer',
  'All rights reserved',
  'Most read this week',
  'Subscribe to our newsletter',
  'Skip to content',
  'Privacy',
  'クッキー',
  '我们使用Cookie',
  'Мы используем cookie',
  'Home',
];

/** Each sample page: how its charset is declared, and phrases only a right decode produces. */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const SAMPLE_PAGES = [
  { url: 'https://riverlog.example.org/2024/05/restoring-the-millbrook', charset: 'utf-8', source: 'http', language: 'en-gb', phrases: ['Three years ago the Millbrook', 'return of brown trout to the upper pools', '2024-04-02       412     9.5'] },
  { url: 'http://boulangerie-exemple.fr/recettes/pain-de-campagne.html', charset: 'windows-1252', source: 'meta', language: 'fr', phrases: ['Rafraîchissez le levain', 's’il reste paresseux', 'environ 4 € de farine pour deux miches… et un bœuf'] },
  { url: 'https://tabi-nikki.example.jp/kyoto/spring.html', charset: 'shift_jis', source: 'http', language: 'ja', phrases: ['京都の哲学の道を朝早くから歩きました', '水路閣の赤いれんが'] },
  { url: 'http://chaye.example.cn/article/longjing.html', charset: 'gbk', source: 'meta', language: 'zh-cn', phrases: ['西湖龙井采摘的最好时节', '八十度左右的水'] },
  { url: 'http://sad-ogorod.example.ru/stati/tomaty.html', charset: 'koi8-r', source: 'detected', language: null, phrases: ['Томаты в теплице начинают выращивать', 'тёплой водой'] },
  { url: 'https://wanderweg.example.de/touren/feldberg', charset: 'utf-8', source: 'detected', language: 'de', phrases: ['führt zunächst über breite Forstwege zum Grüblesattel', 'Todtnauer Hütte'] },
];

describe('warc reader: the Common Crawl sample', () => {
  it('decodes every page by its declared, meta or detected charset and keeps only the article', async () => {
    const r = await runReader(warcReader, localFile(WARC_SAMPLE));
    expect(r.invalid).toEqual([]);
    expect(r.docs.map((d) => d.meta['url'])).toEqual(SAMPLE_PAGES.map((p) => p.url));
    for (const p of SAMPLE_PAGES) {
      const d = r.docs.find((x) => x.meta['url'] === p.url)!;
      expect({ url: p.url, charset: d.meta['charset'], source: d.meta['charset_source'], language: d.meta['language'] }).toEqual({
        url: p.url,
        charset: p.charset,
        source: p.source,
        language: p.language,
      });
      for (const phrase of p.phrases) expect(d.text).toContain(phrase);
      for (const marker of BOILERPLATE) expect(d.text, `${p.url} keeps "${marker}"`).not.toContain(marker);
      expect(d.text).not.toMatch(/\uFFFD|[\u0080-\u009f]/);
      expect(d.id).toMatch(/^urn:uuid:/);
      expect(d.id).toBe(d.meta['warc_record_id']);
    }
  });

  it('skips non-HTML, redirects and empty pages with reasons, and counts the other record types', async () => {
    const r = await runReader(warcReader, localFile(WARC_SAMPLE));
    const skipped = r.skipped.map((s) => [s.reason, s.meta?.['url']]);
    expect(skipped).toEqual([
      ['non_html', 'https://riverlog.example.org/images/trout.png'],
      ['non_html', 'https://riverlog.example.org/reports/2023.pdf'],
      ['http_status', 'http://riverlog.example.org/old-page'],
      ['empty_text', 'https://app.example.com/'],
    ]);
    const counters = r.stats.stats.stages['warc']!.counters;
    expect(counters).toMatchObject({ records_warcinfo: 1, records_request: 10, records_response: 10, records_metadata: 1 });
  });

  it('extracts with Readability.js on request, and with either records how each page was extracted', async () => {
    const own = await runReader(warcReader, localFile(WARC_SAMPLE));
    const moz = await runReader(warcReader, localFile(WARC_SAMPLE), { extractor: 'readability' });
    // Readability.js keeps two words of the app shell that sluice's extractor finds empty
    expect(moz.docs.map((d) => d.meta['url'])).toEqual([...own.docs.map((d) => d.meta['url']), 'https://app.example.com/']);
    for (const p of SAMPLE_PAGES) {
      const d = moz.docs.find((x) => x.meta['url'] === p.url)!;
      for (const phrase of p.phrases.slice(0, 1)) expect(d.text).toContain(phrase);
      expect(['readability', 'fallback']).toContain(d.meta['extraction']);
    }
    for (const d of own.docs) expect(['main', 'relaxed', 'fallback']).toContain(d.meta['extraction']);
    const counters = own.stats.stats.stages['warc']!.counters;
    const methods = (counters['extract_main'] ?? 0) + (counters['extract_relaxed'] ?? 0) + (counters['extract_fallback'] ?? 0);
    // every HTML page that was extracted is counted once, the empty one included
    expect(methods).toBe(own.docs.length + 1);
  });

  it('puts the author, publication date and site name in meta, and writes Markdown on request', async () => {
    const paragraphs = Array.from({ length: 5 }, (_, i) => `<p>Paragraph ${i} explains, at some length and with commas, what the reader came to this page to learn.</p>`).join('');
    const html = `<html><head><title>Field notes</title><meta name="author" content="R. Walker"><meta property="article:published_time" content="2024-05-01">
      <meta property="og:site_name" content="Riverlog"></head><body><article><h2>Upper pools</h2>${paragraphs}<ul><li>trout</li><li>grayling</li></ul></article></body></html>`;
    const file = memoryFile('page.warc.gz', gzMembers([htmlRecord(1, html)]));
    const r = await runReader(warcReader, file, { markdown: true });
    expect(r.docs[0]!.meta).toMatchObject({ title: 'Field notes', author: 'R. Walker', published: '2024-05-01', site_name: 'Riverlog', extraction: 'main' });
    expect(r.docs[0]!.text.split('\n')).toEqual(expect.arrayContaining(['## Upper pools', '- trout', '- grayling']));
  });

  it('sees the same records as warcio, an independent parser', async () => {
    const parser = new WARCParser(createReadStream(WARC_SAMPLE).pipe(createGunzip()));
    const byType: Record<string, number> = {};
    for await (const record of parser) {
      const type = record.warcType ?? 'unknown';
      byType[`records_${type}`] = (byType[`records_${type}`] ?? 0) + 1;
      await record.readFully();
    }
    const r = await runReader(warcReader, localFile(WARC_SAMPLE));
    const counters = r.stats.stats.stages['warc']!.counters;
    for (const [k, v] of Object.entries(byType)) expect(counters[k]).toBe(v);
  });
});

describe('warc reader: damaged input', () => {
  const records = [1, 2, 3, 4].map((n) => htmlRecord(n, page(n)));

  it('rejects a gzip member cut off at the end of the file and keeps the records before it', async () => {
    const members = records.map((r) => gzipSync(r));
    const last = members[3]!;
    const bytes = Buffer.concat([...members.slice(0, 3), last.subarray(0, last.length - 40)]);
    const r = await runReader(warcReader, memoryFile('cut.warc.gz', bytes));
    expect(ids(r)).toEqual([id(1), id(2), id(3)]);
    expect(reasons(r)).toEqual([[id(4), 'truncated']]);
  });

  it('rejects a gzip member cut off in the middle of the file and reads on after it', async () => {
    const members = records.map((r) => gzipSync(r));
    const bytes = Buffer.concat([members[0]!, members[1]!.subarray(0, 150), members[2]!, members[3]!]);
    const r = await runReader(warcReader, memoryFile('mid.warc.gz', bytes));
    expect(ids(r)).toEqual([id(1), id(3), id(4)]);
    expect(reasons(r)).toEqual([[id(2), 'truncated']]);
  });

  it.each([
    ['too small', -25],
    ['too large', 40],
  ])('rejects a record whose Content-Length is %s (gzip per record) and reads the rest', async (_, delta) => {
    const realLength = Number(/Content-Length: (\d+)\r\n\r\n/.exec(records[1]!.toString('latin1'))![1]);
    const wrong = htmlRecord(2, page(2), { contentLength: realLength + delta });
    const r = await runReader(warcReader, memoryFile('cl.warc.gz', gzMembers([records[0]!, wrong, records[2]!, records[3]!])));
    expect(ids(r)).toEqual([id(1), id(3), id(4)]);
    expect(reasons(r)).toEqual([[id(2), 'bad_content_length']]);
  });

  it.each([
    ['too small', -30],
    ['too large', 300],
  ])('resyncs to the next WARC/1. line when Content-Length is %s in an uncompressed file', async (_, delta) => {
    const realLength = Number(/Content-Length: (\d+)\r\n\r\n/.exec(records[1]!.toString('latin1'))![1]);
    const wrong = htmlRecord(2, page(2), { contentLength: realLength + delta });
    const bytes = Buffer.concat([records[0]!, wrong, records[2]!, records[3]!]);
    const r = await runReader(warcReader, memoryFile('cl.warc', bytes));
    expect(ids(r)).toEqual([id(1), id(3), id(4)]);
    expect(reasons(r)).toEqual([[id(2), 'bad_content_length']]);
  });

  it('rejects a record cut off at the end of an uncompressed file', async () => {
    const bytes = Buffer.concat([records[0]!, records[1]!.subarray(0, records[1]!.length - 30)]);
    const r = await runReader(warcReader, memoryFile('cut.warc', bytes));
    expect(ids(r)).toEqual([id(1)]);
    expect(reasons(r)).toEqual([[id(2), 'truncated']]);
  });

  it('rejects undecodable bytes and keeps a UTF-8 page with one stray byte', async () => {
    let seed = 7;
    const noise = Buffer.from(Array.from({ length: 3000 }, () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xff));
    const binary = Buffer.concat([Buffer.from('<html><body><p>'), noise, Buffer.from('</p></body></html>')]);
    const stray = Buffer.concat([
      Buffer.from('<html><body><p>Ein schöner Tag am See, '),
      Buffer.from([0xe9]),
      Buffer.from(' und danach ging es weiter mit dem Boot über den ganzen See bis zum Abend.</p></body></html>'),
    ]);
    const bytes = gzMembers([records[0]!, htmlRecord(2, binary), htmlRecord(3, stray), records[3]!]);
    const r = await runReader(warcReader, memoryFile('bad.warc.gz', bytes));
    expect(ids(r)).toEqual([id(1), id(3), id(4)]);
    expect(reasons(r)).toEqual([[id(2), 'undecodable']]);
    expect(r.docs[1]!.text).toContain('Ein schöner Tag am See, \uFFFD und danach');
    expect(r.docs[1]!.meta['charset']).toBe('utf-8');
  });

  it('skips a 50 MB single-line page as too_large without holding it, and reads the records after it', async () => {
    const line = Buffer.alloc(50 * 1024 * 1024, 'lorem ipsum dolor sit amet ');
    const huge = Buffer.concat([Buffer.from('<html><body><p>'), line, Buffer.from('</p></body></html>')]);
    const bytes = Buffer.concat([gzipSync(records[0]!), gzipSync(htmlRecord(2, huge), { level: 1 }), gzipSync(records[2]!)]);
    const r = await runReader(warcReader, memoryFile('huge.warc.gz', bytes, 1 << 20));
    expect(ids(r)).toEqual([id(1), id(3)]);
    expect(reasons(r)).toEqual([[id(2), 'too_large']]);
    expect(r.skipped[0]!.detail).toMatchObject({ max_record_bytes: 16 * 1024 * 1024 });
    expect(r.skipped[0]!.detail!['bytes']).toBeGreaterThan(50 * 1024 * 1024);
  });

  it('fails the read in strict mode on the first invalid record', async () => {
    const members = records.map((r) => gzipSync(r));
    const bytes = Buffer.concat([members[0]!, members[1]!.subarray(0, 60), members[2]!]);
    await expect(runReader(warcReader, memoryFile('mid.warc.gz', bytes), {}, { strict: true })).rejects.toThrow(/strict: truncated/);
  });
});

describe('wet reader', () => {
  it('reads conversion records as given, with the identified language', async () => {
    const r = await runReader(wetReader, localFile(WET_SAMPLE));
    expect(r.invalid).toEqual([]);
    expect(r.docs.map((d) => [d.meta['url'], d.meta['identified_language']])).toEqual([
      ['https://riverlog.example.org/2024/05/restoring-the-millbrook', 'eng'],
      ['http://boulangerie-exemple.fr/recettes/pain-de-campagne.html', 'fra'],
      ['https://tabi-nikki.example.jp/kyoto/spring.html', 'jpn'],
      ['http://chaye.example.cn/article/longjing.html', 'zho'],
      ['http://sad-ogorod.example.ru/stati/tomaty.html', 'rus'],
      ['https://wanderweg.example.de/touren/feldberg', 'deu'],
    ]);
    expect(r.docs[2]!.text.split('\n')[0]).toBe('春の京都を歩く');
    expect(r.skipped.map((s) => [s.reason, s.meta?.['url']])).toEqual([['empty_text', 'https://app.example.com/']]);
    expect(r.stats.stats.stages['wet']!.counters).toMatchObject({ records_warcinfo: 1, records_conversion: 7 });
  });

  it('rejects a conversion record that is not UTF-8 and reads on', async () => {
    const bytes = gzMembers([conversionRecord(1, 'first text', 'eng'), conversionRecord(2, Buffer.from([0x61, 0xff, 0xfe, 0x62])), conversionRecord(3, 'third text')]);
    const r = await runReader(wetReader, memoryFile('bad.wet.gz', bytes));
    expect(ids(r)).toEqual([id(1), id(3)]);
    expect(reasons(r)).toEqual([[id(2), 'undecodable']]);
    expect(r.docs[0]!.meta).toMatchObject({ identified_language: 'eng' });
    expect(r.docs[1]!.meta['identified_language']).toBeUndefined();
  });
});

describe('chunking does not change what the readers produce', () => {
  const sample = readFileSync(WARC_SAMPLE);
  const damaged = Buffer.concat([
    sample,
    gzipSync(htmlRecord(90, page(90))).subarray(0, 50),
    gzipSync(htmlRecord(91, page(91), { contentLength: 100 })),
    Buffer.from('\0\0junk'),
    gzipSync(htmlRecord(92, page(92))),
  ]);
  const wet = Buffer.concat([readFileSync(WET_SAMPLE), gzipSync(warcRecord({ 'WARC-Type': 'conversion', 'WARC-Record-ID': recordId(93) }, Buffer.from('tail text'), 3))]);
  const summary = (r: ReaderResult): unknown => ({ docs: r.docs, invalid: r.invalid.map((x) => [x.id, x.reason]), skipped: r.skipped.map((x) => [x.id, x.reason]), counters: r.stats.stats.stages });

  it.each([
    ['warc', warcReader, damaged],
    ['wet', wetReader, wet],
  ] as const)('%s: any chunking gives the reference output', async (_, reader, bytes) => {
    const reference = summary(await runReader(reader, memoryFile('x.gz', bytes, bytes.length)));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 16 }), async (sizes) => {
        expect(summary(await runReader(reader, memoryFile('x.gz', bytes, sizes)))).toEqual(reference);
      }),
      { numRuns: 25 },
    );
  });
});

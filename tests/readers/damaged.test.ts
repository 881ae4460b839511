/**
 * Damaged inputs: every unusable record is reported with its reason, and everything the format
 * lets us read around the damage is still read.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../src/io/input.js';
import { booksReader } from '../../src/readers/books.js';
import { jsonlReader } from '../../src/readers/jsonl.js';
import { redditReader } from '../../src/readers/reddit.js';
import { wikipediaReader } from '../../src/readers/wikipedia.js';
import { runReader } from '../helpers/harness.js';

const T = 1546300800;
function comment(i: number, body = `comment number ${i} about bees and lighthouses`): string {
  return JSON.stringify({ id: `c${i}`, author: `user${i % 17}`, body, score: 5, created_utc: T + i, subreddit: 'test', link_id: 't3_x', parent_id: 't3_x' });
}

function page(i: number, body = `'''Article ${i}''' is about [[bees]] and {{convert|${i}|km}} of coast.<ref>ref ${i}</ref>`): string {
  return `<page><title>Article ${i}</title><ns>0</ns><id>${i}</id><revision><id>${i * 10}</id><timestamp>2020-01-01T00:00:00Z</timestamp><text xml:space="preserve">${body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</text></revision></page>\n`;
}
const XML_HEAD = '<mediawiki><siteinfo><dbname>testwiki</dbname></siteinfo>\n';

const cut = (b: Buffer, fraction: number): Buffer => b.subarray(0, Math.floor(b.length * fraction));

describe('truncated compressed streams', () => {
  it('gzip: a member cut mid-way ends the file with truncated_input; earlier members are read', async () => {
    const first = Array.from({ length: 200 }, (_, i) => JSON.stringify({ id: `a${i}`, text: `first member ${i}` })).join('\n') + '\n';
    const second = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `b${i}`, text: `second member ${i} ${Math.random()}` })).join('\n') + '\n';
    const gz = Buffer.concat([gzipSync(first), cut(gzipSync(second), 0.5)]);
    const r = await runReader(jsonlReader, memoryFile('damaged.jsonl.gz', gz, 4096));
    expect(r.docs.slice(0, 200).map((d) => d.id)).toEqual(Array.from({ length: 200 }, (_, i) => `a${i}`));
    expect(r.docs.length).toBeLessThan(2200);
    expect(r.invalid.map((x) => x.reason)).toEqual(['truncated_input']);
  });

  it('zstd (--long=31): records before the cut are read, the cut is reported', async () => {
    const ndjson = Buffer.from(Array.from({ length: 30000 }, (_, i) => comment(i, `comment ${i} ${(i * 7919) % 10007} ${'x'.repeat(i % 50)}`)).join('\n') + '\n');
    const zst = execFileSync('zstd', ['-q', '-3', '--long=31', '-c'], { input: ndjson, maxBuffer: 64 << 20 });
    const r = await runReader(redditReader, memoryFile('RC_2019-01.zst', cut(zst, 0.6), 65536), { min_score: 0 });
    expect(r.docs.length).toBeGreaterThan(1000);
    expect(r.docs.length).toBeLessThan(30000);
    expect(r.docs.map((d) => d.id)).toEqual(Array.from({ length: r.docs.length }, (_, i) => `t1_c${i}`));
    expect(r.invalid.at(-1)!.reason).toBe('truncated_input');
  });

  it('bzip2: pages before the damaged block are kept, the cut page is reported', async () => {
    const xml = Buffer.from(
      XML_HEAD +
        Array.from({ length: 4000 }, (_, i) => page(i + 1, `'''Article ${i + 1}''' ${'words about the sea and the hive '.repeat(8 + (i % 5))}${(i * 7919) % 10007}`)).join('') +
        '</mediawiki>\n',
    );
    const bz = execFileSync('bzip2', ['-1', '-c'], { input: xml, maxBuffer: 64 << 20 });
    const r = await runReader(wikipediaReader, memoryFile('enwiki-cut.xml.bz2', cut(bz, 0.7), 65536));
    expect(r.docs.length).toBeGreaterThan(100);
    expect(r.docs.length).toBeLessThan(4000);
    expect(r.docs.map((d) => d.meta['page_id'])).toEqual(Array.from({ length: r.docs.length }, (_, i) => i + 1));
    expect(r.invalid).toHaveLength(1);
    expect(['truncated_page', 'truncated_input']).toContain(r.invalid[0]!.reason);
  });

  it('books: a truncated .txt.gz is rejected as truncated_input, never kept as a shorter book', async () => {
    const gz = gzipSync(readFileSync('sample-corpora/books/pg-sample-lighthouse-ledger.txt'));
    const r = await runReader(booksReader, memoryFile('book.txt.gz', cut(gz, 0.6)));
    expect(r.docs).toEqual([]);
    expect(r.invalid.map((x) => x.reason)).toEqual(['truncated_input']);
  });

  it('books: a truncated zip is rejected as bad_zip', async () => {
    const zip = readFileSync('sample-corpora/books/on-rivers.zip');
    const r = await runReader(booksReader, memoryFile('on-rivers.zip', cut(zip, 0.8)));
    expect(r.docs).toEqual([]);
    expect(r.invalid.map((x) => x.reason)).toEqual(['bad_zip']);
  });
});

describe('XML cut mid-page', () => {
  it('keeps the pages before the cut and rejects the cut page by name', async () => {
    const xml = XML_HEAD + page(1) + page(2) + page(3) + page(4) + '</mediawiki>\n';
    const at = xml.indexOf('is about', xml.indexOf('<title>Article 3</title>'));
    const r = await runReader(wikipediaReader, memoryFile('cut.xml', Buffer.from(xml.slice(0, at)), 100));
    expect(r.docs.map((d) => d.meta['title'])).toEqual(['Article 1', 'Article 2']);
    expect(r.invalid).toHaveLength(1);
    expect(r.invalid[0]).toMatchObject({ id: 'testwiki:3', reason: 'truncated_page', record: 'Article 3' });
  });

  it('reports a file cut between pages as truncated_input after reading every whole page', async () => {
    const xml = XML_HEAD + page(1) + page(2);
    const r = await runReader(wikipediaReader, memoryFile('cut.xml', Buffer.from(xml)));
    expect(r.docs).toHaveLength(2);
    expect(r.invalid.map((x) => x.reason)).toEqual(['truncated_input']);
  });

  it('stops at malformed XML with bad_xml, keeping the pages before it', async () => {
    const xml = XML_HEAD + page(1) + '<page><title>Broken</title><ns>0</ns><id>2</id></oops>' + page(3) + '</mediawiki>';
    const r = await runReader(wikipediaReader, memoryFile('bad.xml', Buffer.from(xml)));
    expect(r.docs.map((d) => d.meta['title'])).toEqual(['Article 1']);
    expect(r.invalid.map((x) => x.reason)).toEqual(['bad_xml']);
  });
});

describe('invalid UTF-8', () => {
  const bad = Buffer.from([0x66, 0x6f, 0xff, 0xfe, 0x6f]);

  it('reddit: the bad line is invalid_utf8, its neighbours are read', async () => {
    const [before, after] = comment(2, 'SPLIT').split('SPLIT');
    const input = Buffer.concat([Buffer.from(comment(1) + '\n' + before), bad, Buffer.from(after + '\n' + comment(3) + '\n')]);
    const r = await runReader(redditReader, memoryFile('RC_x.ndjson', input, 7), { min_score: 0 });
    expect(r.docs.map((d) => d.id)).toEqual(['t1_c1', 't1_c3']);
    expect(r.invalid).toMatchObject([{ reason: 'invalid_utf8', record: 2 }]);
  });

  it('wikipedia: the page with bad bytes is invalid_utf8, the others are kept', async () => {
    const parts = [Buffer.from(XML_HEAD + page(1)), Buffer.from(page(2, 'PLACEHOLDER text').replace('PLACEHOLDER', '\u0001')), Buffer.from(page(3) + '</mediawiki>\n')];
    const i = parts[1]!.indexOf(0x01);
    parts[1] = Buffer.concat([parts[1]!.subarray(0, i), bad, parts[1]!.subarray(i + 1)]);
    const r = await runReader(wikipediaReader, memoryFile('enwiki.xml', Buffer.concat(parts), 64));
    expect(r.docs.map((d) => d.meta['title'])).toEqual(['Article 1', 'Article 3']);
    expect(r.invalid).toMatchObject([{ id: 'testwiki:2', reason: 'invalid_utf8' }]);
  });

  it('books: undeclared non-UTF-8 is invalid_utf8; a declared Latin-1 book is decoded', async () => {
    const body = 'Title: Caf\u00e9 Stories\n\n*** START OF THE PROJECT GUTENBERG EBOOK CAFE ***\n\nA caf\u00e9 by the sea.\n\n*** END OF THE PROJECT GUTENBERG EBOOK CAFE ***\n';
    const undeclared = await runReader(booksReader, memoryFile('cafe.txt', Buffer.from(body, 'latin1')));
    expect(undeclared.invalid.map((x) => x.reason)).toEqual(['invalid_utf8']);
    const declared = await runReader(booksReader, memoryFile('cafe.txt', Buffer.from(body.replace('\n\n', '\nCharacter set encoding: ISO-8859-1\n\n'), 'latin1')));
    expect(declared.docs.map((d) => d.text)).toEqual(['A caf\u00e9 by the sea.']);
    expect(declared.docs[0]!.meta['title']).toBe('Caf\u00e9 Stories');
  });
});

describe('a 50 MB single line', () => {
  it('reddit: rejected as line_too_long without holding it, and the next record is read', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x61);
    const input = Buffer.concat([Buffer.from(comment(1) + '\n{"body":"'), huge, Buffer.from('"}\n' + comment(3) + '\n')]);
    const r = await runReader(redditReader, memoryFile('RC_big.ndjson', input, 1 << 20), { min_score: 0 });
    expect(r.docs.map((d) => d.id)).toEqual(['t1_c1', 't1_c3']);
    expect(r.invalid).toMatchObject([{ reason: 'line_too_long', record: 2 }]);
  });
});

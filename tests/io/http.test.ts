import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { httpFile, parseContentRange } from '../../src/io/http.js';
import { readAll } from '../../src/io/read-bytes.js';
import '../../src/io/remote-inputs.js';
import { expandPath } from '../../src/io/resolve.js';
import { jsonlReader } from '../../src/readers/jsonl.js';
import { readers } from '../../src/registry-loaded.js';
import { htmlRecord, page } from '../readers/warc-fixtures.js';
import { runReader } from '../helpers/harness.js';
import { answerRange, startLoopbackServer, type LoopbackServer } from '../helpers/http.js';

/** What the loopback server does with the next requests to a path. */
interface Behaviour {
  body: Buffer;
  /** Cut the connection after this many body bytes of the first full (non-ranged) response. */
  cutAt?: number;
  /** Declare the full Content-Length but end the socket cleanly after this many bytes (first response). */
  shortAt?: number;
  /** Answer 200 with the whole body even to Range requests. */
  ignoreRange?: boolean;
  acceptRangesNone?: boolean;
  /** Answer this status to the first N requests. */
  failFirst?: { status: number; times: number };
}

const RECORDS = 3000;
/** A multi-member gzip of JSON lines: three members, as many tools write them. */
function multiMemberJsonlGz(): Buffer {
  const lines = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ id: `r${i}`, text: `record ${i} ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 7))}${Math.sin(i)}` }) + '\n');
  const third = Math.floor(RECORDS / 3);
  return Buffer.concat([lines.slice(0, third), lines.slice(third, 2 * third), lines.slice(2 * third)].map((part) => gzipSync(part.join(''), { level: 1 })));
}

let server: LoopbackServer;
let base: string;
const routes = new Map<string, Behaviour>();
const seen: { path: string; range: string | undefined; ifRange: string | undefined }[] = [];
const served = new Map<string, number>();

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  const b = routes.get(path);
  const range = req.headers.range;
  seen.push({ path, range, ifRange: req.headers['if-range'] as string | undefined });
  const n = (served.get(path) ?? 0) + 1;
  served.set(path, n);
  if (!b) {
    res.writeHead(404).end();
    return;
  }
  if (b.failFirst && n <= b.failFirst.times) {
    res.writeHead(b.failFirst.status).end('try later');
    return;
  }
  const common = { etag: '"v1"', 'accept-ranges': b.acceptRangesNone ? 'none' : 'bytes', 'content-type': 'application/gzip' };
  if (!b.ignoreRange && answerRange(req, res, b.body, common)) return;
  res.writeHead(200, { ...common, 'content-length': b.body.length });
  const first = n === 1 + (b.failFirst?.times ?? 0);
  if (first && b.cutAt !== undefined) {
    res.write(b.body.subarray(0, b.cutAt), () => res.socket?.destroy());
  } else if (first && b.shortAt !== undefined) {
    res.write(b.body.subarray(0, b.shortAt), () => res.socket?.end());
  } else {
    res.end(b.body);
  }
}

beforeAll(async () => {
  server = await startLoopbackServer(handle);
  base = server.base;
});

afterAll(async () => {
  await server.close();
});

function reset(): void {
  seen.length = 0;
  served.clear();
  routes.clear();
}

const fast = { backoffMs: 1, maxBackoffMs: 5 };

function expectEveryRecordOnce(ids: string[]): void {
  expect(ids).toHaveLength(RECORDS);
  expect(new Set(ids).size).toBe(RECORDS);
  expect(ids).toEqual(Array.from({ length: RECORDS }, (_, i) => `r${i}`));
}

describe('http input', () => {
  const gz = multiMemberJsonlGz();

  it('resumes a body cut mid-way with a Range request and delivers every record exactly once', async () => {
    reset();
    const cutAt = Math.floor(gz.length * 0.4);
    routes.set('/cut.jsonl.gz', { body: gz, cutAt });
    const file = httpFile(`${base}/cut.jsonl.gz`, fast);
    const { docs, invalid } = await runReader(jsonlReader, file);
    expect(invalid).toEqual([]);
    expectEveryRecordOnce(docs.map((d) => d.id));
    expect(file.stats.resumes).toBeGreaterThanOrEqual(1);
    const ranged = seen.filter((s) => s.range !== undefined);
    expect(ranged.length).toBeGreaterThanOrEqual(1);
    const start = Number(/^bytes=(\d+)-$/.exec(ranged[0]!.range!)![1]);
    expect(start).toBeGreaterThan(0);
    expect(start).toBeLessThanOrEqual(cutAt);
    expect(ranged[0]!.ifRange).toBe('"v1"');
  });

  it('treats a body shorter than its Content-Length as a cut, not as the end of the file', async () => {
    reset();
    routes.set('/short.jsonl.gz', { body: gz, shortAt: Math.floor(gz.length * 0.7) });
    const file = httpFile(`${base}/short.jsonl.gz`, fast);
    const { docs, invalid } = await runReader(jsonlReader, file);
    expect(invalid).toEqual([]);
    expectEveryRecordOnce(docs.map((d) => d.id));
    expect(file.stats.resumes).toBe(1);
  });

  it('retries 5xx answers with backoff', async () => {
    reset();
    routes.set('/flaky.jsonl.gz', { body: gz, failFirst: { status: 503, times: 2 } });
    const file = httpFile(`${base}/flaky.jsonl.gz`, fast);
    const { docs } = await runReader(jsonlReader, file);
    expectEveryRecordOnce(docs.map((d) => d.id));
    expect(file.stats.requests).toBe(3);
    expect(file.stats.failures).toBe(2);
  });

  it('gives up after `retries` failures in a row, naming the URL and the last status', async () => {
    reset();
    routes.set('/down.jsonl.gz', { body: gz, failFirst: { status: 502, times: 100 } });
    const file = httpFile(`${base}/down.jsonl.gz`, { ...fast, retries: 3 });
    const err = await readAll(file.open()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('SLUICE_HTTP');
    expect((err as SluiceError).message).toMatch(/down\.jsonl\.gz failed 4 times in a row at byte 0: HTTP 502/);
    expect(file.stats.requests).toBe(4);
  });

  it('fails clearly, without duplicating bytes, when the server ignores Range', async () => {
    reset();
    routes.set('/norange.jsonl.gz', { body: gz, cutAt: Math.floor(gz.length / 2), ignoreRange: true });
    const file = httpFile(`${base}/norange.jsonl.gz`, fast);
    let delivered = 0;
    const err = await (async () => {
      for await (const c of file.open()) delivered += c.length;
    })().catch((e: unknown) => e);
    expect((err as SluiceError).code).toBe('SLUICE_HTTP');
    expect((err as SluiceError).message).toMatch(/server sent the whole file \(HTTP 200, not 206\)/);
    expect(delivered).toBeLessThanOrEqual(Math.floor(gz.length / 2));
  });

  it('fails at the cut when the server announces Accept-Ranges: none', async () => {
    reset();
    routes.set('/none.jsonl.gz', { body: gz, cutAt: 1000, acceptRangesNone: true });
    const err = await readAll(httpFile(`${base}/none.jsonl.gz`, fast).open()).catch((e: unknown) => e);
    expect((err as SluiceError).message).toMatch(/refuses range requests \(Accept-Ranges: none\)/);
    expect(seen.filter((s) => s.range !== undefined)).toEqual([]);
  });

  it('reports 404 at once, without retrying', async () => {
    reset();
    const file = httpFile(`${base}/missing.gz`, fast);
    const err = await readAll(file.open()).catch((e: unknown) => e);
    expect((err as SluiceError).message).toMatch(/answered HTTP 404/);
    expect(file.stats.requests).toBe(1);
  });

  it('opens at an offset with a Range request, and knows the size', async () => {
    reset();
    routes.set('/plain.bin', { body: gz });
    const file = httpFile(`${base}/plain.bin`, fast);
    expect(await file.size()).toBe(gz.length);
    const tail = await readAll(file.open(100));
    expect(Buffer.compare(tail, gz.subarray(100))).toBe(0);
    expect(seen.at(-1)!.range).toBe('bytes=100-');
  });

  it('parses Content-Range', () => {
    expect(parseContentRange('bytes 5-9/10')).toEqual({ start: 5, end: 9, total: 10 });
    expect(parseContentRange('bytes 5-9/*')).toEqual({ start: 5, end: 9, total: undefined });
    expect(parseContentRange('items 1-2/3')).toBeUndefined();
  });
});

describe('an http input that gives up', () => {
  const xml = Buffer.from(
    '<mediawiki><siteinfo><dbname>testwiki</dbname></siteinfo>\n' +
      Array.from({ length: 200 }, (_, i) => `<page><title>A${i}</title><ns>0</ns><id>${i + 1}</id><revision><id>${i}</id><text>Article ${i} text.</text></revision></page>\n`).join('') +
      '</mediawiki>\n',
  );
  const ndjson = Buffer.from(
    Array.from({ length: 500 }, (_, i) => JSON.stringify({ id: `c${i}`, author: 'a', body: `comment ${i}`, score: 5, created_utc: 1e9 + i, subreddit: 's', link_id: 't3_x' })).join('\n') + '\n',
  );
  const book = Buffer.from(`Title: A Book\n\n*** START OF THE PROJECT GUTENBERG EBOOK A BOOK ***\n\n${'A line of the book.\n'.repeat(500)}\n*** END OF THE PROJECT GUTENBERG EBOOK A BOOK ***\n`);
  const warc = Buffer.concat(Array.from({ length: 50 }, (_, i) => htmlRecord(i, page(i))));

  // the server cuts the first response and then ignores Range: the input fails with SLUICE_HTTP
  it.each([
    ['reddit', 'RC_2020-01.ndjson', ndjson],
    ['wikipedia', 'enwiki.xml', xml],
    ['books', 'book.txt', book],
    ['warc', 'crawl.warc', warc],
    ['jsonl', 'x.jsonl.gz', multiMemberJsonlGz()],
  ] as const)('%s: fails the read instead of reporting a truncated input', async (name, file, body) => {
    reset();
    routes.set(`/${file}`, { body, cutAt: Math.floor(body.length / 2), ignoreRange: true });
    await expect(runReader(readers[name]!, httpFile(`${base}/${file}`, fast))).rejects.toThrow(/server sent the whole file/);
  });
});

describe('path lists', () => {
  it('expands a remote gzipped .paths list relative to its own URL, and base_url overrides it', async () => {
    reset();
    const a = gzipSync('{"id":"a","text":"alpha"}\n');
    const b = gzipSync('{"id":"b","text":"beta"}\n');
    routes.set('/crawl/seg/a.jsonl.gz', { body: a });
    routes.set('/crawl/seg/b.jsonl.gz', { body: b });
    routes.set('/lists/x.paths.gz', { body: gzipSync('# two files\ncrawl/seg/a.jsonl.gz\n\ncrawl/seg/b.jsonl.gz\n') });
    routes.set('/crawl/list.paths', { body: Buffer.from('seg/a.jsonl.gz\nseg/b.jsonl.gz\n') });

    const viaBase = await expandPath({ pattern: 'lists/x.paths.gz', yamlPath: 'inputs[0].paths[0]', baseUrl: base }, false);
    expect(viaBase.map((f) => f.uri)).toEqual([`${base}/crawl/seg/a.jsonl.gz`, `${base}/crawl/seg/b.jsonl.gz`]);
    const texts: string[] = [];
    for (const f of viaBase) texts.push(...(await runReader(jsonlReader, f)).docs.map((d) => d.text));
    expect(texts).toEqual(['alpha', 'beta']);

    const relative = await expandPath({ pattern: `${base}/crawl/list.paths`, yamlPath: 'inputs[0].paths[0]' }, false);
    expect(relative.map((f) => f.uri)).toEqual([`${base}/crawl/seg/a.jsonl.gz`, `${base}/crawl/seg/b.jsonl.gz`]);
  });

  it('refuses remote globs', async () => {
    await expect(expandPath({ pattern: `${base}/x/*.gz`, yamlPath: 'inputs[0].paths[0]' }, false)).rejects.toThrow(/remote globs are not supported/);
  });
});

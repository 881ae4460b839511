/**
 * The WARC 1.1 records the fetch stage writes, one gzip member each (README.md#warc-layout):
 *
 *  - `warcinfo` at the start of every attempt of a task: software, user agent, robots policy;
 *  - `response` for every HTTP answer (pages, redirects, errors, robots.txt): the status line and
 *    header lines as received, then the body as sent (Content-Encoding kept; chunked transfer
 *    coding removed, so `Transfer-Encoding` is renamed `X-Crawler-Transfer-Encoding`, as
 *    Common Crawl does);
 *  - `metadata` (`application/warc-fields`) for an exchange that ended without a usable answer:
 *    `sluice-fetch-failure: <reason>`, `sluice-fetch-detail: <JSON>`, `sluice-fetch-attempts: N`.
 *
 * The `warc` reader reads these files as it reads Common Crawl's: responses are pages (or
 * `http_status`/`non_html` skips), warcinfo and metadata records are counted.
 */
import { randomUUID } from 'node:crypto';
import type { JsonValue } from '../core/doc.js';
import { parseFields } from '../readers/warc/record-parser.js';

const CRLF = '\r\n';

export interface ResponseParts {
  status: number;
  statusText: string;
  rawHeaders: readonly string[];
  body: Buffer;
}

/** WARC-Date with second precision, as Common Crawl writes it (`2024-05-01T12:00:00Z`). */
export function warcDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function record(type: string, fields: Array<[string, string]>, contentType: string, block: Buffer): Buffer {
  const head = [
    `WARC/1.1`,
    `WARC-Type: ${type}`,
    `WARC-Record-ID: <urn:uuid:${randomUUID()}>`,
    ...fields.map(([k, v]) => `${k}: ${v}`),
    `Content-Type: ${contentType}`,
    `Content-Length: ${block.length}`,
  ].join(CRLF);
  return Buffer.concat([Buffer.from(head + CRLF + CRLF, 'utf8'), block, Buffer.from(CRLF + CRLF)]);
}

/** A header value may not hold line breaks in a WARC header; URLs never do once parsed, this is a guard. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

/** The HTTP response as a response record's block: status line, header lines as received, blank line, body. */
export function httpBlock(r: ResponseParts): Buffer {
  let head = `HTTP/1.1 ${r.status}${r.statusText === '' ? '' : ` ${oneLine(r.statusText)}`}${CRLF}`;
  for (let i = 0; i + 1 < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!;
    // the body is stored de-chunked: a reader must not de-chunk it again
    const stored = name.toLowerCase() === 'transfer-encoding' ? 'X-Crawler-Transfer-Encoding' : name;
    head += `${stored}: ${oneLine(r.rawHeaders[i + 1]!)}${CRLF}`;
  }
  return Buffer.concat([Buffer.from(head + CRLF, 'latin1'), r.body]);
}

export function responseRecord(url: string, date: string, block: Buffer): Buffer {
  return record(
    'response',
    [
      ['WARC-Date', date],
      ['WARC-Target-URI', oneLine(url)],
    ],
    'application/http; msgtype=response',
    block,
  );
}

export const FAILURE_FIELD = 'sluice-fetch-failure';
export const DETAIL_FIELD = 'sluice-fetch-detail';
export const ATTEMPTS_FIELD = 'sluice-fetch-attempts';

export function failureRecord(url: string, date: string, reason: string, detail: Record<string, JsonValue>, attempts: number): Buffer {
  const block = `${FAILURE_FIELD}: ${reason}${CRLF}${DETAIL_FIELD}: ${JSON.stringify(detail)}${CRLF}${ATTEMPTS_FIELD}: ${attempts}${CRLF}`;
  return record(
    'metadata',
    [
      ['WARC-Date', date],
      ['WARC-Target-URI', oneLine(url)],
    ],
    'application/warc-fields',
    Buffer.from(block, 'utf8'),
  );
}

export function warcinfoRecord(date: string, filename: string, fields: Record<string, string>): Buffer {
  const block = Object.entries(fields)
    .map(([k, v]) => `${k}: ${oneLine(v)}${CRLF}`)
    .join('');
  return record(
    'warcinfo',
    [
      ['WARC-Date', date],
      ['WARC-Filename', filename],
    ],
    'application/warc-fields',
    Buffer.from(block, 'utf8'),
  );
}

export interface ParsedRecord {
  /** Field names lower-cased; the first of repeated fields. */
  headers: Map<string, string>;
  block: Buffer;
}

/** One whole record (a member's decompressed bytes); undefined when it is not a WARC record. */
export function parseRecord(bytes: Buffer): ParsedRecord | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0 || !bytes.subarray(0, 7).equals(Buffer.from('WARC/1.'))) return undefined;
  const headers = parseFields(bytes.toString('utf8', 0, end));
  const length = Number(headers.get('content-length'));
  if (!Number.isInteger(length) || end + 4 + length > bytes.length) return undefined;
  return { headers, block: bytes.subarray(end + 4, end + 4 + length) };
}

/** `application/warc-fields` as a map (names lower-cased). */
export function warcFields(block: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.toString('utf8').split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon > 0) out.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return out;
}

/** Status and Location of the HTTP response in a response record's block, read from its head only. */
export function responseHead(block: Buffer): { status: number; location: string | undefined } | undefined {
  const end = block.indexOf('\r\n\r\n');
  const head = block.toString('latin1', 0, end < 0 ? Math.min(block.length, 64 * 1024) : end);
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head);
  if (!m) return undefined;
  const loc = /\r\nlocation:[ \t]*([^\r\n]*)/i.exec(head);
  return { status: Number(m[1]), location: loc?.[1]?.trim() };
}

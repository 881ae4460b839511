import { brotliDecompressSync, gunzipSync, inflateRawSync, inflateSync } from 'node:zlib';
import { errorMessage } from '../../core/errors.js';

/** The HTTP response stored in a WARC `response` record's block. */
export interface HttpResponse {
  status: number;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: ReadonlyMap<string, string>;
  body: Buffer;
}

export type HttpParse = { ok: true; response: HttpResponse } | { ok: false; error: string };

/**
 * Parses status line, headers and body. A chunked or compressed body is decoded (Common Crawl
 * stores bodies already decoded and renames those headers `X-Crawler-*`; other crawlers do not).
 */
export function parseHttpResponse(block: Buffer, maxBodyBytes: number): HttpParse {
  const end = findHeaderEnd(block);
  if (end === undefined) return { ok: false, error: 'HTTP response has no blank line after its headers' };
  const lines = block.toString('latin1', 0, end.fieldsEnd).split('\n');
  const statusLine = (lines[0] ?? '').trim();
  const m = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  if (!m) return { ok: false, error: `not an HTTP status line: "${statusLine.slice(0, 80)}"` };
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers.get(name);
    headers.set(name, prev === undefined ? value : `${prev}, ${value}`);
  }
  let body = block.subarray(end.bodyStart);
  try {
    if (/\bchunked\b/i.test(headers.get('transfer-encoding') ?? '')) body = dechunk(body);
    const encoding = (headers.get('content-encoding') ?? '').trim().toLowerCase();
    if (encoding !== '' && encoding !== 'identity') body = decodeContent(body, encoding, maxBodyBytes);
  } catch (err) {
    return { ok: false, error: `HTTP body could not be decoded: ${errorMessage(err)}` };
  }
  return { ok: true, response: { status: Number(m[1]), headers, body } };
}

function findHeaderEnd(buf: Buffer): { fieldsEnd: number; bodyStart: number } | undefined {
  let p = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, p);
    if (nl === -1) return undefined;
    if (buf[nl + 1] === 0x0a) return { fieldsEnd: nl, bodyStart: nl + 2 };
    if (buf[nl + 1] === 0x0d && buf[nl + 2] === 0x0a) return { fieldsEnd: nl, bodyStart: nl + 3 };
    p = nl + 1;
  }
}

/** Removes chunked transfer coding; a body that is not well-formed chunks is returned as it is. */
function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let p = 0;
  for (;;) {
    const nl = body.indexOf(0x0a, p);
    if (nl === -1) return body;
    const size = parseInt(body.toString('latin1', p, nl).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) return body;
    if (size === 0) return Buffer.concat(parts);
    const start = nl + 1;
    if (start + size > body.length) {
      // cut off (the crawler truncated the payload): keep what is there
      parts.push(body.subarray(start));
      return Buffer.concat(parts);
    }
    parts.push(body.subarray(start, start + size));
    p = start + size;
    if (body[p] === 0x0d) p++;
    if (body[p] === 0x0a) p++;
  }
}

function decodeContent(body: Buffer, encoding: string, maxOutputLength: number): Buffer {
  switch (encoding) {
    case 'gzip':
    case 'x-gzip':
      return gunzipSync(body, { maxOutputLength });
    case 'deflate':
      // servers send both zlib-wrapped and raw deflate under this name
      try {
        return inflateSync(body, { maxOutputLength });
      } catch {
        return inflateRawSync(body, { maxOutputLength });
      }
    case 'br':
      return brotliDecompressSync(body, { maxOutputLength });
    default:
      throw new Error(`unsupported Content-Encoding "${encoding}"`);
  }
}

/** `text/html; charset=x` -> `text/html`. */
export function mimeType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const mime = contentType.split(';')[0]!.trim().toLowerCase();
  return mime === '' ? undefined : mime;
}

/** Builders for WARC/WET test files: real record framing, real gzip members. */
import { gzipSync } from 'node:zlib';

export function warcRecord(fields: Record<string, string>, block: Buffer, contentLength = block.length): Buffer {
  const head = ['WARC/1.0', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${contentLength}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), block, Buffer.from('\r\n\r\n')]);
}

export function httpResponse(body: Buffer, headers: Record<string, string> = { 'Content-Type': 'text/html; charset=utf-8' }, status = '200 OK'): Buffer {
  const head = [`HTTP/1.1 ${status}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

export const recordId = (n: number | string): string => `<urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}>`;

/** A response record holding an HTML page. */
export function htmlRecord(n: number, html: string | Buffer, opts: { headers?: Record<string, string>; contentLength?: number } = {}): Buffer {
  const body = typeof html === 'string' ? Buffer.from(html, 'utf8') : html;
  const block = httpResponse(body, opts.headers);
  return warcRecord(
    {
      'WARC-Type': 'response',
      'WARC-Record-ID': recordId(n),
      'WARC-Date': '2024-01-01T00:00:00Z',
      'WARC-Target-URI': `https://example.org/${n}`,
      'Content-Type': 'application/http; msgtype=response',
    },
    block,
    opts.contentLength ?? block.length,
  );
}

export function conversionRecord(n: number, text: string | Buffer, language?: string): Buffer {
  const block = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const fields: Record<string, string> = {
    'WARC-Type': 'conversion',
    'WARC-Target-URI': `https://example.org/${n}`,
    'WARC-Date': '2024-01-01T00:00:00Z',
    'WARC-Record-ID': recordId(n),
    'Content-Type': 'text/plain',
  };
  if (language !== undefined) fields['WARC-Identified-Content-Language'] = language;
  return warcRecord(fields, block);
}

export const page = (n: number): string => `<html><body><nav><a href="/">Home</a></nav><p>Page number ${n} has a paragraph of its own.</p></body></html>`;

/** One gzip member per record, as Common Crawl writes them. */
export const gzMembers = (records: Buffer[]): Buffer => Buffer.concat(records.map((r) => gzipSync(r)));

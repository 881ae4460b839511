/**
 * http(s) inputs that survive flaky connections. The body is streamed (never buffered); when a
 * connection fails before the response is complete, the download continues with a Range request
 * from the first byte not yet delivered, so the consumer sees every byte exactly once:
 *
 *  - a connection error, timeout, 5xx, 408 or 429 is retried with exponential backoff;
 *  - a body that ends short of its Content-Length (or Content-Range) is a cut, never an early end;
 *  - a resumed response must be `206` with a Content-Range starting at the delivered offset.
 *    A server that answers `200` to a Range request (it ignores ranges, or the file changed:
 *    resumes send If-Range with the first response's ETag or Last-Modified) fails the input
 *    with SLUICE_HTTP rather than duplicating bytes; so does `Accept-Ranges: none`.
 *
 * Content-Encoding is refused (`Accept-Encoding: identity`): offsets must count stored bytes.
 */
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { SluiceError, errorMessage } from '../core/errors.js';
import { createLogger, logLevelFromEnv, type Logger } from '../core/log.js';
import { sha256Of, type InputFingerprint } from './fingerprint.js';
import type { InputFile } from './input.js';

export interface HttpInputOptions {
  /** Failed attempts in a row (with no byte delivered between them) before the input fails. */
  retries?: number;
  /** First backoff; doubles on every consecutive failure, with up to 25% jitter. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Time to wait for response headers, and for the next body chunk. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  dispatcher?: Dispatcher;
  log?: Logger;
}

/** Counts kept per input so tests and benchmarks can see what the transport did. */
export interface HttpTransferStats {
  requests: number;
  /** Requests that continued a cut body with a Range request. */
  resumes: number;
  /** Failed attempts (errors, retryable statuses, cut bodies). */
  failures: number;
}

export interface HttpInputFile extends InputFile {
  readonly stats: HttpTransferStats;
}

const DEFAULTS = { retries: 6, backoffMs: 500, maxBackoffMs: 30_000, headersTimeoutMs: 60_000, bodyTimeoutMs: 60_000 };
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

// undici costs about 250 ms of CPU to load: only a process that opens an http(s) input pays it
let undiciModule: Promise<typeof Undici> | undefined;
const loadUndici = (): Promise<typeof Undici> => (undiciModule ??= import('undici'));

let sharedDispatcher: Dispatcher | undefined;
function defaultDispatcher({ Agent, interceptors }: typeof Undici): Dispatcher {
  sharedDispatcher ??= new Agent({ connections: 8 }).compose(interceptors.redirect({ maxRedirections: 5 }));
  return sharedDispatcher;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `bytes 100-199/1000` -> {start: 100, end: 199, total: 1000}; total undefined for `*`. */
export function parseContentRange(value: string): { start: number; end: number; total: number | undefined } | undefined {
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(value.trim());
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** A transient failure: the attempt is retried (resumed where the body was cut). */
class Retryable extends Error {}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function httpFile(url: string, options: HttpInputOptions = {}): HttpInputFile {
  const opts = { ...DEFAULTS, ...options };
  const log = options.log ?? createLogger(logLevelFromEnv(), 'http');
  // loaded outside the retry loops: a missing undici is an error, not a flaky connection
  const client = async (): Promise<{ request: typeof Undici.request; dispatcher: Dispatcher }> => {
    const undici = await loadUndici();
    return { request: undici.request, dispatcher: options.dispatcher ?? defaultDispatcher(undici) };
  };
  const stats: HttpTransferStats = { requests: 0, resumes: 0, failures: 0 };
  let knownSize: number | undefined;

  const fail = (message: string, hint: string, cause?: unknown): SluiceError => new SluiceError('SLUICE_HTTP', message, { file: url, hint, ...(cause === undefined ? {} : { cause }) });

  async function* open(offset = 0): AsyncIterable<Uint8Array> {
    const { request, dispatcher } = await client();
    let delivered = offset;
    let total: number | undefined;
    let validator: string | undefined;
    let rangesRefused = false;
    let failuresInRow = 0;

    const retryOrThrow = async (why: string, progressed: boolean, cause?: unknown): Promise<void> => {
      stats.failures++;
      failuresInRow = progressed ? 1 : failuresInRow + 1;
      if (failuresInRow > opts.retries) {
        throw fail(
          `GET ${url} failed ${failuresInRow} times in a row at byte ${delivered}${total === undefined ? '' : ` of ${total}`}: ${why}`,
          'the server or the network keeps failing; retry the run later (finished tasks are kept)',
          cause,
        );
      }
      if (delivered > offset && rangesRefused) {
        throw fail(
          `GET ${url}: connection cut at byte ${delivered}${total === undefined ? '' : ` of ${total}`} and the server refuses range requests (Accept-Ranges: none)`,
          'the download cannot be resumed without duplicating bytes; copy the file locally first',
          cause,
        );
      }
      const wait = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** (failuresInRow - 1)) * (1 + Math.random() * 0.25);
      log.warn(`GET ${url}: ${why} at byte ${delivered}; retry ${failuresInRow}/${opts.retries} in ${Math.round(wait)} ms${delivered > 0 ? ' with a Range request' : ''}`);
      await sleep(wait);
    };

    for (;;) {
      if (total !== undefined && delivered >= total) return;
      const ranged = delivered > 0;
      const headers: Record<string, string> = { 'accept-encoding': 'identity' };
      if (ranged) {
        headers['range'] = `bytes=${delivered}-`;
        if (validator !== undefined) headers['if-range'] = validator;
      }
      let res: Dispatcher.ResponseData;
      stats.requests++;
      if (ranged && delivered > offset) stats.resumes++;
      try {
        res = await request(url, { method: 'GET', headers, dispatcher, headersTimeout: opts.headersTimeoutMs, bodyTimeout: opts.bodyTimeoutMs });
      } catch (err) {
        if ((err as { code?: string }).code === 'UND_ERR_INVALID_ARG') throw fail(`GET ${url}: ${errorMessage(err)}`, 'check the URL', err);
        await retryOrThrow(errorMessage(err), false, err);
        continue;
      }
      const status = res.statusCode;
      const h = res.headers;
      if (status !== 200 && status !== 206) {
        await res.body.dump().catch(() => {});
        if (status === 416 && total === undefined && ranged) {
          // asked from the end of the file (open at its size): nothing left
          return;
        }
        if (RETRYABLE_STATUS.has(status)) {
          await retryOrThrow(`HTTP ${status}`, false);
          continue;
        }
        throw fail(
          `GET ${url} answered HTTP ${status}`,
          status === 404 ? 'the URL does not exist; check the path list and base_url' : status === 403 || status === 401 ? 'the server refuses access to this URL' : 'the server refused the request',
        );
      }
      if (header(h, 'accept-ranges')?.toLowerCase() === 'none') rangesRefused = true;
      if (validator === undefined) {
        const etag = header(h, 'etag');
        validator = etag !== undefined && !etag.startsWith('W/') ? etag : header(h, 'last-modified');
      }
      if (status === 200) {
        if (ranged) {
          await res.body.dump().catch(() => {});
          throw fail(
            `GET ${url}: asked for bytes ${delivered}- and the server sent the whole file (HTTP 200, not 206)`,
            'the server ignores Range requests or the file changed since the download started; resuming would duplicate bytes, so the input fails (copy the file locally, or rerun)',
          );
        }
        const length = header(h, 'content-length');
        total = length === undefined ? undefined : Number(length);
      } else {
        const range = parseContentRange(header(h, 'content-range') ?? '');
        if (!range || range.start !== delivered) {
          await res.body.dump().catch(() => {});
          throw fail(
            `GET ${url}: asked for bytes ${delivered}- and got Content-Range "${header(h, 'content-range') ?? '(none)'}"`,
            'the server answered with the wrong byte range; resuming would corrupt the stream',
          );
        }
        total = range.total ?? range.end + 1;
      }
      if (total !== undefined) knownSize = total;

      let got = 0;
      try {
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          if (total !== undefined && delivered + chunk.length > total) {
            throw fail(`GET ${url}: the body is longer than the ${total} bytes the server announced`, 'the server is misbehaving');
          }
          got += chunk.length;
          delivered += chunk.length;
          yield chunk;
        }
        if (total !== undefined && delivered < total) throw new Retryable(`body ended ${total - delivered} bytes short of its length`);
      } catch (err) {
        if (err instanceof SluiceError) throw err;
        await retryOrThrow(`connection cut (${errorMessage(err)})`, got > 0, err);
        continue;
      }
      return;
    }
  }

  return {
    uri: url,
    isDirectory: false,
    stats,
    open,
    async fingerprint({ content }) {
      // HEAD first; a server that refuses it (URLs signed for GET only) is asked for one byte instead
      const fp: InputFingerprint = {};
      const { request, dispatcher } = await client();
      for (const attempt of [
        { method: 'HEAD' as const, headers: {} },
        { method: 'GET' as const, headers: { range: 'bytes=0-0' } },
      ]) {
        try {
          const res = await request(url, { method: attempt.method, headers: { 'accept-encoding': 'identity', ...attempt.headers }, dispatcher, headersTimeout: opts.headersTimeoutMs });
          await res.body.dump();
          if (res.statusCode !== 200 && res.statusCode !== 206) continue;
          const range = res.statusCode === 206 ? parseContentRange(header(res.headers, 'content-range') ?? '') : undefined;
          const length = range ? range.total : header(res.headers, 'content-length');
          const etag = header(res.headers, 'etag');
          const modified = header(res.headers, 'last-modified');
          if (length !== undefined) fp.size = Number(length);
          if (etag !== undefined) fp.etag = etag;
          if (modified !== undefined) fp.last_modified = modified;
          break;
        } catch (err) {
          log.debug(`${attempt.method} ${url} for its fingerprint: ${errorMessage(err)}`);
        }
      }
      if (content) fp.sha256 = await sha256Of(open());
      return fp;
    },
    async size() {
      if (knownSize !== undefined) return knownSize;
      const { request, dispatcher } = await client();
      try {
        const res = await request(url, { method: 'HEAD', headers: { 'accept-encoding': 'identity' }, dispatcher, headersTimeout: opts.headersTimeoutMs });
        await res.body.dump();
        const length = header(res.headers, 'content-length');
        if (res.statusCode === 200 && length !== undefined) knownSize = Number(length);
      } catch {
        // size is advisory (progress display); reading will report real failures
      }
      return knownSize;
    },
  };
}

/**
 * One HTTP GET through undici, kept as the bytes the WARC record needs: the status line, the raw
 * header lines as they came, and the body as sent (still Content-Encoded; de-chunked). Limits are
 * enforced while it runs: the body stops being read past `maxBytes`, a 2xx response whose
 * Content-Type is not allowed is abandoned after its headers, and every failure is classified
 * into a reason (failure-reason.ts). The legacy handler callbacks are used because only they
 * hand over the raw header lines and the reason phrase.
 */
import type { Dispatcher } from 'undici';
import type { FetchDispatcher } from './dispatcher.js';
import { classifyError, FetchAbort, type FetchFailure } from './failure-reason.js';

export interface ExchangeOptions {
  dispatcher: FetchDispatcher;
  headers: Record<string, string>;
  maxBytes: number;
  /** Allowed media types of 2xx responses (lower case); others are `non_html` after the headers. Undefined: any. */
  contentTypes: ReadonlySet<string> | undefined;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  /** Wall-clock limit of the whole exchange (a body trickling in forever). */
  totalTimeoutMs: number;
  signal: AbortSignal;
}

export interface HttpReply {
  kind: 'reply';
  status: number;
  statusText: string;
  /** Header lines as received: name, value, name, value... */
  rawHeaders: string[];
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Map<string, string>;
  body: Buffer;
}

export type ExchangeResult = HttpReply | FetchFailure;

/** `text/html; charset=x` -> `text/html`. */
function mediaType(value: string | undefined): string | undefined {
  const m = value?.split(';')[0]?.trim().toLowerCase();
  return m === '' ? undefined : m;
}

export function exchange(url: URL, opts: ExchangeOptions): Promise<ExchangeResult> {
  return new Promise<ExchangeResult>((resolve) => {
    let abort: ((err?: Error) => void) | undefined;
    let reply: HttpReply | undefined;
    const chunks: Buffer[] = [];
    let bytes = 0;
    let phase: 'connect' | 'headers' | 'body' = 'connect';
    let settled = false;
    const finish = (r: ExchangeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const stop = (err: FetchAbort): void => {
      if (abort) abort(err);
      else finish(classifyError(err, phase));
    };
    const timer = setTimeout(() => stop(new FetchAbort('timeout', { phase: 'total', after_ms: opts.totalTimeoutMs })), opts.totalTimeoutMs);
    const onAbort = (): void => stop(new FetchAbort('interrupted', {}));
    opts.signal.addEventListener('abort', onAbort);

    const handler: Dispatcher.DispatchHandler = {
      onConnect(a) {
        abort = a;
        phase = 'headers';
        if (opts.signal.aborted) a(new FetchAbort('interrupted', {}));
      },
      onHeaders(status, raw, _resume, statusText) {
        // 1xx informational answers come before the real one
        if (status < 200 && status !== 101) return true;
        phase = 'body';
        const rawHeaders: string[] = [];
        const headers = new Map<string, string>();
        for (let i = 0; i + 1 < raw.length; i += 2) {
          const name = raw[i]!.toString('latin1');
          const value = raw[i + 1]!.toString('latin1');
          rawHeaders.push(name, value);
          const key = name.toLowerCase();
          const prev = headers.get(key);
          headers.set(key, prev === undefined ? value : `${prev}, ${value}`);
        }
        reply = { kind: 'reply', status, statusText, rawHeaders, headers, body: Buffer.alloc(0) };
        if (status >= 200 && status < 300 && opts.contentTypes !== undefined) {
          const type = mediaType(headers.get('content-type'));
          // no Content-Type: the page is sniffed after the body, as the warc reader does
          if (type !== undefined && !opts.contentTypes.has(type)) {
            abort?.(new FetchAbort('non_html', { status, content_type: type }));
            return false;
          }
        }
        const length = Number(headers.get('content-length'));
        if (Number.isFinite(length) && length > opts.maxBytes) {
          abort?.(new FetchAbort('too_large', { status, content_length: length, max_bytes: opts.maxBytes }));
          return false;
        }
        return true;
      },
      onData(chunk) {
        bytes += chunk.length;
        if (bytes > opts.maxBytes) {
          abort?.(new FetchAbort('too_large', { read_bytes: bytes, max_bytes: opts.maxBytes }));
          return false;
        }
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        if (reply === undefined) {
          finish(classifyError(new Error('response ended without headers'), phase));
          return;
        }
        reply.body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, bytes);
        finish(reply);
      },
      onError(err) {
        finish(classifyError(err, phase));
      },
    };
    try {
      opts.dispatcher.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: 'GET',
          headers: opts.headers,
          headersTimeout: opts.headersTimeoutMs,
          bodyTimeout: opts.bodyTimeoutMs,
        },
        handler,
      );
    } catch (err) {
      finish(classifyError(err, phase));
    }
  });
}

/**
 * A farm of loopback web hosts for the fetch stage's tests and bench: each host is an HTTP (or
 * HTTPS) server on its own 127.0.0.x address (Linux routes all of 127/8 to lo), answering by path:
 *
 *   /page/<n>      an HTML article naming n            /slow/<n>     headers after 30 s
 *   /drop/<n>      connection cut before any answer     /flaky/<n>    503 + Retry-After: 1 once, then the page
 *   /busy/<n>      always 429 (Retry-After: 1)          /big/<n>      a body of 6 MiB (chunked)
 *   /pdf/<n>       200 application/pdf                  /missing/<n>  404
 *   /loop/<n>      302 -> /loop-b/<n> -> /loop/<n>      /redir/<n>    301 -> 302 -> /page/<n>
 *   /chain/<n>     seven redirects in a row             /private/<n>  disallowed by robots.txt
 *   /plain/<n>     an HTML page without Content-Type    /gzip/<n>     the page gzip-encoded
 *   /article/<n>   a news-style page of about 24 KB (navigation, sidebar, 30 paragraphs, comments)
 *
 * Every server counts requests per path and connections open at once (the most seen), so tests
 * can assert that nothing was asked twice and that no host saw more connections than allowed;
 * `clientSockets` counts the same from the client's side.
 */
import { execFileSync } from 'node:child_process';
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface HostOptions {
  /** robots.txt status: 200 (with `robots`), 404, 503, or 'drop' (connection cut). */
  robotsStatus?: 200 | 404 | 503 | 'drop';
  robots?: string;
  tls?: boolean;
}

export interface FarmHost {
  /** `http://127.0.0.x:port` */
  base: string;
  address: string;
  /** Requests per path (query included). */
  requests: Map<string, number>;
  /** Connections open now, and the most open at once. */
  open: number;
  maxOpen: number;
  connections: number;
  server: Server;
}

export const DEFAULT_ROBOTS = 'User-agent: *\nDisallow: /private/\nAllow: /private/ok$\n\nUser-agent: otherbot\nDisallow: /\n';
export const BIG_BYTES = 6 * 1024 * 1024;

/** Fetch stage timings short enough for loopback tests: no per-host delay, sub-second backoff. */
export const FAST_TIMINGS = {
  per_host_delay_seconds: 0,
  headers_timeout_seconds: 1,
  body_timeout_seconds: 2,
  connect_timeout_seconds: 2,
  backoff_seconds: 0.05,
  max_backoff_seconds: 0.2,
  retries: 2,
  max_retry_after_seconds: 5,
};

/** The article at /page/<n> of a host: distinctive text the extractor keeps. */
export function pageHtml(host: string, n: string): string {
  const para = (i: number): string =>
    `<p>Paragraph ${i} of article ${n} on ${host}. The river keeps its course through the valley while the ferry crosses twice a day, and the villagers count the boats that pass under the old stone bridge in the quiet hours of the morning.</p>`;
  return `<!doctype html><html lang="en"><head><title>Article ${n} on ${host}</title></head><body><nav><a href="/">Home</a> | <a href="/about">About</a></nav><article><h1>Article ${n}</h1>${[1, 2, 3, 4].map(para).join('')}</article><footer>Copyright footer text</footer></body></html>`;
}

/** A page closer to a real article's size and shape (about 24 KB): what the bench fetches. */
export function articleHtml(host: string, n: string): string {
  const words = ['river', 'ferry', 'valley', 'harbour', 'lantern', 'orchard', 'granite', 'meadow', 'tide', 'bridge', 'archive', 'village'];
  const sentence = (i: number): string =>
    `The ${words[i % 12]} near ${words[(i * 5) % 12]} was recorded in report ${n}-${i}, and the ${words[(i * 7) % 12]} keepers noted how the ${words[(i * 3) % 12]} changed over the ${i % 9} seasons since.`;
  const paras = Array.from({ length: 30 }, (_, i) => `<p>${sentence(i)} ${sentence(i + 1)} ${sentence(i + 2)}</p>`).join('\n');
  const nav = Array.from({ length: 40 }, (_, i) => `<li><a href="/section/${i}">Section ${i}</a></li>`).join('');
  const side = Array.from({ length: 15 }, (_, i) => `<li><a href="/article/${i}">Related story ${i} about the ${words[i % 12]}</a></li>`).join('');
  const comments = Array.from({ length: 8 }, (_, i) => `<div class="comment"><span class="author">reader${i}</span><p>Comment ${i}: thanks for the piece.</p></div>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report ${n} on ${host}</title><meta property="og:site_name" content="${host}"><style>body{font-family:serif}</style><script>var analytics = {page: "${n}"};</script></head><body><header><nav><ul>${nav}</ul></nav></header><main><article><h1>Report ${n}</h1><p class="byline">By a staff writer</p>${paras}</article><aside><h2>Related</h2><ul>${side}</ul></aside><section class="comments">${comments}</section></main><footer><p>Copyright ${host}. All rights reserved.</p><ul>${nav}</ul></footer></body></html>`;
}

function handle(host: FarmHost, opts: HostOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = req.url ?? '/';
  host.requests.set(path, (host.requests.get(path) ?? 0) + 1);
  const [, kind = '', n = ''] = /^\/([^/]*)\/?(.*)$/.exec(path) ?? [];
  const html = (body: string, headers: Record<string, string | number> = {}): void => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  switch (kind) {
    case 'robots.txt': {
      const s = opts.robotsStatus ?? 200;
      if (s === 'drop') return void req.socket.destroy();
      if (s !== 200) return void res.writeHead(s, { 'content-type': 'text/plain' }).end('no');
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end(opts.robots ?? DEFAULT_ROBOTS);
    }
    case 'page':
    case 'private':
      return html(pageHtml(host.address, n));
    case 'article':
      return html(articleHtml(host.address, n));
    case 'plain': {
      const body = pageHtml(host.address, n);
      res.writeHead(200, { 'content-length': Buffer.byteLength(body) });
      return void res.end(body);
    }
    case 'gzip': {
      const body = gzipSync(pageHtml(host.address, n));
      res.writeHead(200, { 'content-type': 'text/html', 'content-encoding': 'gzip', 'content-length': body.length });
      return void res.end(body);
    }
    case 'slow':
      // never answers in time: the client's headers timeout ends it
      setTimeout(() => (res.destroyed ? undefined : html(pageHtml(host.address, n))), 30_000).unref();
      return;
    case 'drop':
      return void req.socket.destroy();
    case 'flaky':
      if (host.requests.get(path) === 1) return void res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain' }).end('try later');
      return html(pageHtml(host.address, n));
    case 'busy':
      return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'text/plain' }).end('slow down');
    case 'big': {
      // chunked, no Content-Length: the client must stop reading on its own
      res.writeHead(200, { 'content-type': 'text/html' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      let sent = 0;
      const more = (): void => {
        while (sent < BIG_BYTES && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        if (!res.destroyed) res.end();
      };
      res.on('error', () => undefined);
      return more();
    }
    case 'pdf':
      return void res.writeHead(200, { 'content-type': 'application/pdf' }).end('%PDF-1.4 not really');
    case 'missing':
      return void res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>not here</body></html>');
    case 'loop':
      return void res.writeHead(302, { location: `/loop-b/${n}` }).end();
    case 'loop-b':
      return void res.writeHead(302, { location: `${host.base}/loop/${n}` }).end();
    case 'redir':
      return void res.writeHead(301, { location: `/redir-b/${n}` }).end();
    case 'redir-b':
      return void res.writeHead(302, { location: `/page/${n}` }).end();
    case 'chain': {
      const [id = '', step = '0'] = n.split('/');
      return void res.writeHead(302, { location: `/chain/${id}/${Number(step) + 1}` }).end();
    }
    default:
      return void res.writeHead(404).end();
  }
}

let certFiles: { key: Buffer; cert: Buffer } | undefined;

/** A self-signed certificate for CN=localhost, made once per process with openssl. */
export function selfSignedCert(): { key: Buffer; cert: Buffer } {
  if (certFiles) return certFiles;
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cert-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
    certFiles = { key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) };
    return certFiles;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHost(address: string, opts: HostOptions = {}): Promise<FarmHost> {
  const host = { base: '', address, requests: new Map<string, number>(), open: 0, maxOpen: 0, connections: 0 } as FarmHost;
  const listener = (req: IncomingMessage, res: ServerResponse): void => handle(host, opts, req, res);
  const server = opts.tls ? createHttps(selfSignedCert(), listener) : createHttp(listener);
  server.keepAliveTimeout = 10_000;
  // counted from the TCP connection until the first sign the client closed it. The most open at
  // once is read one event-loop turn after each new connection: a client that closes a socket and
  // then opens another (after a cut-off body) sends its FIN first, but the server may be handed
  // both in one poll and see the new connection before the old one's end.
  server.on(opts.tls ? 'secureConnection' : 'connection', (sock: Socket) => {
    host.connections++;
    host.open++;
    setImmediate(() => (host.maxOpen = Math.max(host.maxOpen, host.open)));
    let closed = false;
    const gone = (): void => {
      if (closed) return;
      closed = true;
      host.open--;
    };
    sock.once('end', gone);
    sock.once('error', gone);
    sock.once('close', gone);
  });
  server.listen(0, address);
  await once(server, 'listening');
  host.server = server;
  host.base = `${opts.tls ? 'https' : 'http'}://${address}:${(server.address() as AddressInfo).port}`;
  return host;
}

export async function stopHost(host: FarmHost): Promise<void> {
  host.server.closeAllConnections();
  host.server.close();
  await once(host.server, 'close');
}

/** Requests for `path` over every host. */
export function requestsOf(hosts: readonly FarmHost[], path: string): number {
  let n = 0;
  for (const h of hosts) n += h.requests.get(path) ?? 0;
  return n;
}

/**
 * The most sockets undici had open at once per host address, counted on the client side: at each
 * new connection, the host's earlier sockets that are not destroyed yet. Call the returned
 * function to stop counting.
 */
export function clientSockets(): { max: Map<string, number>; stop: () => void } {
  const open = new Map<string, Set<Socket>>();
  const max = new Map<string, number>();
  const onConnected = (message: unknown): void => {
    const m = message as { connectParams: { hostname: string }; socket: Socket };
    const host = m.connectParams.hostname;
    const set = open.get(host) ?? new Set<Socket>();
    open.set(host, set);
    for (const s of set) if (s.destroyed) set.delete(s);
    set.add(m.socket);
    max.set(host, Math.max(max.get(host) ?? 0, set.size));
  };
  diagnostics.subscribe('undici:client:connected', onConnected);
  return { max, stop: () => diagnostics.unsubscribe('undici:client:connected', onConnected) };
}

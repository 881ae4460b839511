/** Real HTTP over loopback for tests of remote inputs: a server on a free port, and ranged answers. */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type RequestListener, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Stops listening and drops open connections (a response cut mid-body leaves one). */
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Answers a `Range: bytes=N-` request with 206 and the rest of `body`; returns false (and answers nothing) for any other request. */
export function answerRange(req: IncomingMessage, res: ServerResponse, body: Uint8Array, headers: OutgoingHttpHeaders = {}): boolean {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (!m) return false;
  const start = Number(m[1]);
  res.writeHead(206, { ...headers, 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
  res.end(body.subarray(start));
  return true;
}

/**
 * The undici Agent the stage sends through: one pool per origin of at most `perHost` connections,
 * the connect timeout, certificate checking, and `connect_to` (curl's --connect-to: connect to
 * another address for a host while the request, Host header and TLS server name stay those of
 * the URL), which lets a pipeline be pointed at a local server for tests and offline demos.
 */
import { isIP } from 'node:net';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { SluiceError } from '../core/errors.js';

export interface DispatcherOptions {
  perHost: number;
  connectTimeoutMs: number;
  verifyTls: boolean;
  /** `host` or `host:port` -> `address:port` or `address`. */
  connectTo: Readonly<Record<string, string>>;
}

interface Target {
  host: string;
  port: string | undefined;
}

function parseTarget(key: string, value: string): Target {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value.trim());
  if (!m) throw new SluiceError('SLUICE_CONFIG_INVALID', `fetch.connect_to["${key}"]: "${value}" is not an address or address:port`, { hint: 'e.g. connect_to: {"example.org": "127.0.0.1:8080"}' });
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] };
}

/** undici's own connector, keyed by URL host, with `connect_to` applied. */
export function connectToMap(connectTo: Readonly<Record<string, string>>): (hostname: string, port: string) => Target | undefined {
  const map = new Map<string, Target>();
  for (const [key, value] of Object.entries(connectTo)) map.set(key.toLowerCase(), parseTarget(key, value));
  return (hostname, port) => map.get(`${hostname}:${port}`) ?? map.get(hostname) ?? map.get('*');
}

export function createDispatcher(undici: typeof Undici, o: DispatcherOptions): Dispatcher {
  const base = undici.buildConnector({ timeout: o.connectTimeoutMs, rejectUnauthorized: o.verifyTls });
  const lookup = connectToMap(o.connectTo);
  const connect: Undici.buildConnector.connector =
    Object.keys(o.connectTo).length === 0
      ? base
      : (opts, callback) => {
          const port = opts.port || (opts.protocol === 'https:' ? '443' : '80');
          const to = lookup(opts.hostname, port);
          if (to === undefined) return base(opts, callback);
          // the certificate is checked against the URL's host, not the address connected to
          const servername = opts.servername ?? (isIP(opts.hostname) ? undefined : opts.hostname);
          return base({ ...opts, hostname: to.host, port: to.port ?? port, ...(servername === undefined ? {} : { servername }) }, callback);
        };
  return new undici.Agent({ connections: o.perHost, pipelining: 1, keepAliveTimeout: 4000, connect });
}

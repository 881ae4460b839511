/**
 * What the stage sends through: one undici Pool per origin of at most `perHost` connections,
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
  /** `host`, `host:port`, `*:port` or `*` -> `address:port` or `address` (the first that matches, in that order). */
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
  return (hostname, port) => map.get(`${hostname}:${port}`) ?? map.get(hostname) ?? map.get(`*:${port}`) ?? map.get('*');
}

/** The part of a dispatcher the stage uses. */
export interface FetchDispatcher {
  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  destroy(): Promise<void>;
}

/**
 * Pools kept by origin for the whole task. undici's Agent is not used: it drops an origin's pool
 * when that pool's connected-socket count reaches zero and makes a new one for the next request
 * while the old one is still closing, and on the test farm that let a host see three connections
 * with `connections: 2`. Idle pools beyond `maxIdlePools` are closed, oldest first.
 */
class PoolPerOrigin implements FetchDispatcher {
  private readonly pools = new Map<string, Dispatcher>();

  constructor(
    private readonly make: (origin: string) => Dispatcher,
    private readonly maxIdlePools = 4096,
  ) {}

  dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const origin = String(opts.origin);
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      if (this.pools.size >= this.maxIdlePools) this.evictIdle();
      pool = this.make(origin);
      this.pools.set(origin, pool);
    } else {
      // most recently used last, so eviction finds the oldest first
      this.pools.delete(origin);
      this.pools.set(origin, pool);
    }
    return pool.dispatch(opts, handler);
  }

  private evictIdle(): void {
    for (const [origin, pool] of this.pools) {
      const stats = (pool as Undici.Pool).stats;
      if (stats.running > 0 || stats.pending > 0 || stats.connected > 0) continue;
      this.pools.delete(origin);
      void pool.close().catch(() => undefined);
      if (this.pools.size < this.maxIdlePools / 2) return;
    }
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.pools.values()].map((p) => p.destroy().catch(() => undefined)));
    this.pools.clear();
  }
}

export function createDispatcher(undici: typeof Undici, o: DispatcherOptions): FetchDispatcher {
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
  return new PoolPerOrigin((origin) => new undici.Pool(origin, { connections: o.perHost, pipelining: 1, keepAliveTimeout: 4000, connect }));
}

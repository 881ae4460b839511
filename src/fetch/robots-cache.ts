/**
 * One robots.txt per origin (scheme, host, port), fetched once per task on first use and kept
 * for the task. Its fetch goes through the same gate, retries and WARC records as a page, so a
 * rerun reads it from the WARC files too. What the answer means follows Google:
 *
 *  - 2xx: the rules for our product token;
 *  - 3xx: followed up to 5 hops, then treated as 404;
 *  - 4xx other than 429: no rules (everything allowed);
 *  - 429, 5xx (after retries) and network failures: everything disallowed for that origin, as a
 *    site whose robots.txt cannot be read may not want a crawler. Its pages are rejected as
 *    `robots_unavailable` after a status, else with the network failure's own reason
 *    (`connect_error`, `tls_error`, `timeout`, `dns_error`): the page would have failed alike.
 */
import type { JsonValue } from '../core/doc.js';
import { parseHttpResponse } from '../readers/warc/http.js';
import { ALLOW_ALL, DISALLOW_ALL, parseRobots, ROBOTS_MAX_BYTES, type Robots } from './robots.js';
import type { Hop } from './hop.js';

/** `failure`: the exchange's own reason when robots.txt could not be fetched at all (the host is unreachable, its certificate is bad). */
export type RobotsVerdict = { kind: 'rules'; robots: Robots } | { kind: 'unavailable'; robots: Robots; failure: string | undefined; detail: Record<string, JsonValue> };

const MAX_ROBOTS_HOPS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class RobotsCache {
  private readonly byOrigin = new Map<string, Promise<RobotsVerdict>>();

  constructor(
    private readonly token: string,
    private readonly fetchHop: (url: URL) => Promise<Hop>,
  ) {}

  /** The verdict for `url`'s origin (fetching robots.txt the first time). */
  verdict(url: URL): Promise<RobotsVerdict> {
    let v = this.byOrigin.get(url.origin);
    if (v === undefined) {
      v = this.load(new URL('/robots.txt', url.origin));
      this.byOrigin.set(url.origin, v);
    }
    return v;
  }

  private async load(first: URL): Promise<RobotsVerdict> {
    let url = first;
    for (let hops = 0; ; hops++) {
      const hop = await this.fetchHop(url);
      if (hop.kind === 'failure') {
        // a status (429, 5xx) says the site is there but its robots.txt is not; anything else says the host cannot be fetched at all
        const failure = hop.reason.startsWith('http_') ? undefined : hop.reason;
        return { kind: 'unavailable', robots: DISALLOW_ALL, failure, detail: { robots_url: url.href, robots_failure: hop.reason, ...hop.detail } };
      }
      const s = hop.status;
      if (REDIRECTS.has(s) && hop.location !== undefined) {
        const next = resolveLocation(hop.location, url);
        if (next === undefined || hops + 1 > MAX_ROBOTS_HOPS) return { kind: 'rules', robots: ALLOW_ALL };
        url = next;
        continue;
      }
      if (s >= 200 && s < 300) {
        const parsed = parseHttpResponse(hop.block(), ROBOTS_MAX_BYTES * 8);
        // an answer that cannot be decoded is as good as none
        if (!parsed.ok) return { kind: 'rules', robots: ALLOW_ALL };
        return { kind: 'rules', robots: parseRobots(parsed.response.body.toString('utf8', 0, Math.min(parsed.response.body.length, ROBOTS_MAX_BYTES)), this.token) };
      }
      if (s === 429 || s >= 500) return { kind: 'unavailable', robots: DISALLOW_ALL, failure: undefined, detail: { robots_url: url.href, robots_status: s } };
      return { kind: 'rules', robots: ALLOW_ALL };
    }
  }
}

/** A Location header resolved against the URL it came from; undefined unless it is http(s). Header bytes are read as UTF-8. */
export function resolveLocation(location: string, base: URL): URL | undefined {
  try {
    const u = new URL(Buffer.from(location, 'latin1').toString('utf8'), base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    u.hash = '';
    return u;
  } catch {
    return undefined;
  }
}

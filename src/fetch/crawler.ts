/**
 * From a URL to a page or a reason, one hop at a time: robots.txt of the hop's origin, then the
 * hop itself (from the replay index when an earlier attempt recorded it, else through the gate,
 * with retries), then its redirect, if any. Every exchange made now is appended to the task's
 * WARC file before its outcome is used, and added to the index, so the same URL (a page, a
 * robots.txt, a redirect target) is never asked for twice in a run; two documents asking for
 * the same URL at once share one exchange.
 */
import type { JsonValue } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import type { RejectDetail } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import type { FetchDispatcher } from './dispatcher.js';
import { exchange } from './exchange.js';
import type { Hop } from './hop.js';
import type { HostGate } from './host-gate.js';
import type { ReplayIndex } from './replay-index.js';
import { parseRetryAfter, RETRYABLE_STATUS, retryDecision, type RetryPolicy } from './retry.js';
import { decidingRule, isAllowed } from './robots.js';
import { resolveLocation, RobotsCache } from './robots-cache.js';
import { readMember, type MemberRef, type WarcAppender } from './warc-file.js';
import { failureRecord, httpBlock, parseRecord, responseRecord, warcDate } from './warc-record.js';

export interface CrawlSettings {
  userAgent: string;
  robotsToken: string;
  robots: boolean;
  maxRedirects: number;
  maxBytes: number;
  contentTypes: ReadonlySet<string>;
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  totalTimeoutMs: number;
  retry: RetryPolicy;
}

export interface RedirectHop {
  url: string;
  status: number;
}

export type CrawlOutcome =
  { kind: 'page'; url: string; status: number; date: string; block: Buffer; redirects: RedirectHop[]; fromWarc: boolean } | { kind: 'reject'; reason: string; detail: RejectDetail };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The URL to fetch: http(s) only, fragment removed; undefined for anything else. */
export function targetUrl(raw: string): URL | undefined {
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return undefined;
  u.hash = '';
  return u;
}

export class Crawler {
  private readonly inFlight = new Map<string, Promise<Hop>>();
  private readonly robots: RobotsCache;
  private readonly headers: Record<string, string>;

  constructor(
    private readonly s: CrawlSettings,
    private readonly dispatcher: FetchDispatcher,
    private readonly gate: HostGate,
    private readonly index: ReplayIndex,
    private readonly out: WarcAppender,
    private readonly stats: StageRecorder,
    private readonly signal: AbortSignal,
  ) {
    this.robots = new RobotsCache(s.robotsToken, (url) => this.hop(url, true));
    this.headers = {
      'user-agent': s.userAgent,
      accept: [...s.contentTypes].join(',') + ',*/*;q=0.1',
      'accept-encoding': 'gzip, deflate, br',
    };
  }

  async crawl(raw: string): Promise<CrawlOutcome> {
    const first = targetUrl(raw);
    if (first === undefined) return { kind: 'reject', reason: 'bad_url', detail: { url: raw } };
    const chain: RedirectHop[] = [];
    const withChain = (d: Record<string, JsonValue>): RejectDetail => (chain.length === 0 ? d : { ...d, redirects: chain.map((c) => ({ ...c })) });
    let url = first;
    for (;;) {
      if (this.s.robots) {
        const v = await this.robots.verdict(url);
        const path = url.pathname + url.search;
        if (v.kind === 'unavailable') return { kind: 'reject', reason: v.failure ?? 'robots_unavailable', detail: withChain({ url: url.href, ...v.detail }) };
        if (!isAllowed(v.robots, path)) return { kind: 'reject', reason: 'robots_disallowed', detail: withChain({ url: url.href, rule: decidingRule(v.robots, path)?.pattern ?? null }) };
      }
      const hop = await this.hop(url, false);
      if (hop.kind === 'failure') return { kind: 'reject', reason: hop.reason, detail: withChain({ url: url.href, ...hop.detail, attempts: hop.attempts }) };
      if (REDIRECTS.has(hop.status) && hop.location !== undefined) {
        chain.push({ url: url.href, status: hop.status });
        const next = resolveLocation(hop.location, url);
        if (next === undefined) return { kind: 'reject', reason: 'bad_redirect', detail: withChain({ url: url.href, location: hop.location }) };
        if (chain.some((c) => c.url === next.href)) return { kind: 'reject', reason: 'redirect_loop', detail: withChain({ url: first.href, to: next.href }) };
        if (chain.length > this.s.maxRedirects) return { kind: 'reject', reason: 'too_many_redirects', detail: withChain({ url: first.href, max_redirects: this.s.maxRedirects }) };
        this.stats.count('redirects_followed');
        url = next;
        continue;
      }
      if (hop.status < 200 || hop.status > 299) return { kind: 'reject', reason: `http_${hop.status}`, detail: withChain({ url: url.href, status: hop.status }) };
      return { kind: 'page', url: url.href, status: hop.status, date: hop.date, block: hop.block(), redirects: chain, fromWarc: hop.fromWarc };
    }
  }

  /** One URL's exchange: recorded earlier, running now for another document, or made now. */
  private hop(url: URL, robots: boolean): Promise<Hop> {
    const key = url.href;
    const recorded = this.index.get(key);
    if (recorded !== undefined) {
      this.stats.count(robots ? 'robots_from_warc' : 'hops_from_warc');
      if (recorded.kind === 'failure') return Promise.resolve({ ...recorded, fromWarc: true });
      const { ref } = recorded;
      return Promise.resolve({ kind: 'response', status: recorded.status, location: recorded.location, date: recorded.date, block: () => recordBlock(ref), fromWarc: true });
    }
    let p = this.inFlight.get(key);
    if (p === undefined) {
      p = this.fetch(url, robots).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, p);
    }
    return p;
  }

  private async fetch(url: URL, robots: boolean): Promise<Hop> {
    const host = url.host;
    for (let attempt = 1; ; attempt++) {
      if (this.signal.aborted) throw interrupted();
      const release = await this.gate.acquire(host);
      let r;
      try {
        r = await exchange(url, {
          dispatcher: this.dispatcher,
          headers: this.headers,
          maxBytes: this.s.maxBytes,
          // robots.txt is read whatever its type
          contentTypes: robots ? undefined : this.s.contentTypes,
          headersTimeoutMs: this.s.headersTimeoutMs,
          bodyTimeoutMs: this.s.bodyTimeoutMs,
          totalTimeoutMs: this.s.totalTimeoutMs,
          signal: this.signal,
        });
      } finally {
        release();
      }
      this.stats.count(robots ? 'robots_requests' : 'requests');
      if (r.kind === 'failure') {
        if (r.reason === 'interrupted' || this.signal.aborted) throw interrupted();
        const d = retryDecision(r.retryable, attempt, this.s.retry);
        if (d.retry) {
          this.stats.count('retries');
          await sleep(d.delayMs, this.signal);
          continue;
        }
        return this.failed(url, r.reason, r.detail, attempt);
      }
      const now = Date.now();
      const date = warcDate(now);
      const http = httpBlock(r);
      const ref = this.out.append(responseRecord(url.href, date, http));
      if (RETRYABLE_STATUS.has(r.status)) {
        const retryAfter = parseRetryAfter(r.headers.get('retry-after'), now);
        // the host asked every client to wait, not only this URL
        if (retryAfter !== undefined) this.gate.pause(host, now + Math.min(retryAfter, this.s.retry.maxRetryAfterMs));
        const d = retryDecision(true, attempt, this.s.retry, retryAfter);
        if (d.retry) {
          this.stats.count('retries');
          await sleep(d.delayMs, this.signal);
          continue;
        }
        const detail: Record<string, JsonValue> = { status: r.status, gave_up: d.why };
        if (retryAfter !== undefined) detail['retry_after_seconds'] = Math.round(retryAfter / 1000);
        return this.failed(url, `http_${r.status}`, detail, attempt);
      }
      const location = r.headers.get('location');
      this.index.add(url.href, { kind: 'response', status: r.status, location, date, ref });
      return { kind: 'response', status: r.status, location, date, block: () => http, fromWarc: false };
    }
  }

  private failed(url: URL, reason: string, detail: Record<string, JsonValue>, attempts: number): Hop {
    const date = warcDate(Date.now());
    this.out.append(failureRecord(url.href, date, reason, detail, attempts));
    const hop = { kind: 'failure' as const, reason, detail, attempts, date };
    this.index.add(url.href, hop);
    return { ...hop, fromWarc: false };
  }
}

/** A response record's block, read back from its file (a page recorded by an earlier attempt). */
function recordBlock(ref: MemberRef): Buffer {
  const rec = parseRecord(readMember(ref));
  if (rec === undefined) throw new SluiceError('SLUICE_INTERNAL', `${ref.path}: the record at ${ref.offset} was readable when the task started and is not now`);
  return rec.block;
}

function interrupted(): SluiceError {
  return new SluiceError('SLUICE_INTERRUPTED', 'fetch was interrupted');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(interrupted());
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(interrupted());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

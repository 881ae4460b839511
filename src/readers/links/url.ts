/**
 * One normal form for the URLs of Reddit submissions and of crawled pages, so a link list made
 * by the `reddit_links` reader matches the `WARC-Target-URI` of the same page in Common Crawl
 * (`url_allowlist` of the warc and wet readers), and dedup on it finds the same page posted twice.
 */
import exclusions from './openwebtext-exclusions.json' with { type: 'json' };

/** Query parameters that only track where a click came from: removed. */
const TRACKING = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$/i;

/**
 * The URL in normal form, or undefined when it is not an http(s) URL: Reddit's `&amp;`
 * unescaped, scheme and host lower-cased (the WHATWG parser), user info, fragment, default port,
 * trailing dot of the host and tracking parameters removed, an empty path made `/`.
 */
export function normalizeUrl(raw: string): string | undefined {
  const s = raw.trim().replace(/&amp;/g, '&');
  if (!/^https?:\/\//i.test(s)) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (u.hostname === '') return undefined;
  u.username = '';
  u.password = '';
  u.hash = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.slice(0, -1);
  if (u.search !== '') {
    const drop = [...u.searchParams.keys()].filter((k) => TRACKING.test(k));
    // re-serialising the query changes its encoding: only when a parameter goes
    if (drop.length > 0) for (const k of drop) u.searchParams.delete(k);
  }
  return u.href;
}

/**
 * What two URLs of the same page share: the normal form without the scheme, a leading `www.` or a
 * lone trailing `/` (http and https, with and without www, are one page for matching and dedup).
 */
export function urlKey(normalized: string): string {
  return normalized.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, '');
}

/** The key of any URL string, or undefined when it is not an http(s) URL. */
export function keyOf(raw: string): string | undefined {
  const n = normalizeUrl(raw);
  return n === undefined ? undefined : urlKey(n);
}

export interface Exclusions {
  domains: ReadonlySet<string>;
  extensions: readonly string[];
}

/** OpenWebText's exclusions (openwebtext-exclusions.json) when `builtin`, plus the caller's. */
export function urlExclusions(builtin: boolean, extraDomains: readonly string[] = [], extraExtensions: readonly string[] = []): Exclusions {
  const domains = builtin ? [...exclusions.domains, ...extraDomains] : extraDomains;
  const extensions = builtin ? [...exclusions.extensions, ...extraExtensions] : extraExtensions;
  return {
    domains: new Set(domains.map((d) => d.toLowerCase().replace(/^\.+|\.+$/g, ''))),
    extensions: extensions.map((e) => (e.startsWith('.') ? e : `.${e}`).toLowerCase()),
  };
}

/** Why a normalized URL is excluded (`excluded_domain` with the listed domain, `excluded_extension`), or undefined. */
export function exclusionOf(normalized: string, ex: Exclusions): { reason: string; detail: Record<string, string> } | undefined {
  const u = new URL(normalized);
  const labels = u.hostname.split('.');
  // the host and every parent domain: a listed domain excludes its subdomains
  for (let i = 0; i < labels.length - 1; i++) {
    const d = labels.slice(i).join('.');
    if (ex.domains.has(d)) return { reason: 'excluded_domain', detail: { domain: d } };
  }
  const path = u.pathname.toLowerCase();
  for (const e of ex.extensions) if (path.endsWith(e)) return { reason: 'excluded_extension', detail: { extension: e } };
  return undefined;
}

/**
 * One normal form for the URLs of Reddit submissions and of crawled pages, so a link list made
 * by the `reddit_links` reader matches the `WARC-Target-URI` of the same page in Common Crawl
 * (`url_allowlist` of the warc and wet readers), and dedup on it finds the same page posted twice.
 */
import exclusions from './openwebtext-exclusions.json' with { type: 'json' };

/** Query parameters that only track where a click came from: removed. */
const TRACKING = /^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid)$/i;

/** A URL in normal form with the parts the exclusions look at. */
export interface NormalUrl {
  href: string;
  hostname: string;
  pathname: string;
}

const HAS_TRACKING = /[?&](utm_|fbclid=|gclid=|mc_cid=|mc_eid=)/i;

/**
 * The URL in normal form, or undefined when it is not an http(s) URL: Reddit's `&amp;`
 * unescaped, scheme and host lower-cased (the WHATWG parser), user info, fragment, default port,
 * trailing dot of the host and tracking parameters removed, an empty path made `/`. One parse.
 */
export function parseUrl(raw: string): NormalUrl | undefined {
  let s = raw.trim();
  if (s.includes('&amp;')) s = s.replace(/&amp;/g, '&');
  if (!/^https?:\/\//i.test(s)) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (u.hostname === '') return undefined;
  if (u.username !== '' || u.password !== '') {
    u.username = '';
    u.password = '';
  }
  if (u.hash !== '') u.hash = '';
  if (u.hostname.endsWith('.')) u.hostname = u.hostname.slice(0, -1);
  // re-serialising the query changes its encoding: only when a tracking parameter is there
  if (HAS_TRACKING.test(u.search)) {
    for (const k of [...u.searchParams.keys()]) if (TRACKING.test(k)) u.searchParams.delete(k);
  }
  return { href: u.href, hostname: u.hostname, pathname: u.pathname };
}

/** parseUrl's normal form as a string. */
export function normalizeUrl(raw: string): string | undefined {
  return parseUrl(raw)?.href;
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

/** The listed domain that `hostname` is or is under, without allocating per label. */
export function excludedDomain(hostname: string, ex: Exclusions): string | undefined {
  for (let at = 0; at >= 0 && at < hostname.length;) {
    const d = at === 0 ? hostname : hostname.slice(at);
    if (d.includes('.') && ex.domains.has(d)) return d;
    const dot = hostname.indexOf('.', at);
    at = dot < 0 ? -1 : dot + 1;
  }
  return undefined;
}

/** Why a normalized URL is excluded (`excluded_domain` with the listed domain, `excluded_extension`), or undefined. */
export function exclusionOf(u: NormalUrl, ex: Exclusions): { reason: string; detail: Record<string, string> } | undefined {
  // a listed domain excludes its subdomains
  const domain = excludedDomain(u.hostname, ex);
  if (domain !== undefined) return { reason: 'excluded_domain', detail: { domain } };
  const path = u.pathname;
  // only a path whose last segment has a dot can end in a listed extension
  if (path.lastIndexOf('.') > path.lastIndexOf('/')) {
    const lower = path.toLowerCase();
    for (const e of ex.extensions) if (lower.endsWith(e)) return { reason: 'excluded_extension', detail: { extension: e } };
  }
  return undefined;
}

/** The host of an http(s) URL without user info or port, lower-cased, read without parsing the URL; undefined when unsure. */
export function quickHost(raw: string): string | undefined {
  const m = /^\s*https?:\/\/([^/?#@:\s\\]+)(?=[/?#:]|\s*$)/i.exec(raw);
  return m === null ? undefined : m[1]!.toLowerCase();
}

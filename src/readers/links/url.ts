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
 * trailing dot of the host and tracking parameters removed, an empty path made `/`. One parse:
 * the common plain URL is normalized by `plainUrl` without the WHATWG parser (which gives the
 * same result, checked against it in tests/readers/reddit-links.test.ts), anything else by
 * `whatwgUrl`.
 */
export function parseUrl(raw: string): NormalUrl | undefined {
  const s = httpText(raw);
  return s === undefined ? undefined : (plainUrl(s) ?? whatwgUrl(s));
}

/** parseUrl's result when the URL is a plain one (`plainUrl`), else undefined: it may still be an http(s) URL. */
export function parsePlainUrl(raw: string): NormalUrl | undefined {
  const s = httpText(raw);
  return s === undefined ? undefined : plainUrl(s);
}

/** The text parseUrl parses: trimmed, `&amp;` unescaped; undefined when it does not start with `http(s)://`. */
function httpText(raw: string): string | undefined {
  let s = raw.trim();
  if (s.includes('&amp;')) s = s.replaceAll('&amp;', '&');
  return /^https?:\/\//i.test(s) ? s : undefined;
}

/** parseUrl through the WHATWG parser alone, for any `http(s)://` string (`&amp;` already unescaped). */
export function whatwgUrl(s: string): NormalUrl | undefined {
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

/**
 * Characters that the WHATWG serializer leaves as they are in a path and in a special URL's
 * query, conservatively: printable ASCII without space, `"` `#` `'` `<` `>` `\` `^` `` ` `` `{`
 * `|` `}` (percent-encoded, or a separator, in one of the two).
 */
const PLAIN = new Uint8Array(128);
for (let c = 0x21; c < 0x7f; c++) PLAIN[c] = 1;
for (const c of '"#\'<>\\^`{|}') PLAIN[c.charCodeAt(0)] = 0;

/** Characters that URLSearchParams decodes and re-encodes as they were (`+` is a space both ways). */
const FORM_PLAIN = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789*._+-') FORM_PLAIN[c.charCodeAt(0)] = 1;

/**
 * The query `s[start, end)` (after its `?`) as parseUrl leaves it: `?query` unchanged when no
 * pair's name is a tracking parameter, else what URLSearchParams serialises without them (`a`
 * becomes `a=`, empty pairs go, `''` when none is left). Undefined when a pair has characters
 * it would re-encode (anything outside FORM_PLAIN but one `=`).
 */
function withoutTracking(s: string, start: number, end: number): string | undefined {
  let kept = '';
  let removed = false;
  for (let a = start; a <= end;) {
    let b = s.indexOf('&', a);
    if (b < 0 || b > end) b = end;
    if (b > a) {
      let eq = -1;
      for (let j = a; j < b; j++) {
        const c = s.charCodeAt(j);
        if (c === 0x3d /* = */ && eq < 0) eq = j;
        else if (c >= 0x80 || FORM_PLAIN[c] === 0) return undefined;
      }
      const name = s.slice(a, eq < 0 ? b : eq);
      if (TRACKING.test(name)) removed = true;
      else {
        const pair = eq < 0 ? `${name}=` : s.slice(a, b);
        kept = kept === '' ? pair : `${kept}&${pair}`;
      }
    }
    a = b + 1;
  }
  if (!removed) return s.slice(start - 1, end);
  return kept === '' ? '' : `?${kept}`;
}

function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}

/**
 * parseUrl's normal form, computed without the WHATWG parser, of a plain URL (`s` starts with
 * `http://` or `https://`, any case): an ASCII host of letters, digits, `-` and `.` (no empty
 * label, no trailing dot, no `xn--` label, a last label starting with a letter, so never an IPv4
 * address), then `/`, `?`, `#` or the end (no user info, no port); a path and query of PLAIN
 * characters without `.` or `%2e` segments; a fragment of printable ASCII. Undefined for any
 * other URL: the WHATWG parser decides those. Where the result differs from the input is only
 * what the parser would change here: the scheme and host lower-cased, an empty path made `/`,
 * the fragment dropped (an empty one is kept as the parser keeps it), and tracking parameters
 * removed as URLSearchParams does (pairs of FORM_PLAIN characters, which it re-encodes as they
 * were; `a` without `=` becomes `a=`, empty pairs go).
 */
export function plainUrl(s: string): NormalUrl | undefined {
  const https = s.charCodeAt(4) !== 0x3a; /* : */
  const hostStart = https ? 8 : 7;
  const n = s.length;
  let i = hostStart;
  let upper = false;
  let labelStart = hostStart;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2e /* . */) {
      if (i === labelStart) return undefined;
      labelStart = i + 1;
    } else if ((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d) {
      if (i === labelStart + 3 && c === 0x2d && s.charCodeAt(i - 1) === 0x2d && (s.charCodeAt(i - 3) | 0x20) === 0x78 && (s.charCodeAt(i - 2) | 0x20) === 0x6e) return undefined;
    } else if (c >= 0x41 && c <= 0x5a) {
      upper = true;
    } else break;
  }
  // the host ends the authority: anything else there (user info, a port, a backslash) is the parser's
  if (labelStart >= i || !isLetter(s.charCodeAt(labelStart))) return undefined;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c !== 0x2f /* / */ && c !== 0x3f /* ? */ && c !== 0x23 /* # */) return undefined;
  }
  const hostEnd = i;
  let query = -1;
  let hash = -1;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x23) {
      hash = i;
      break;
    }
    if (c === 0x3f) {
      if (query < 0) query = i;
      continue;
    }
    if (c >= 0x80 || PLAIN[c] === 0) return undefined;
    if (query < 0) {
      // single- and double-dot segments are resolved by the parser
      if (c === 0x2e && s.charCodeAt(i - 1) === 0x2f) return undefined;
      if (c === 0x25 /* % */ && s.charCodeAt(i + 1) === 0x32 && (s.charCodeAt(i + 2) | 0x20) === 0x65) return undefined;
    }
  }
  let keepHash = false;
  if (hash >= 0) {
    for (let j = hash + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c < 0x21 || c > 0x7e) return undefined;
    }
    keepHash = hash + 1 === n;
  }
  const end = hash < 0 ? n : hash;
  const pathEnd = query < 0 ? end : query;
  const host = upper ? s.slice(hostStart, hostEnd).toLowerCase() : s.slice(hostStart, hostEnd);
  const pathname = pathEnd === hostEnd ? '/' : s.slice(hostEnd, pathEnd);
  let search = query < 0 ? '' : s.slice(query, end);
  if (search.length > 1 && HAS_TRACKING.test(search)) {
    const q = withoutTracking(s, query + 1, end);
    if (q === undefined) return undefined;
    search = q;
  }
  const href = `${https ? 'https' : 'http'}://${host}${pathname}${search}${keepHash ? '#' : ''}`;
  return { href, hostname: host, pathname };
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
  // what normalized.replace(/^https?:\/\/(www\.)?/, '').replace(/\/$/, '') gives, without two regex passes
  let start = normalized.startsWith('http://') ? 7 : normalized.startsWith('https://') ? 8 : 0;
  if (start > 0 && normalized.startsWith('www.', start)) start += 4;
  let end = normalized.length;
  if (end > start && normalized.charCodeAt(end - 1) === 0x2f) end--;
  return start === 0 && end === normalized.length ? normalized : normalized.slice(start, end);
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
  return extensionExclusion(u.pathname, ex);
}

/** exclusionOf for the path alone: `excluded_extension` when it ends in a listed extension. */
export function extensionExclusion(path: string, ex: Exclusions): { reason: string; detail: Record<string, string> } | undefined {
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

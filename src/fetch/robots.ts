/**
 * robots.txt as RFC 9309 (and Google) read it: groups start with one or more `user-agent` lines;
 * the crawler obeys the group whose user-agent is its product token (case-insensitive; several
 * such groups are merged), else the `*` group, else nothing. Within the group, the rule with the
 * longest pattern that matches the path (and query) decides, `allow` winning a tie; `*` matches
 * any run of characters and a final `$` anchors the end. `/robots.txt` itself is always allowed.
 * Only the first 500 KiB are read (Google's limit); unknown lines are ignored.
 */

export interface RobotsRule {
  allow: boolean;
  /** The pattern as written (normalised); its length orders the rules. */
  pattern: string;
  regex: RegExp;
}

export interface Robots {
  /** Rules of the group that applies to this crawler (empty: everything allowed). */
  rules: readonly RobotsRule[];
  /** `crawl-delay` of that group in seconds, when it states one (reported, not applied). */
  crawlDelay: number | undefined;
}

export const ROBOTS_MAX_BYTES = 500 * 1024;

/** Everything allowed: what a robots.txt answered with 4xx means. */
export const ALLOW_ALL: Robots = { rules: [], crawlDelay: undefined };
/** Nothing allowed: a robots.txt that could not be fetched (5xx, unreachable) means this. */
export const DISALLOW_ALL: Robots = { rules: [{ allow: false, pattern: '/', regex: /^\// }], crawlDelay: undefined };

/** The product token of a User-Agent header: `sluice` of `sluice/1.0 (+https://...)`. */
export function productToken(userAgent: string): string {
  return (/^[A-Za-z_-]+/.exec(userAgent.trim())?.[0] ?? userAgent.trim()).toLowerCase();
}

interface Group {
  agents: string[];
  rules: RobotsRule[];
  crawlDelay: number | undefined;
}

/** Parses a robots.txt body and keeps the group that applies to `token` (a product token, lower case). */
export function parseRobots(body: string, token: string): Robots {
  const groups: Group[] = [];
  let current: Group | undefined;
  let inAgents = false;
  const text = body.length > ROBOTS_MAX_BYTES ? body.slice(0, ROBOTS_MAX_BYTES) : body;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.replace(/#.*$/, '').trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const field = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (field === 'user-agent' || field === 'useragent' || field === 'user agent') {
      if (!inAgents || current === undefined) {
        current = { agents: [], rules: [], crawlDelay: undefined };
        groups.push(current);
        inAgents = true;
      }
      current.agents.push(value.toLowerCase());
      continue;
    }
    inAgents = false;
    // rules before any user-agent line belong to no group (RFC 9309 2.1)
    if (current === undefined) continue;
    if (field === 'allow' || field === 'disallow') {
      // an empty disallow allows everything: it adds no rule
      if (value === '') continue;
      const pattern = normalisePattern(value);
      current.rules.push({ allow: field === 'allow', pattern, regex: patternRegex(pattern) });
    } else if (field === 'crawl-delay') {
      const n = Number(value);
      if (Number.isFinite(n) && n >= 0) current.crawlDelay = n;
    }
  }
  const named = groups.filter((g) => g.agents.some((a) => agentMatches(a, token)));
  const chosen = named.length > 0 ? named : groups.filter((g) => g.agents.includes('*'));
  if (chosen.length === 0) return ALLOW_ALL;
  return { rules: chosen.flatMap((g) => g.rules), crawlDelay: chosen.find((g) => g.crawlDelay !== undefined)?.crawlDelay };
}

/** `Googlebot/2.1` in a user-agent line names the product token `googlebot`. */
function agentMatches(line: string, token: string): boolean {
  if (line === '*') return false;
  const name = /^[a-z_-]+/.exec(line)?.[0] ?? line;
  return name === token;
}

/** Whether `path` (path and query of the URL, percent-encoded as the WHATWG parser writes it) may be fetched. */
export function isAllowed(robots: Robots, path: string): boolean {
  return path === '/robots.txt' || (decidingRule(robots, path)?.allow ?? true);
}

/** The rule that decides `path`: the longest matching pattern, `allow` winning a tie; undefined when none matches. */
export function decidingRule(robots: Robots, path: string): RobotsRule | undefined {
  let best: RobotsRule | undefined;
  for (const rule of robots.rules) {
    if (!rule.regex.test(path)) continue;
    if (best === undefined || rule.pattern.length > best.pattern.length || (rule.pattern.length === best.pattern.length && rule.allow && !best.allow)) best = rule;
  }
  return best;
}

/**
 * Patterns are compared with paths as the URL parser encodes them: characters outside ASCII are
 * percent-encoded (UTF-8) and escapes are upper-cased, so `/caf%c3%a9` and `/café` are one path.
 */
function normalisePattern(p: string): string {
  let out = '';
  for (const ch of p) {
    const code = ch.codePointAt(0)!;
    out += code > 0x7e || code < 0x21 ? encodeURIComponent(ch) : ch;
  }
  const withPath = out.startsWith('/') || out.startsWith('*') ? out : `/${out}`;
  return withPath.replace(/%[0-9a-f]{2}/gi, (m) => m.toUpperCase());
}

function patternRegex(pattern: string): RegExp {
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  const source = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}${anchored ? '$' : ''}`);
}

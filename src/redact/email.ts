/**
 * Email addresses, found from each `@` (or `%40`, its URL encoding in tracking links and
 * mailto: URLs): the local part is read leftwards and the domain
 * rightwards, both bounded (64 and 253 characters), so hostile runs such as `a@a.a.a@...`
 * cost O(1) per `@`. Not emails: `https://user@host` (URL userinfo), `git@github.com:org/repo`
 * (scp-style SSH targets), `icon@2x.png` (file names), `pkg@1.2.3` (numeric "TLDs").
 */
import { CLASS, DOMAIN, LOCAL, isNonAsciiWord } from './chars.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;

/** File extensions that look like TLDs after an `@` (retina assets, scoped packages); none is a delegated TLD. */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
const NOT_TLDS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'tif', 'tiff', 'avif',
  'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'css', 'scss', 'sass', 'less', 'map', 'json', 'yaml', 'yml', 'toml',
  'xml', 'txt', 'html', 'htm', 'php', 'lock', 'wasm', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'wav', 'ogg',
  'webm', 'pdf', 'cfg', 'ini', 'conf', 'vue', 'svelte', 'min',
]);

/** Fake mode writes user.<6 hex>@example.{com,org,net}: reserved domains, skipped on a second pass. */
const FAKE_LOCAL = /^user\.[0-9a-f]{6}$/;
const EXAMPLE_DOMAINS = new Set(['example.com', 'example.org', 'example.net']);

/** Local-part characters: ASCII alnum . _ % + - and non-ASCII letters (josé@...), never a surrogate. */
function isLocal(c: number): boolean {
  return c < 128 ? (CLASS[c]! & LOCAL) !== 0 : isNonAsciiWord(c);
}

/** Domain characters: ASCII alnum . - and non-ASCII letters of internationalised labels (münchen.de). */
function isDomain(c: number): boolean {
  return c < 128 ? (CLASS[c]! & DOMAIN) !== 0 : isNonAsciiWord(c);
}

function validDomain(text: string, start: number, end: number): boolean {
  let labels = 0;
  let labelStart = start;
  for (let p = start; p <= end; p++) {
    if (p === end || text.charCodeAt(p) === 46) {
      const len = p - labelStart;
      if (len === 0 || len > 63) return false;
      if (text.charCodeAt(labelStart) === 45 || text.charCodeAt(p - 1) === 45) return false;
      labels++;
      if (p === end) {
        const tld = text.slice(labelStart, end).toLowerCase();
        if (tld.startsWith('xn--')) return labels >= 2;
        if (!/^[a-z]{2,24}$/.test(tld) || NOT_TLDS.has(tld)) return false;
      }
      labelStart = p + 1;
    }
  }
  return labels >= 2;
}

/**
 * The email around the `@` at `at`, if any. Pushes its span (unless it is a fake from a reserved
 * domain) and returns where scanning resumes; -1 if there is no email here.
 */
export function matchEmail(text: string, at: number, out: Span[], atLength = 1): number {
  let s = at;
  while (s > 0 && at - s <= MAX_LOCAL && isLocal(text.charCodeAt(s - 1))) s--;
  if (at - s > MAX_LOCAL) return -1;
  while (s < at && text.charCodeAt(s) === 46) s++;
  if (s === at || text.charCodeAt(at - 1) === 46) return -1;
  // https://user@host: a user name in a URL, not a mailbox
  if (s >= 2 && text.charCodeAt(s - 1) === 47 && text.charCodeAt(s - 2) === 47) return -1;
  const n = text.length;
  const domainStart = at + atLength;
  let e = domainStart;
  while (e < n && e - domainStart <= MAX_DOMAIN && isDomain(text.charCodeAt(e))) e++;
  if (e - domainStart > MAX_DOMAIN) return -1;
  while (e > domainStart && (text.charCodeAt(e - 1) === 46 || text.charCodeAt(e - 1) === 45)) e--;
  if (!validDomain(text, domainStart, e)) return -1;
  // git@github.com:org/repo.git
  if (e < n && text.charCodeAt(e) === 58) {
    const c = text.charCodeAt(e + 1);
    if (c < 128 && ((CLASS[c]! & (LOCAL | DOMAIN)) !== 0 || c === 47 || c === 126)) return -1;
  }
  if (EXAMPLE_DOMAINS.has(text.slice(domainStart, e).toLowerCase()) && FAKE_LOCAL.test(text.slice(s, at))) return e;
  out.push({ start: s, end: e, kind: 'email', detector: 'email' });
  return e;
}

const FAKE_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

export function fakeEmail(_value: string, rng: Prng): string {
  return `user.${rng.int(0, 0xffffff).toString(16).padStart(6, '0')}@${rng.pick(FAKE_DOMAINS)}`;
}

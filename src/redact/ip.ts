/**
 * IPv4 and IPv6 addresses. By default only public addresses are redacted: private, loopback,
 * link-local, CGNAT, multicast and reserved ranges stay, as people write them in tutorials.
 * The documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32,
 * 3fff::/20) always stay: fake mode draws from them.
 */
import { isAlnumAt, isDigitCode, isHexAt, isWordAt, isWordCode } from './chars.js';
import type { DigitGroups } from './digit-groups.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

function isDocumentationV4(a: number, b: number, c: number): boolean {
  return (a === 192 && b === 0 && c === 2) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113);
}

/** Globally routable unicast (RFC 6890 special-purpose ranges excluded). */
function isPublicV4(a: number, b: number, c: number): boolean {
  if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
  if (a === 100 && b >= 64 && b <= 127) return false;
  if (a === 169 && b === 254) return false;
  if (a === 172 && b >= 16 && b <= 31) return false;
  if (a === 192 && b === 168) return false;
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return false;
  if (a === 198 && (b === 18 || b === 19)) return false;
  return !isDocumentationV4(a, b, c);
}

/** Words after which a dotted quad is a version or a section number, not an address. */
const VERSION_CONTEXT = /(?:^|[^a-z])(?:v|ver|version|release|build|firmware|rev|revision|sections?|chapters?|clauses?|rules?|steps?|tables?|figures?|fig|oid|§)\s*[.:#=]?\s*[[(`"']?$/;

/**
 * Dotted quads whose octets are all below 25 (4.2.6.1, 1.2.3.4, 19.2.3.1) are, in real text,
 * almost always section or version numbers; the addresses among them are mostly well-known
 * infrastructure (1.1.1.1, 8.8.8.8), not a person's address. Skipping them costs under 0.1% of
 * any /8's addresses.
 */
function allSmallOctets(a: number, b: number, c: number, d: number): boolean {
  return a < 25 && b < 25 && c < 25 && d < 25;
}

function octet(text: string, g: DigitGroups, k: number): number {
  const len = g.len(k);
  if (len > 3 || (len > 1 && text.charCodeAt(g.start[k]!) === 48)) return -1;
  const v = g.value(text, k);
  return v <= 255 ? v : -1;
}

function ipv4LeftOk(text: string, start: number): boolean {
  if (start === 0) return true;
  const p = text.charCodeAt(start - 1);
  if (isWordCode(p)) return false;
  if (p === 46 || p === 45) return !isAlnumAt(text, start - 2);
  // "Chrome/120.0.1.2" is a product version; "http://1.2.3.4" is an address
  if (p === 47) return !isWordAt(text, start - 2);
  return true;
}

function ipv4RightOk(text: string, end: number): boolean {
  if (end >= text.length) return true;
  const c = text.charCodeAt(end);
  if (isWordCode(c)) return false;
  if (c === 46) return !isAlnumAt(text, end + 1);
  // 1.2.3.4-beta, 1.2.3.4+build
  if (c === 45 || c === 43) {
    const d = text.charCodeAt(end + 1);
    return !((d >= 65 && d <= 90) || (d >= 97 && d <= 122));
  }
  return true;
}

/** A dotted quad at the digit groups read from `start`. */
export function matchIpv4(text: string, start: number, g: DigitGroups, publicOnly: boolean, out: Span[]): number {
  if (g.count < 4) return -1;
  for (let k = 0; k < 3; k++) if (g.sepChar(text, k) !== 46) return -1;
  const a = octet(text, g, 0);
  const b = octet(text, g, 1);
  const c = octet(text, g, 2);
  const d = octet(text, g, 3);
  if (a < 0 || b < 0 || c < 0 || d < 0) return -1;
  const end = g.end[3]!;
  if (!ipv4LeftOk(text, start) || !ipv4RightOk(text, end)) return -1;
  if (isDocumentationV4(a, b, c)) return end;
  if (publicOnly && !isPublicV4(a, b, c)) return end;
  if (allSmallOctets(a, b, c, d)) return end;
  if (VERSION_CONTEXT.test(text.slice(Math.max(0, start - 16), start).toLowerCase())) return end;
  out.push({ start, end, kind: 'ip', detector: 'ipv4' });
  return end;
}

function hexValue(c: number): number {
  if (c <= 57) return c - 48;
  return (c | 0x20) - 87;
}

/** Reads a strict dotted quad at `i` (the tail of ::ffff:1.2.3.4); returns its end or -1. */
function dottedQuadEnd(text: string, i: number): number {
  let p = i;
  for (let part = 0; part < 4; part++) {
    if (part > 0) {
      if (text.charCodeAt(p) !== 46) return -1;
      p++;
    }
    const s = p;
    let v = 0;
    while (p - s < 4 && p < text.length && text.charCodeAt(p) >= 48 && text.charCodeAt(p) <= 57) v = v * 10 + text.charCodeAt(p++) - 48;
    const len = p - s;
    if (len === 0 || len > 3 || v > 255 || (len > 1 && text.charCodeAt(s) === 48)) return -1;
  }
  return p;
}

/**
 * Quick test for the scanner: could an IPv6 address start at `i`? (1-4 hex digits then a colon,
 * or `::`.) With `publicOnly`, global unicast starts with four hex digits 2000-3fff.
 */
export function ipv6Candidate(text: string, i: number, publicOnly: boolean): boolean {
  const c = text.charCodeAt(i);
  if (c === 58) return !publicOnly && text.charCodeAt(i + 1) === 58;
  let p = i;
  while (p - i < 5 && isHexAt(text, p)) p++;
  const len = p - i;
  if (len === 0 || len > 4 || text.charCodeAt(p) !== 58) return false;
  return !publicOnly || (len === 4 && (c === 50 || c === 51));
}

/**
 * An IPv6 address at `i` (full, compressed with one `::`, or with an IPv4 tail). Bounded: reads
 * at most 8 groups. Returns the end of the address, or -1.
 */
export function matchIpv6(text: string, i: number, publicOnly: boolean, out: Span[]): number {
  if (i > 0) {
    const p = text.charCodeAt(i - 1);
    if (isWordCode(p) || p === 58 || p === 46) return -1;
  }
  let p = i;
  let groups = 0;
  let compressedAt = -1;
  let first = 0;
  let second = 0;
  let digits = 0;
  if (text.charCodeAt(p) === 58) {
    if (text.charCodeAt(p + 1) !== 58) return -1;
    compressedAt = 0;
    p += 2;
  }
  while (groups < 8) {
    const s = p;
    let v = 0;
    while (p - s < 5 && isHexAt(text, p)) {
      const c = text.charCodeAt(p);
      if (c <= 57) digits++;
      v = v * 16 + hexValue(c);
      p++;
    }
    const len = p - s;
    if (len === 0) break;
    if (len > 4) return -1;
    if (text.charCodeAt(p) === 46 && isDigitCode(text.charCodeAt(p + 1))) {
      // an IPv4 tail (::ffff:192.0.2.1)
      const q = dottedQuadEnd(text, s);
      if (q < 0 || groups > 6) return -1;
      groups += 2;
      p = q;
      break;
    }
    if (groups === 0) first = v;
    else if (groups === 1) second = v;
    groups++;
    if (text.charCodeAt(p) !== 58) break;
    if (text.charCodeAt(p + 1) === 58) {
      if (compressedAt >= 0) return -1;
      compressedAt = groups;
      p += 2;
      continue;
    }
    if (!isHexAt(text, p + 1)) break;
    p++;
  }
  if (compressedAt < 0 ? groups !== 8 : groups > 7) return -1;
  if (groups < 2 && compressedAt !== 0) return -1;
  if (digits === 0) return -1; // C++ scopes such as `bad::cafe`
  const end = p;
  if (end < text.length) {
    const c = text.charCodeAt(end);
    if (isWordCode(c) || (c === 46 && isAlnumAt(text, end + 1)) || (c === 58 && isHexAt(text, end + 1))) return -1;
  }
  if (compressedAt === 0) first = 0;
  if (compressedAt === 0 || compressedAt === 1) second = 0;
  const documentation = (first === 0x2001 && second === 0x0db8) || (first === 0x3fff && second < 0x1000);
  const global = first >= 0x2000 && first <= 0x3fff;
  if (!documentation && (global || !publicOnly)) out.push({ start: i, end, kind: 'ip', detector: 'ipv6' });
  return end;
}

const DOC_V4 = ['192.0.2.', '198.51.100.', '203.0.113.'] as const;

/** An address from the documentation ranges, of the same family as `value`. */
export function fakeIp(value: string, rng: Prng): string {
  if (value.includes(':')) {
    const hex = (): string => rng.int(1, 0xffff).toString(16);
    return `2001:db8::${hex()}:${hex()}`;
  }
  return rng.pick(DOC_V4) + String(rng.int(1, 254));
}

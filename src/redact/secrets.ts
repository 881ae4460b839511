/**
 * Credentials with a recognisable shape: vendor-prefixed tokens (AWS, GitHub, GitLab, Slack,
 * Stripe, Google, OpenAI-style, npm, Hugging Face, PyPI, SendGrid), Slack webhooks, JWTs, PEM
 * private key blocks and passwords in URLs. Values assigned to secret-looking names are in
 * secret-assign.ts. Every matcher is anchored at a position and reads a bounded run.
 */
import { isWordCode } from './chars.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

type CharSet = Uint8Array;

function charSet(alphabet: string): CharSet {
  const set = new Uint8Array(128);
  for (const ch of alphabet) set[ch.charCodeAt(0)] = 1;
  return set;
}

const UPPER_DIGIT_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const ALNUM_CHARS = UPPER_DIGIT_CHARS + 'abcdefghijklmnopqrstuvwxyz';
const UPPER_DIGIT = charSet(UPPER_DIGIT_CHARS);
const ALNUM = charSet(ALNUM_CHARS);
const ALNUM_UNDERSCORE = charSet(ALNUM_CHARS + '_');
const ALNUM_DASH = charSet(ALNUM_CHARS + '-');
const URLSAFE = charSet(ALNUM_CHARS + '-_');
const URLSAFE_DOT = charSet(ALNUM_CHARS + '-_.');
const WEBHOOK_PATH = charSet(ALNUM_CHARS + '/');

function inSet(set: CharSet, c: number): boolean {
  return c < 128 && set[c] === 1;
}

interface TokenRule {
  readonly detector: string;
  readonly prefixes: readonly string[];
  readonly body: CharSet;
  readonly min: number;
  readonly max: number;
  /** Body must mix upper case, lower case and digits (generic prefixes such as `sk-`). */
  readonly mixed?: boolean;
}

const TOKEN_RULES: readonly TokenRule[] = [
  { detector: 'aws_access_key_id', prefixes: ['AKIA', 'ASIA', 'ABIA', 'ACCA'], body: UPPER_DIGIT, min: 16, max: 16 },
  { detector: 'google_api_key', prefixes: ['AIza'], body: URLSAFE, min: 35, max: 35 },
  { detector: 'github_token', prefixes: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'], body: ALNUM, min: 36, max: 251 },
  { detector: 'github_token', prefixes: ['github_pat_'], body: ALNUM_UNDERSCORE, min: 22, max: 250 },
  { detector: 'gitlab_token', prefixes: ['glpat-', 'gldt-', 'glrt-', 'glptt-', 'glcbt-', 'glimt-', 'glsoat-', 'glffct-', 'gloas-'], body: URLSAFE_DOT, min: 20, max: 300 },
  { detector: 'slack_token', prefixes: ['xoxe.xoxp-', 'xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxe-'], body: ALNUM_DASH, min: 20, max: 250 },
  { detector: 'stripe_key', prefixes: ['sk_live_', 'sk_test_', 'rk_live_', 'rk_test_', 'whsec_'], body: ALNUM, min: 16, max: 247 },
  { detector: 'openai_key', prefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-', 'sk-ant-', 'sk-'], body: URLSAFE, min: 32, max: 300, mixed: true },
  { detector: 'npm_token', prefixes: ['npm_'], body: ALNUM, min: 36, max: 36 },
  { detector: 'huggingface_token', prefixes: ['hf_'], body: ALNUM, min: 30, max: 40, mixed: true },
  { detector: 'pypi_token', prefixes: ['pypi-'], body: URLSAFE, min: 50, max: 300 },
  { detector: 'sendgrid_key', prefixes: ['SG.'], body: URLSAFE_DOT, min: 60, max: 80 },
];

/** Rules by the first character of their prefixes, for the scanner's dispatch. */
const RULES_BY_FIRST = new Map<number, TokenRule[]>();
for (const rule of TOKEN_RULES) {
  for (const prefix of rule.prefixes) {
    const first = prefix.charCodeAt(0);
    const list = RULES_BY_FIRST.get(first) ?? [];
    if (!list.includes(rule)) list.push(rule);
    RULES_BY_FIRST.set(first, list);
  }
}

/** First characters at which a prefixed secret, a JWT or a Slack webhook can start. */
export const SECRET_START_CHARS: readonly number[] = [...RULES_BY_FIRST.keys(), 'e'.charCodeAt(0), 'h'.charCodeAt(0)];

/** Valid first-two-character pairs of every prefix, so most words are dismissed with one lookup. */
const PREFIX_PAIRS = new Uint8Array(128 * 128);
for (const prefix of [...TOKEN_RULES.flatMap((r) => r.prefixes), 'eyJ', 'hooks.']) {
  PREFIX_PAIRS[prefix.charCodeAt(0) * 128 + prefix.charCodeAt(1)] = 1;
}

/** Whether a prefixed secret, JWT or webhook could start at `i` (first two characters). */
export function secretPrefixPossible(text: string, i: number): boolean {
  const b = text.charCodeAt(i + 1);
  return b < 128 && PREFIX_PAIRS[text.charCodeAt(i) * 128 + b] === 1;
}

/** printf and Windows-style references: %s, %(password)s, %DB_PASSWORD%. */
const PERCENT_REFERENCE = /^%(?:\(\w+\))?[sd]$|^%\w+%$/;

/** Scratch for looksLikePlaceholder's distinct-character count (ASCII; one bucket for the rest). */
const SEEN = new Uint8Array(129);
const TOUCHED: number[] = [];

/** `needle` inside text[start, end). A bounded scan: indexOf would search to the end of the whole text. */
function contains(text: string, start: number, end: number, needle: string): boolean {
  const first = needle.charCodeAt(0);
  const last = end - needle.length;
  outer: for (let p = start; p <= last; p++) {
    if (text.charCodeAt(p) !== first) continue;
    for (let k = 1; k < needle.length; k++) if (text.charCodeAt(p + k) !== needle.charCodeAt(k)) continue outer;
    return true;
  }
  return false;
}

/**
 * Placeholders, templates and documentation values, which are not credentials: `${VAR}`,
 * `{{ var }}`, `<your-token>`, `xxxxxxxx`, `********`, anything containing EXAMPLE (AWS's
 * documented keys, and what fake mode writes). `minRun`: how long a run of one character makes
 * a placeholder (some real formats carry long runs, such as Twitter's AAAA... bearer tokens).
 */
export function looksLikePlaceholder(text: string, start: number, end: number, minRun = 6): boolean {
  const first = text.charCodeAt(start);
  if (first === 36 /* $ */ || first === 60 /* < */ || first === 123 /* { */) return true;
  if (first === 37 /* % */ && PERCENT_REFERENCE.test(text.slice(start, end))) return true;
  if (contains(text, start, end, 'EXAMPLE') || contains(text, start, end, '${') || contains(text, start, end, '{{')) return true;
  // long runs of one character (xxxxxx, 000000, ******) or too few distinct characters
  let run = 1;
  let distinct = 0;
  let placeholder = false;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    const bucket = c < 128 ? c : 128;
    if (SEEN[bucket] === 0) {
      SEEN[bucket] = 1;
      TOUCHED.push(bucket);
      distinct++;
    }
    run = p > start && c === text.charCodeAt(p - 1) ? run + 1 : 1;
    if (run >= minRun) {
      placeholder = true;
      break;
    }
  }
  for (const b of TOUCHED) SEEN[b] = 0;
  TOUCHED.length = 0;
  return placeholder || distinct < Math.min(6, end - start);
}

function mixedCase(text: string, start: number, end: number): boolean {
  let upper = false;
  let lower = false;
  let digit = false;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else if (c >= 48 && c <= 57) digit = true;
  }
  return upper && lower && digit;
}

function matchRule(text: string, i: number, rule: TokenRule, out: Span[]): number {
  for (const prefix of rule.prefixes) {
    if (!text.startsWith(prefix, i)) continue;
    const bodyStart = i + prefix.length;
    let p = bodyStart;
    const n = text.length;
    while (p < n && p - bodyStart <= rule.max && inSet(rule.body, text.charCodeAt(p))) p++;
    // a trailing dot ends a sentence, not a token
    while (p > bodyStart && text.charCodeAt(p - 1) === 46) p--;
    const len = p - bodyStart;
    if (len < rule.min || len > rule.max) return -1;
    if (p < n && isWordCode(text.charCodeAt(p))) return -1;
    if (rule.mixed === true && !mixedCase(text, bodyStart, p)) return -1;
    if (looksLikePlaceholder(text, bodyStart, p)) return p;
    out.push({ start: i, end: p, kind: 'secret', detector: rule.detector });
    return p;
  }
  return -1;
}

/** The claims segment of the JWT fake mode writes ({"sub":"EXAMPLE"}); tokens carrying it are skipped. */
const FAKE_JWT_PAYLOAD = Buffer.from('{"sub":"EXAMPLE"}').toString('base64url');
const FAKE_JWT = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${FAKE_JWT_PAYLOAD}.EXAMPLE`;

function runEnd(text: string, p: number, set: CharSet, max: number): number {
  const s = p;
  while (p < text.length && p - s <= max && inSet(set, text.charCodeAt(p))) p++;
  return p;
}

/**
 * header.payload.signature, header and payload base64url JSON objects (`eyJ`), signature
 * non-empty. Not followed by `.` and more text (a longer dotted token): that test looks only at
 * whether a non-space follows, so a replacement after the token cannot change the decision.
 */
function matchJwt(text: string, i: number, out: Span[]): number {
  if (!text.startsWith('eyJ', i)) return -1;
  const h = runEnd(text, i, URLSAFE, 4096);
  if (h - i < 10 || text.charCodeAt(h) !== 46 || !text.startsWith('eyJ', h + 1)) return -1;
  const pl = runEnd(text, h + 1, URLSAFE, 16384);
  if (pl - h - 1 < 10 || text.charCodeAt(pl) !== 46) return -1;
  const end = runEnd(text, pl + 1, URLSAFE, 2048);
  if (end === pl + 1) return -1;
  if (end < text.length) {
    const c = text.charCodeAt(end);
    if (isWordCode(c)) return -1;
    const d = text.charCodeAt(end + 1);
    if (c === 46 && end + 1 < text.length && d !== 32 && d !== 10 && d !== 9 && d !== 13) return -1;
  }
  if (text.slice(h + 1, pl) === FAKE_JWT_PAYLOAD) return end;
  out.push({ start: i, end, kind: 'secret', detector: 'jwt' });
  return end;
}

const WEBHOOK_HOST = 'hooks.slack.com/';
const WEBHOOK_KINDS = ['services/', 'workflows/', 'triggers/'] as const;

/** hooks.slack.com/services/T.../B.../...: the path after the kind is the secret. */
function matchSlackWebhook(text: string, i: number, out: Span[]): number {
  if (!text.startsWith(WEBHOOK_HOST, i)) return -1;
  const k = i + WEBHOOK_HOST.length;
  for (const kind of WEBHOOK_KINDS) {
    if (!text.startsWith(kind, k)) continue;
    const s = k + kind.length;
    const end = runEnd(text, s, WEBHOOK_PATH, 160);
    if (end - s < 20 || end - s > 160) return -1;
    if (looksLikePlaceholder(text, s, end)) return end;
    out.push({ start: s, end, kind: 'secret', detector: 'slack_webhook' });
    return end;
  }
  return -1;
}

/** Prefixed tokens, JWTs and Slack webhooks starting at the word start `i`. */
export function matchPrefixedSecret(text: string, i: number, out: Span[]): number {
  const c = text.charCodeAt(i);
  if (c === 101 /* e */) {
    const e = matchJwt(text, i, out);
    if (e > 0) return e;
  } else if (c === 104 /* h */) {
    const e = matchSlackWebhook(text, i, out);
    if (e > 0) return e;
  }
  const rules = RULES_BY_FIRST.get(c);
  if (rules === undefined) return -1;
  for (const rule of rules) {
    const e = matchRule(text, i, rule, out);
    if (e > 0) return e;
  }
  return -1;
}

const PEM_BEGIN = '-----BEGIN ';
const PEM_END = '-----END ';
const PEM_DASHES = '-----';
const MAX_PEM_BODY = 65536;
/** Base64 alphabet, whitespace, literal "\n" escapes (keys inside JSON strings) and armor header lines (Proc-Type: 4,ENCRYPTED; Version: GnuPG v2.0). */
const PEM_BODY = charSet(ALNUM_CHARS + '+/= \t\r\n\\:,-.()');
const BASE64 = charSet(ALNUM_CHARS + '+/=');

function isPemSpace(text: string, p: number): number {
  const c = text.charCodeAt(p);
  if (c === 32 || c === 9 || c === 10 || c === 13) return 1;
  if (c === 92 && (text.charCodeAt(p + 1) === 110 || text.charCodeAt(p + 1) === 114)) return 2;
  return 0;
}

/**
 * `-----BEGIN ... PRIVATE KEY-----` blocks: the body up to `-----END` is the secret (the
 * markers stay, so the text still says a key was there). Needs 64+ base64 characters: a
 * truncated `MIIE...` in documentation is not a key.
 */
export function matchPem(text: string, i: number, out: Span[]): number {
  if (!text.startsWith(PEM_BEGIN, i)) return -1;
  const labelStart = i + PEM_BEGIN.length;
  const found = text.slice(labelStart, labelStart + 48 + PEM_DASHES.length).indexOf(PEM_DASHES);
  if (found < 0) return -1;
  const labelEnd = labelStart + found;
  const label = text.slice(labelStart, labelEnd);
  if (!/^[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?$/.test(label)) return -1;
  const bodyStart = labelEnd + PEM_DASHES.length;
  let p = bodyStart;
  let b64 = 0;
  const limit = Math.min(text.length, bodyStart + MAX_PEM_BODY);
  for (; p < limit; p++) {
    const c = text.charCodeAt(p);
    if (c === 45 && text.startsWith(PEM_DASHES, p)) break;
    if (!inSet(PEM_BODY, c)) return -1;
    if (inSet(BASE64, c)) b64++;
  }
  if (!text.startsWith(PEM_END, p) || b64 < 64) return -1;
  let s = bodyStart;
  let e = p;
  for (let w = isPemSpace(text, s); w > 0 && s < e; w = isPemSpace(text, s)) s += w;
  for (;;) {
    if (e > s && isPemSpace(text, e - 1) === 1) e--;
    else if (e - 1 > s && text.charCodeAt(e - 2) === 92 && (text.charCodeAt(e - 1) === 110 || text.charCodeAt(e - 1) === 114)) e -= 2;
    else break;
  }
  // DER encodings are full of AAAA runs, so only the EXAMPLE marker counts as a placeholder here
  if (text.slice(s, e).includes('EXAMPLE')) return p;
  out.push({ start: s, end: e, kind: 'secret', detector: 'pem_private_key' });
  return p + PEM_END.length;
}

/** Characters of a URL's user and password (RFC 3986 userinfo, percent-encoded or not). */
const USERINFO = charSet(ALNUM_CHARS + "-._~!$&'()*+,;=%");
const MAX_USERINFO = 128;
/** Passwords in tutorials and connection-string templates, not anyone's credential. */
const PLACEHOLDER_PASSWORDS = new Set(['password', 'passwd', 'pass', 'pwd', 'secret', 'mypassword', 'yourpassword', 'changeme', 'pw']);

/**
 * `scheme://user:password@host` with the `@` at `at`: the password is the secret. Returns the
 * password's end (a span was pushed, or it was a placeholder), or -1.
 */
export function matchUrlPassword(text: string, at: number, out: Span[]): number {
  let p = at;
  while (p > 0 && at - p <= MAX_USERINFO && inSet(USERINFO, text.charCodeAt(p - 1))) p--;
  if (p === at || text.charCodeAt(p - 1) !== 58 /* : */) return -1;
  const colon = p - 1;
  let u = colon;
  while (u > 0 && colon - u <= MAX_USERINFO && inSet(USERINFO, text.charCodeAt(u - 1))) u--;
  if (u < 3 || text.charCodeAt(u - 1) !== 47 || text.charCodeAt(u - 2) !== 47 || text.charCodeAt(u - 3) !== 58) return -1;
  const c = text.charCodeAt(at + 1);
  if (!(c < 128 && (inSet(ALNUM, c) || c === 91) /* [ */)) return -1;
  const password = text.slice(p, at);
  // https://a:b@host, https://abc:xyz@example.com: documentation, too short to be anyone's password
  if (password.length < 4) return at;
  if (PLACEHOLDER_PASSWORDS.has(password.toLowerCase()) || /^(?:\*+|x+|\.+|_+)$/i.test(password)) return at;
  if (password.includes('EXAMPLE') || password.startsWith('$') || password.startsWith('%7B')) return at;
  out.push({ start: p, end: at, kind: 'secret', detector: 'url_password' });
  return at;
}

/** Where a prefixed token's body starts, so fake mode can keep the prefix. */
export function secretPrefix(value: string, detector: string): string {
  for (const rule of TOKEN_RULES) {
    if (rule.detector !== detector) continue;
    for (const prefix of rule.prefixes) if (value.startsWith(prefix)) return prefix;
  }
  return '';
}

/**
 * A value of the same length that a second pass leaves alone: the prefix is kept and the body
 * becomes EXAMPLE plus characters from the body's own alphabet. JWTs become a fixed token
 * claiming {"sub":"EXAMPLE"}; key blocks become EXAMPLEKEY.
 */
export function fakeSecret(value: string, detector: string, rng: Prng): string {
  if (detector === 'jwt') return FAKE_JWT;
  if (detector === 'pem_private_key') return 'EXAMPLEKEY';
  const prefix = secretPrefix(value, detector);
  const bodyLen = Math.max(7, value.length - prefix.length);
  const alphabet = detector === 'aws_access_key_id' ? UPPER_DIGIT_CHARS : ALNUM_CHARS;
  return prefix + 'EXAMPLE' + rng.chars(alphabet, bodyLen - 7);
}

/**
 * High-entropy values assigned to secret-looking names in code and config files:
 * `DB_PASSWORD=...`, `"api_key": "..."`, `secret_key = '...'`, `token: ...`, `apiKey := "..."`,
 * `'password' => '...'`, `?access_token=...&`, `Authorization: Bearer ...`,
 * `define('DB_PASSWORD', '...')`, `<password>...</password>`. The scanner calls this at each
 * `=`, `:`, `,` and `>`; the name is read leftwards and the value rightwards, both bounded.
 */
import type { Span } from './spans.js';
import { isDigitCode, isWordCode } from './chars.js';
import { entropy } from './entropy.js';
import { looksLikePlaceholder, matchPrefixedSecret, secretPrefixPossible } from './secrets.js';

const MAX_NAME = 64;
const MAX_VALUE = 256;
const MIN_VALUE = 8;

/**
 * Names whose values are credentials (matched on the lower-cased name): anything containing
 * password or secret; names ending in token, a kind of key (api_key, privateKey, ...),
 * credential(s), pass, pwd or auth.
 */
const SECRET_NAME =
  /password|passwd|passphrase|secret|(?:^|[-_.])(?:pass|pwd|pw|auth|authorization)$|(?:token|credentials?|pwd|(?:api|access|private|signing|encryption|master|auth|license|client|app|consumer|webhook|session)[-_.]?key)$/;

function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39 || c === 96;
}

/** Ends an unquoted value: whitespace, separators and closing brackets. */
function endsUnquoted(c: number): boolean {
  return c <= 32 || c === 44 || c === 59 || isQuote(c) || c === 41 || c === 125 || c === 93 || c === 60 || c === 62 || c === 38;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameSeparator(c: number): boolean {
  return c === 45 || c === 95 || c === 46 || c === 47 || c === 58 || c === 124;
}

/** Words that carry digits inside identifiers (oauth2ClientSecret, sha256Hash); read without their digits. */
const DIGIT_WORDS = /oauth2|sha(?:1|224|256|384|512)|md5|base(?:32|64)|b64|utf(?:8|16|32)|x509|ipv[46]|http2|aes(?:128|256)|rsa(?:2048|4096)|ec2|k8s|i18n|l10n/gi;

/**
 * Words and short numbers joined by - _ . / : | (`db-creds-2`, `prod.db.password`,
 * `SuperSecretToken`, `oauth2ClientSecret`, `secretURI`, `none|ssh|token`): a name, not a random
 * secret. Each part is letters with at most three trailing digits, or a number of at most four
 * digits; most letters sit in word-like runs: a capital or nothing followed by 3+ lower-case
 * letters, capitals ending the part (URI, ID), or a whole part in one case. Random strings fail:
 * digits sit inside them ("Zx8kLm") or their lower-case runs are short ("vXzQpLmR").
 */
export function nameLike(value: string): boolean {
  const v = value.replace(DIGIT_WORDS, (m) => m.replace(/\d/g, ''));
  let letters = 0;
  let wordy = 0;
  let s = 0;
  for (let p = 0; p <= v.length; p++) {
    if (p < v.length && !isNameSeparator(v.charCodeAt(p))) continue;
    // part v[s, p)
    let q = s;
    while (q < p && isLetter(v.charCodeAt(q))) q++;
    const partLetters = q - s;
    const digitStart = q;
    while (q < p && isDigitCode(v.charCodeAt(q))) q++;
    const digits = q - digitStart;
    if (q !== p) return false;
    if (partLetters === 0 ? digits > 4 : digits > 3) return false;
    letters += partLetters;
    const part = v.slice(s, s + partLetters);
    if (part.length >= 2 && (part === part.toUpperCase() || part === part.toLowerCase())) wordy += partLetters;
    else for (const m of part.matchAll(/[A-Z]?[a-z]{3,}|[A-Z]{2,}$/g)) wordy += m[0].length;
    s = p + 1;
  }
  return letters > 0 && wordy >= 0.7 * letters;
}

/**
 * An unquoted expression in code, not a literal: `tokens[i]`, `!node.token`, `a?.b`, or an
 * identifier without digits that contains a word (`isNotArrowToken`, `postfixIncDec`).
 */
function codeReference(v: string): boolean {
  if (v.includes('[') || v.includes('?.') || /^!+[A-Za-z_$][\w$.]*$/.test(v)) return true;
  return /^[A-Za-z_$][A-Za-z_$]*$/.test(v) && /[a-z]{4}/.test(v);
}

/** `config.secret`, `os.environ`, `settings.API_KEY`: a reference to where the value lives. */
const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const AUTH_SCHEME = /^(?:bearer|basic|token)\s+/i;
const EMAIL_VALUE = /^[^@\s]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/;

/** Whether text[start, end) reads like a credential rather than a name, reference or template. */
export function secretLikeValue(text: string, start: number, end: number): boolean {
  const len = end - start;
  if (len < MIN_VALUE || len > MAX_VALUE) return false;
  if (looksLikePlaceholder(text, start, end)) return false;
  const value = text.slice(start, end);
  if (/\s/.test(value) || value.includes('://') || value.includes('(')) return false;
  if (value.charCodeAt(0) === 91 /* [ */) return false;
  if (!/[A-Za-z]/.test(value)) return false;
  if (nameLike(value.replace(/^[^A-Za-z0-9]+/, '')) || MEMBER_PATH.test(value)) return false;
  // a file path such as /run/secrets/db_password or ~/.ssh/id_rsa
  const unrooted = value.replace(/^(?:~|\.{1,2})?\//, '');
  if (unrooted !== value && nameLike(unrooted.replace(/^\./, ''))) return false;
  return entropy(text, start, end) >= Math.min(3, 0.85 * Math.log2(len));
}

/** Reads the name that ends before `k` (optional spaces, optional closing quote); returns its start or -1. */
function nameBefore(text: string, k: number, needQuote: boolean): { start: number; end: number; quote: number } | undefined {
  const op = k;
  while (k > 0 && op - k < 4 && (text.charCodeAt(k - 1) === 32 || text.charCodeAt(k - 1) === 9)) k--;
  let quote = 0;
  if (k > 0 && isQuote(text.charCodeAt(k - 1))) {
    quote = text.charCodeAt(k - 1);
    k--;
  } else if (needQuote) return undefined;
  const end = k;
  while (k > 0 && end - k <= MAX_NAME && isNameChar(text.charCodeAt(k - 1))) k--;
  if (k === end || end - k > MAX_NAME) return undefined;
  if (quote !== 0 && needQuote && text.charCodeAt(k - 1) !== quote) return undefined;
  return { start: k, end, quote };
}

/** Case-insensitive `word` at text[j] (word in lower case), within `end`. */
function hasAt(text: string, j: number, end: number, word: string): boolean {
  if (j + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if ((text.charCodeAt(j + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Cheap filter run before the name regex: every secret name contains one of pass, pw, secret,
 * token, key, auth, cred. Names are short and this allocates nothing.
 */
function mayBeSecretName(text: string, start: number, end: number): boolean {
  for (let j = start; j < end - 1; j++) {
    switch (text.charCodeAt(j) | 0x20) {
      case 112: // p
        if (hasAt(text, j, end, 'pass') || hasAt(text, j, end, 'pw')) return true;
        break;
      case 115: // s
        if (hasAt(text, j, end, 'secret')) return true;
        break;
      case 116: // t
        if (hasAt(text, j, end, 'token')) return true;
        break;
      case 107: // k
        if (hasAt(text, j, end, 'key')) return true;
        break;
      case 97: // a
        if (hasAt(text, j, end, 'auth')) return true;
        break;
      case 99: // c
        if (hasAt(text, j, end, 'cred')) return true;
        break;
    }
  }
  return false;
}

function secretName(text: string, start: number, end: number): boolean {
  return mayBeSecretName(text, start, end) && SECRET_NAME.test(text.slice(start, end).toLowerCase());
}

/** Reads the value starting at or after `from`; returns [start, end, quoted] or undefined. */
function valueAfter(text: string, from: number, needQuote: boolean): [number, number, boolean] | undefined {
  let p = from;
  const n = text.length;
  while (p < n && p - from < 16 && (text.charCodeAt(p) === 32 || text.charCodeAt(p) === 9)) p++;
  let start: number;
  let end: number;
  const q = text.charCodeAt(p);
  const quoted = isQuote(q);
  if (quoted) {
    start = p + 1;
    end = start;
    while (end < n && end - start <= MAX_VALUE && text.charCodeAt(end) !== q && text.charCodeAt(end) !== 10) end++;
    if (text.charCodeAt(end) !== q) return undefined;
    const scheme = AUTH_SCHEME.exec(text.slice(start, Math.min(end, start + 12)));
    if (scheme !== null) start += scheme[0].length;
  } else {
    if (needQuote) return undefined;
    start = p;
    const scheme = AUTH_SCHEME.exec(text.slice(start, start + 12));
    if (scheme !== null) start += scheme[0].length;
    end = start;
    // `=` ends a bare value too (a=b=c): whether it were padding would depend on what follows,
    // which a replacement changes; base64 padding left visible reveals nothing
    while (end < n && end - start <= MAX_VALUE && !endsUnquoted(text.charCodeAt(end)) && text.charCodeAt(end) !== 61) end++;
    // a sentence's full stop is not part of the value
    while (end > start && text.charCodeAt(end - 1) === 46) end--;
  }
  return [start, end, quoted];
}

function emit(text: string, start: number, end: number, out: Span[], quoted = true): number {
  // a vendor token assigned to a name keeps its specific detector (and its placeholder rules)
  if (start < end && secretPrefixPossible(text, start) && !isWordCode(text.charCodeAt(start - 1))) {
    const e = matchPrefixedSecret(text, start, out);
    if (e > 0) return e;
  }
  if (!secretLikeValue(text, start, end)) return -1;
  if (!quoted && codeReference(text.slice(start, end))) return -1;
  // an email address as the value: the email detector reports it
  if (EMAIL_VALUE.test(text.slice(start, end))) return -1;
  out.push({ start, end, kind: 'secret', detector: 'assigned_secret' });
  return end;
}

/**
 * The value assigned at the operator `i` (`=`, `:`, `:=`, `=>`) when the name before it is
 * secret-like and the value looks random. Pushes the value's span and returns its end; -1 otherwise.
 */
export function matchAssignment(text: string, i: number, out: Span[]): number {
  const op = text.charCodeAt(i);
  let valueFrom = i + 1;
  let arrow = false;
  if (op === 58 /* : */) {
    const next = text.charCodeAt(i + 1);
    if (next === 58) return -1; // :: scope operator
    if (next === 61) valueFrom = i + 2; // :=
  } else {
    const prev = text.charCodeAt(i - 1);
    const next = text.charCodeAt(i + 1);
    if (prev === 61 || prev === 33 || prev === 60 || prev === 62 || prev === 58 || next === 61) return -1; // comparisons, :=
    if (next === 62) {
      valueFrom = i + 2; // =>
      arrow = true;
    }
  }
  const name = nameBefore(text, i, false);
  if (name === undefined || !secretName(text, name.start, name.end)) return -1;
  // `'password' => ...` (PHP) and `:password => ...` (Ruby) assign; `token => ...` is a JavaScript arrow function
  if (arrow && name.quote === 0 && text.charCodeAt(name.start - 1) !== 58) return -1;
  const value = valueAfter(text, valueFrom, false);
  return value === undefined ? -1 : emit(text, value[0], value[1], out, value[2]);
}

/** `'DB_PASSWORD', 'value'` (PHP define, Java setProperty, tuples): both sides quoted, at the comma `i`. */
export function matchQuotedPair(text: string, i: number, out: Span[]): number {
  const prev = text.charCodeAt(i - 1);
  if (!isQuote(prev) && !(prev === 32 && isQuote(text.charCodeAt(i - 2)))) return -1;
  const name = nameBefore(text, i, true);
  if (name === undefined || !secretName(text, name.start, name.end)) return -1;
  const value = valueAfter(text, i + 1, true);
  return value === undefined ? -1 : emit(text, value[0], value[1], out);
}

/** `<password>value</password>` at the `>` at `i`. */
export function matchXmlElement(text: string, i: number, out: Span[]): number {
  let k = i;
  while (k > 0 && i - k <= MAX_NAME && isNameChar(text.charCodeAt(k - 1))) k--;
  if (k === i || text.charCodeAt(k - 1) !== 60 /* < */ || !secretName(text, k, i)) return -1;
  const start = i + 1;
  let end = start;
  const n = text.length;
  while (end < n && end - start <= MAX_VALUE && text.charCodeAt(end) !== 60 && text.charCodeAt(end) !== 10) end++;
  if (!text.startsWith('</', end)) return -1;
  return emit(text, start, end, out);
}

/**
 * The single pass that finds every redactable value. Instead of running one regex per kind over
 * the whole text, it walks the text once and stops only at cheap triggers: a word that starts
 * with a digit or with a letter some detector cares about (IBAN country codes, key prefixes such
 * as AKIA, ghp_, xox, sk_, eyJ), and the characters @ % + ( - = : , >. At each trigger it runs
 * anchored matchers that read a bounded run, and after a match it resumes past the value, so the
 * whole pass is linear in the text length whatever the input.
 */
import { CLASS, DIGIT, HEX, LOWER, UPPER, WORD, isDigitCode, isHexCode, isNonAsciiWord, isWordCode } from './chars.js';
import { matchCard } from './card.js';
import { DigitGroups, readDigitGroups } from './digit-groups.js';
import { matchEmail } from './email.js';
import { matchIban } from './iban.js';
import { ipv6Candidate, matchIpv4, matchIpv6 } from './ip.js';
import type { KindSwitches } from './kinds.js';
import { matchInternational, matchNanp, matchNanpParen, matchTrunk } from './phone.js';
import { matchAssignment, matchQuotedPair, matchXmlElement } from './secret-assign.js';
import { type RuleSet, buildRuleSet, findRuleSecrets } from './secret-rules.js';
import { SECRET_START_CHARS, matchPem, matchPrefixedSecret, matchUrlPassword, secretPrefixPossible } from './secrets.js';
import { type Span, mergeSpans } from './spans.js';
import { matchSsn } from './ssn.js';

export interface DetectOptions {
  kinds: KindSwitches;
  /** Only public IP addresses (default true). */
  ipPublicOnly: boolean;
  /** The secret rule table (default: every built-in rule that is on by default). */
  secretRules?: RuleSet;
}

let defaultRules: RuleSet | undefined;

export type Detector = (text: string) => Span[];

const AT = 64;
const PLUS = 43;
const OPEN = 40;
const DASH = 45;
const EQUALS = 61;
const COLON = 58;
const COMMA = 44;
const GREATER = 62;
const PERCENT = 37;

/** Builds the scanner for one configuration; the trigger tables depend on the kinds switched on. */
export function createDetector(opts: DetectOptions): Detector {
  const { kinds, ipPublicOnly } = opts;
  const numeric = kinds.credit_card || kinds.us_ssn || kinds.phone || kinds.ip;
  const ipv6Letters = kinds.ip && !ipPublicOnly;

  // which word-start characters and punctuation trigger a look
  const wordStart = new Uint8Array(128);
  const punct = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const cls = CLASS[c]!;
    if ((cls & DIGIT) !== 0 && numeric) wordStart[c] = 1;
    if ((cls & UPPER) !== 0 && kinds.iban) wordStart[c] = 1;
    if ((cls & (UPPER | LOWER)) !== 0 && (cls & HEX) !== 0 && ipv6Letters) wordStart[c] = 1;
  }
  if (kinds.secret) for (const c of SECRET_START_CHARS) wordStart[c] = 1;
  if (kinds.email || kinds.secret) punct[AT] = 1;
  if (kinds.email) punct[PERCENT] = 1;
  if (kinds.phone) punct[PLUS] = punct[OPEN] = 1;
  if (kinds.secret) punct[DASH] = punct[EQUALS] = punct[COLON] = punct[COMMA] = punct[GREATER] = 1;
  if (ipv6Letters) punct[COLON] = 1;

  const groups = new DigitGroups();
  const rules = kinds.secret ? (opts.secretRules ?? (defaultRules ??= buildRuleSet())) : undefined;

  function atDigit(text: string, i: number, out: Span[]): number {
    // every numeric value is 9+ digits, or digits then a separator then more digits; an IPv6
    // address has hex then a colon. Plain numbers ("0", "2023 was") stop here.
    const n = text.length;
    let p = i + 1;
    while (p < n && p - i < 9 && isDigitCode(text.charCodeAt(p))) p++;
    if (p - i < 9) {
      const next = text.charCodeAt(p);
      const isSep = next === 32 || next === 46 || next === 45 || next === 47 || next === 0xa0;
      const after = text.charCodeAt(p + 1);
      const numericNext = isSep && (isDigitCode(after) || after === 40);
      if (!numericNext) {
        if (kinds.ip && (next === 58 || isHexCode(next)) && ipv6Candidate(text, i, ipPublicOnly)) {
          return matchIpv6(text, i, ipPublicOnly, out);
        }
        return -1;
      }
    }
    if (kinds.ip && ipv6Candidate(text, i, ipPublicOnly)) {
      const e = matchIpv6(text, i, ipPublicOnly, out);
      if (e > 0) return e;
    }
    readDigitGroups(text, i, groups);
    let e = -1;
    if (kinds.credit_card) e = matchCard(text, i, groups, out);
    if (e < 0 && kinds.us_ssn) e = matchSsn(text, i, groups, out);
    if (e < 0 && kinds.phone) {
      e = matchNanp(text, i, groups, out);
      if (e < 0) e = matchTrunk(text, i, groups, out);
    }
    if (e < 0 && kinds.ip) e = matchIpv4(text, i, groups, ipPublicOnly, out);
    return e;
  }

  function atWordStart(text: string, i: number, c: number, out: Span[]): number {
    if (c >= 48 && c <= 57) return numeric ? atDigit(text, i, out) : -1;
    let e = -1;
    if (kinds.iban && c >= 65 && c <= 90 && isDigitCode(text.charCodeAt(i + 2))) e = matchIban(text, i, out);
    if (e < 0 && kinds.secret && secretPrefixPossible(text, i)) e = matchPrefixedSecret(text, i, out);
    if (e < 0 && ipv6Letters && ipv6Candidate(text, i, false)) e = matchIpv6(text, i, false, out);
    return e;
  }

  function atPunct(text: string, i: number, c: number, prevWord: boolean, out: Span[]): number {
    switch (c) {
      case AT: {
        if (kinds.secret) {
          const e = matchUrlPassword(text, i, out);
          if (e > 0) return i + 1;
        }
        return kinds.email ? matchEmail(text, i, out) : -1;
      }
      case PLUS:
      case OPEN: {
        const d = text.charCodeAt(i + 1);
        if (prevWord || !isDigitCode(d)) return -1; // also false past the end (NaN)
        readDigitGroups(text, i + 1, groups);
        return c === PLUS ? matchInternational(text, i, groups, out) : matchNanpParen(text, i, groups, out);
      }
      case DASH:
        return text.charCodeAt(i + 1) === DASH && text.charCodeAt(i - 1) !== DASH ? matchPem(text, i, out) : -1;
      case EQUALS:
        return kinds.secret ? matchAssignment(text, i, out) : -1;
      case COLON: {
        if (ipv6Letters && !prevWord && text.charCodeAt(i + 1) === COLON) {
          const e = matchIpv6(text, i, false, out);
          if (e > 0) return e;
        }
        return kinds.secret ? matchAssignment(text, i, out) : -1;
      }
      case PERCENT:
        // %40: a URL-encoded @
        return text.charCodeAt(i + 1) === 52 && text.charCodeAt(i + 2) === 48 ? matchEmail(text, i, out, 3) : -1;
      case COMMA:
        return kinds.secret ? matchQuotedPair(text, i, out) : -1;
      case GREATER:
        return kinds.secret ? matchXmlElement(text, i, out) : -1;
      default:
        return -1;
    }
  }

  return function detect(text: string): Span[] {
    const out: Span[] = [];
    const n = text.length;
    let prevWord = false;
    let i = 0;
    while (i < n) {
      let c = text.charCodeAt(i);
      if (c >= 128) {
        prevWord = isNonAsciiWord(c);
        i++;
        continue;
      }
      if ((CLASS[c]! & WORD) !== 0) {
        if (!prevWord && wordStart[c] === 1) {
          const e = atWordStart(text, i, c, out);
          if (e > i) {
            i = e;
            prevWord = isWordCode(text.charCodeAt(e - 1));
            continue;
          }
        }
        // skip the rest of the word: nothing starts inside a word
        while (++i < n) {
          c = text.charCodeAt(i);
          if (c >= 128 || (CLASS[c]! & WORD) === 0) break;
        }
        prevWord = true;
        continue;
      }
      if (punct[c] === 1) {
        const e = atPunct(text, i, c, prevWord, out);
        if (e > i) {
          i = e;
          prevWord = isWordCode(text.charCodeAt(e - 1));
          continue;
        }
      }
      prevWord = false;
      i++;
    }
    // the rule table's keywords sit anywhere in words, so they have their own linear pass
    if (rules !== undefined) findRuleSecrets(text, rules, out);
    return mergeSpans(out);
  };
}

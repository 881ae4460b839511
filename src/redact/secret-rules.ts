/**
 * The secret rule table: gitleaks' default rules, ports of detect-secrets plugins and sluice's own
 * context rules (secret-rules/*.ts), each with an id, keywords and a regex. Keywords are found in
 * one linear pass (a two-character filter, then a compare); only at a keyword does a rule's regex
 * run, either anchored at the keyword or over a bounded window around it, so time stays linear in
 * the text however dense the keywords are.
 */
import { isWordCode } from './chars.js';
import { entropy } from './entropy.js';
import { nameLike } from './secret-assign.js';
import { GITLEAKS_ALLOW, GITLEAKS_RULES, GITLEAKS_STOPWORDS } from './secret-rules/gitleaks.js';
import { SLUICE_RULES } from './secret-rules/sluice.js';
import type { RuleData } from './secret-rules/types.js';
import { looksLikePlaceholder } from './secrets.js';
import type { Span } from './spans.js';

export type { RuleData } from './secret-rules/types.js';

/** Every built-in rule, gitleaks' first. */
export const BUILTIN_RULES: readonly RuleData[] = [...GITLEAKS_RULES, ...SLUICE_RULES];
export const BUILTIN_RULE_IDS: ReadonlySet<string> = new Set(BUILTIN_RULES.map((r) => r.id));

interface Rule {
  readonly id: string;
  readonly re: RegExp;
  readonly anchor: 'keyword' | 'word' | undefined;
  readonly entropy: number;
  readonly group: number | undefined;
  readonly allow: readonly RegExp[];
  readonly allowMatch: readonly RegExp[];
  readonly allowLine: readonly RegExp[];
  readonly stopwords: readonly string[];
  readonly globalAllow: boolean;
  readonly startChars: Uint8Array | undefined;
  readonly notCode: boolean;
  readonly reach: number;
}

interface KeywordEntry {
  readonly keyword: string;
  readonly rules: readonly number[];
  /** Every rule of the keyword wants it at a word start. */
  readonly wordOnly: boolean;
}

export interface RuleSet {
  readonly rules: readonly Rule[];
  /** The distinct keyword lists a trigram can open; `trigrams` holds indexes into it. */
  readonly entryLists: readonly (readonly KeywordEntry[])[];
  /**
   * Per trigram (its first three characters lower-cased, 7 bits each; two-character keywords fill
   * every third character): 0 when no keyword starts with it, else its list's index in
   * `entryLists` shifted left by 2, or'ed with ANYWHERE or WORD_ONLY. One typed-array load per
   * character decides, where a Map lookup at every hit cost more (two-character keywords hit often).
   */
  readonly trigrams: Uint16Array;
  /** findRuleSecrets' per-rule scratch, cleared on each call (detection is synchronous), so no document allocates it. */
  readonly covered: Int32Array;
}

const ANYWHERE = 1;
const WORD_ONLY = 2;

/** Characters read before a keyword and after it when a rule searches a window. */
const WINDOW_BEFORE = 48;
const WINDOW_AFTER = 1024;

const GLOBAL_ALLOW = GITLEAKS_ALLOW.map((s) => new RegExp(s));
const GLOBAL_STOPWORDS = GITLEAKS_STOPWORDS.map((s) => s.toLowerCase());

/** Compiles a rule's regex; throws a message naming the rule when the source is not valid. */
export function compileRegex(source: string, flags: string, what: string): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new Error(`${what}: invalid regular expression ${JSON.stringify(source)}: ${(e as Error).message}`);
  }
}

/** Why a keyword cannot be used, or undefined when it can. */
export function keywordProblem(k: string): string | undefined {
  if (k.length < 2) return `keyword ${JSON.stringify(k)} is shorter than two characters`;
  if (!/^[\x20-\x7e]+$/.test(k)) return `keyword ${JSON.stringify(k)} is not printable ASCII`;
  return undefined;
}

function charTable(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) if (ch.charCodeAt(0) < 128) t[ch.charCodeAt(0)] = 1;
  return t;
}

function compileRule(data: RuleData): Rule {
  const what = `secret rule ${data.id}`;
  return {
    id: data.id,
    re: compileRegex(data.regex, data.anchor === undefined ? 'gd' : 'yd', what),
    anchor: data.anchor,
    entropy: data.entropy ?? 0,
    group: data.secretGroup,
    allow: (data.allow ?? []).map((s) => compileRegex(s, '', what)),
    allowMatch: (data.allowMatch ?? []).map((s) => compileRegex(s, '', what)),
    allowLine: (data.allowLine ?? []).map((s) => compileRegex(s, '', what)),
    stopwords: (data.stopwords ?? []).map((s) => s.toLowerCase()),
    globalAllow: data.noGlobalAllow !== true,
    startChars: data.startChars === undefined ? undefined : charTable(data.startChars),
    notCode: data.notCode === true,
    reach: data.reach ?? 0,
  };
}

export interface RuleSelection {
  /** Ids of built-in rules to switch off. */
  disable?: readonly string[];
  /** Ids of built-in rules that are off by default to switch on. */
  enable?: readonly string[];
  /** User rules, run like built-in ones. */
  add?: readonly RuleData[];
}

/** The built-in rules (less `disable`, plus `enable`) and the user's, ready for findRuleSecrets. */
export function buildRuleSet(sel: RuleSelection = {}): RuleSet {
  const off = new Set(sel.disable ?? []);
  const on = new Set(sel.enable ?? []);
  const data = [...BUILTIN_RULES.filter((r) => !off.has(r.id) && (r.enabled !== false || on.has(r.id))), ...(sel.add ?? [])];
  const rules = data.map(compileRule);
  const byKeyword = new Map<string, number[]>();
  data.forEach((r, k) => {
    for (const kw of r.keywords) {
      const problem = keywordProblem(kw);
      if (problem !== undefined) throw new Error(`secret rule ${r.id}: ${problem}`);
      const key = kw.toLowerCase();
      const list = byKeyword.get(key) ?? [];
      if (!list.includes(k)) list.push(k);
      byKeyword.set(key, list);
    }
  });
  const byTrigram = new Map<number, KeywordEntry[]>();
  for (const [keyword, list] of byKeyword) {
    const head = (keyword.charCodeAt(0) << 14) | (keyword.charCodeAt(1) << 7);
    const entry = { keyword, rules: list, wordOnly: list.every((r) => data[r]!.anchor === 'word') };
    const thirds = keyword.length > 2 ? [keyword.charCodeAt(2)] : Array.from({ length: 128 }, (_, c) => c);
    for (const third of thirds) {
      const t = head | third;
      const entries = byTrigram.get(t) ?? [];
      entries.push(entry);
      byTrigram.set(t, entries);
    }
  }
  // trigrams share lists (a two-character keyword fills 128 of them): a few hundred distinct ones
  const entryLists: KeywordEntry[][] = [[]];
  const listIndex = new Map<string, number>();
  const trigrams = new Uint16Array(1 << 21);
  for (const [t, entries] of byTrigram) {
    const key = entries.map((e) => e.keyword).join('\n');
    let index = listIndex.get(key);
    if (index === undefined) {
      index = entryLists.push(entries) - 1;
      listIndex.set(key, index);
    }
    if (index >= 1 << 14) throw new Error(`secret rules: more than ${(1 << 14) - 1} distinct keyword lists`);
    // WORD_ONLY when every keyword starting here wants a word start: one inside a word is skipped at once
    trigrams[t] = (index << 2) | (entries.every((e) => e.wordOnly) ? WORD_ONLY : ANYWHERE);
  }
  return { rules, entryLists, trigrams, covered: new Int32Array(rules.length) };
}

/** ASCII lower-casing table; non-ASCII maps to 0, which no keyword contains. */
const LOWER = new Uint8Array(128);
for (let c = 0; c < 128; c++) LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;

function keywordAt(text: string, i: number, keyword: string): boolean {
  if (i + keyword.length > text.length) return false;
  for (let k = 3; k < keyword.length; k++) {
    const c = text.charCodeAt(i + k);
    if (c >= 128 || LOWER[c] !== keyword.charCodeAt(k)) return false;
  }
  return true;
}

/** Dotted member paths and slash-joined words (time zones, MIME types). */
const CODE_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|^[A-Za-z]+(?:\/[A-Za-z_+-]+)+$/;

function codeLike(secret: string): boolean {
  return CODE_PATH.test(secret) || nameLike(secret);
}

function lineAround(text: string, start: number, end: number): string {
  let s = start;
  while (s > 0 && start - s < 1024 && text.charCodeAt(s - 1) !== 10) s--;
  let e = end;
  while (e < text.length && e - end < 1024 && text.charCodeAt(e) !== 10) e++;
  return text.slice(s, e);
}

function containsAny(haystack: string, needles: readonly string[]): boolean {
  for (const n of needles) if (haystack.includes(n)) return true;
  return false;
}

function testAny(res: readonly RegExp[], s: string): boolean {
  for (const re of res) if (re.test(s)) return true;
  return false;
}

/** Reports the secret of one regex match at offset `base` of the text, unless an allowlist says it is a placeholder. */
function report(text: string, rule: Rule, m: RegExpExecArray, base: number, out: Span[]): void {
  const indices = m.indices!;
  let g = rule.group;
  if (g === undefined) {
    g = 0;
    for (let k = 1; k < m.length; k++) {
      if (m[k] !== undefined && m[k] !== '') {
        g = k;
        break;
      }
    }
  }
  const at = indices[g];
  if (at === undefined) return;
  const start = base + at[0];
  const end = base + at[1];
  if (end - start < 1) return;
  const secret = text.slice(start, end);
  if (rule.entropy > 0 && entropy(text, start, end) < rule.entropy) return;
  // a run of one character marks a placeholder when it fills a third of the secret (AKIAZZZZ...),
  // not when a real format has one (Twitter bearer tokens start with 20 A's)
  if (looksLikePlaceholder(text, start, end, Math.max(6, Math.ceil((end - start) / 3)))) return;
  if (rule.allow.length > 0 && testAny(rule.allow, secret)) return;
  if (rule.globalAllow && testAny(GLOBAL_ALLOW, secret)) return;
  const lower = secret.toLowerCase();
  if (rule.stopwords.length > 0 && containsAny(lower, rule.stopwords)) return;
  if (rule.globalAllow && containsAny(lower, GLOBAL_STOPWORDS)) return;
  if (rule.allowMatch.length > 0 && testAny(rule.allowMatch, m[0])) return;
  if (rule.notCode && codeLike(secret)) return;
  if (rule.allowLine.length > 0 && testAny(rule.allowLine, lineAround(text, base + m.index, base + m.index + m[0].length))) return;
  out.push({ start, end, kind: 'secret', detector: rule.id });
}

/**
 * Runs every rule whose keyword occurs in `text` and pushes the secrets found. `covered[r]` is
 * where rule r's last window stops being worth re-reading: a keyword before it was searched
 * already, which bounds each windowed rule to about twice the text.
 */
export function findRuleSecrets(text: string, set: RuleSet, out: Span[]): void {
  const n = text.length;
  // every rule disabled: nothing to look for, not even a pass over the text
  if (n < 2 || set.rules.length === 0) return;
  const { trigrams, entryLists, rules, covered } = set;
  covered.fill(0);
  // the trigram starting at i - 2; past the end the third character reads as 0
  let c = text.charCodeAt(0);
  let head = (c < 128 ? LOWER[c]! : 0) << 7;
  c = text.charCodeAt(1);
  head = (head | (c < 128 ? LOWER[c]! : 0)) << 7;
  for (let i = 2; i <= n; i++) {
    c = i < n ? text.charCodeAt(i) : 0;
    const t = head | (c < 128 ? LOWER[c]! : 0);
    head = (t << 7) & 0x1fff80;
    const slot = trigrams[t]!;
    if (slot === 0) continue;
    const at = i - 2;
    if ((slot & 3) === WORD_ONLY && at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
    for (const entry of entryLists[slot >> 2]!) {
      if (!keywordAt(text, at, entry.keyword)) continue;
      for (const r of entry.rules) {
        const rule = rules[r]!;
        if (rule.startChars !== undefined && rule.startChars[text.charCodeAt(at)] !== 1) continue;
        if (rule.anchor !== undefined) {
          if (rule.anchor === 'word' && at > 0 && isWordCode(text.charCodeAt(at - 1))) continue;
          if (rule.reach > 0 && at < covered[r]!) continue;
          rule.re.lastIndex = at;
          const m = rule.re.exec(text);
          if (m !== null) report(text, rule, m, 0, out);
          if (rule.reach > 0) covered[r] = m === null ? at + rule.reach / 2 : at + m[0].length;
          continue;
        }
        if (at < covered[r]!) continue;
        runWindow(text, rule, at, out);
        covered[r] = at + WINDOW_AFTER / 2;
      }
    }
  }
}

function runWindow(text: string, rule: Rule, at: number, out: Span[]): void {
  const n = text.length;
  let ws = Math.max(0, at - WINDOW_BEFORE);
  // start between words, so a class-led regex cannot start mid-word at the window's edge
  const floor = Math.max(0, ws - 32);
  while (ws > floor && isWordCode(text.charCodeAt(ws - 1))) ws--;
  // end at a line break where one is near, so `$` in a rule means a line's end
  let we = Math.min(n, at + WINDOW_AFTER);
  for (let p = at + WINDOW_AFTER / 2; p < we; p++) {
    if (text.charCodeAt(p) === 10) {
      we = p;
      break;
    }
  }
  const slice = text.slice(ws, we);
  const re = rule.re;
  re.lastIndex = 0;
  for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
    report(text, rule, m, ws, out);
    if (m[0].length === 0) re.lastIndex++;
  }
}

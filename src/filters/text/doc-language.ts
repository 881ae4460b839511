/**
 * Which language a filter judges a document by.
 *
 * Rule, in order:
 * 1. the filter's `language` param when it is not `auto`;
 * 2. `doc.meta.language` (set by the `language` stage, or a reader's hint), reduced to its
 *    primary subtag (`zh-Hans` -> `zh`, `pt_BR` -> `pt`);
 * 3. a guess from the letters' scripts: mostly Han/Kana -> `ja` when kana make up at least 10%
 *    of them, else `zh`; mostly Hangul -> `ko`; mostly Thai/Lao/Khmer/Myanmar -> `und-Thai`;
 *    mostly Latin (or no letters) -> the filter's `default_language` (`en`, as in datatrove);
 *    any other script -> `und-<Script>`, for which language-specific rules are skipped.
 * "Mostly" means at least 30% of the letters for the spaceless scripts (a Chinese page quoting
 * English stays Chinese) and at least 50% for Latin.
 */
import type { Doc } from '../../core/doc.js';
import { readFilterJson } from '../data-files.js';
import { Script } from './chars.js';
import { scriptLetters, type ScriptLetters, type Tokens } from './tokens.js';

/** Languages written without spaces between words: word-length rules do not apply to them. */
const NO_SPACE = new Set(['zh', 'ja', 'th', 'lo', 'km', 'my', 'bo', 'und-Thai', 'yue', 'wuu']);

export function isNoSpaceLanguage(language: string): boolean {
  return NO_SPACE.has(language);
}

export function normalizeLanguageTag(tag: string): string {
  const primary = tag.trim().split(/[-_]/)[0] ?? '';
  return primary.toLowerCase();
}

export function guessLanguageFromScript(counts: ScriptLetters, defaultLanguage: string): string {
  const letters = counts.letters;
  if (letters === 0) return defaultLanguage;
  const s = counts.scriptLetters;
  const han = s[Script.Han]!;
  const kana = s[Script.Kana]!;
  if (han + kana >= 0.3 * letters) return kana >= 0.1 * (han + kana) ? 'ja' : 'zh';
  if (s[Script.Hangul]! >= 0.3 * letters) return 'ko';
  if (s[Script.SouthEastAsian]! >= 0.3 * letters) return 'und-Thai';
  if (s[Script.Latin]! >= 0.5 * letters) return defaultLanguage;
  let best: number = Script.Other;
  for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
  return SCRIPT_TAGS[best] ?? 'und';
}

const SCRIPT_TAGS: Record<number, string> = {
  [Script.Cyrillic]: 'und-Cyrl',
  [Script.Arabic]: 'und-Arab',
  [Script.Greek]: 'und-Grek',
  [Script.Hebrew]: 'und-Hebr',
  [Script.Indic]: 'und-Indic',
  [Script.Latin]: 'und-Latn',
  [Script.Other]: 'und',
};

/**
 * See the module comment for the rule. `setting` is the filter's `language` param. Counts
 * letters per script (tokens.ts `scriptLetters`) only when the guess is needed.
 */
export function documentLanguage(doc: Doc, setting: string, defaultLanguage: string): string {
  if (setting !== 'auto') return setting;
  const meta = doc.meta['language'];
  if (typeof meta === 'string' && meta.trim() !== '') return normalizeLanguageTag(meta);
  return guessLanguageFromScript(scriptLetters(doc.text), defaultLanguage);
}

/** Matches whole tokens against a language's stop words. */
export interface StopWords {
  readonly words: ReadonlySet<string>;
  readonly maxLength: number;
}

let stopWordTable: Map<string, StopWords> | undefined;

function loadStopWords(): Map<string, StopWords> {
  const raw = readFilterJson<Record<string, string[] | string>>('stop-words.json');
  const table = new Map<string, StopWords>();
  for (const [lang, words] of Object.entries(raw)) {
    if (lang.startsWith('_') || !Array.isArray(words)) continue;
    table.set(lang, makeStopWords(words));
  }
  return table;
}

export function makeStopWords(words: readonly string[]): StopWords {
  return { words: new Set(words), maxLength: words.reduce((m, w) => Math.max(m, w.length), 0) };
}

/** The shipped stop-word list of `language`, or undefined when none ships. */
export function stopWordsFor(language: string): StopWords | undefined {
  stopWordTable ??= loadStopWords();
  return stopWordTable.get(language);
}

/** Number of distinct stop words among the tokens, stopping early once `enough` are found. */
export function countStopWords(tokens: Tokens, stop: StopWords, enough: number): number {
  const found = new Set<string>();
  const { text, start, end, count } = tokens;
  const max = stop.maxLength;
  for (let k = 0; k < count; k++) {
    const a = start[k]!;
    const b = end[k]!;
    if (b - a > max) continue;
    const w = text.slice(a, b);
    if (stop.words.has(w) && !found.has(w)) {
      found.add(w);
      if (found.size >= enough) break;
    }
  }
  return found.size;
}

/**
 * C4's bad-words rule: drop a document that contains a word from the List of Dirty, Naughty,
 * Obscene and Otherwise Bad Words (LDNOOBW, CC-BY-4.0) of its language. The lists are the JSON
 * data files of the `naughty-words` npm package (published by LDNOOBW), one per language;
 * `extra_words` and `word_files` add to them. As in datatrove, words match only between non-word
 * characters, except for Japanese, Thai and Chinese, which are written without spaces; and the
 * allowlisted entries that are common sub-words there ("sm", "グロ", "女の子", "性") are removed.
 *
 * The language comes from src/filters/text/doc-language.ts. A language without a list keeps the
 * document and counts `missing_badwords_lang` (or fails the stage with
 * `fail_on_missing_language: true`, datatrove's default).
 */
import { readFileSync } from 'node:fs';
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { packageDataPath, readPipelineList } from './data-files.js';
import { languageParams } from './params.js';
import { CHAR_FLAGS, WORDCHAR, astralFlags, everyBmpChar } from './text/chars.js';
import { documentLanguage } from './text/doc-language.js';
import { SPAN_HASH_SEED } from './text/hash-table.js';
import { literalAlternation } from './text/regex.js';

/** Languages with a list in naughty-words 1.2.0 (the same set datatrove uses). */
export const BADWORDS_LANGUAGES = ['ar', 'cs', 'da', 'de', 'en', 'eo', 'es', 'fa', 'fi', 'fil', 'fr', 'hi', 'hu', 'it', 'ja', 'kab', 'ko', 'nl', 'no', 'pl', 'pt', 'ru', 'sv', 'th', 'tlh', 'tr', 'zh'];
const NO_BOUNDARY = new Set(['ja', 'th', 'zh']);
const ALLOWLIST = new Set(['sm', 'グロ', '女の子', '性']);

export const c4BadwordsParams = z
  .object({
    /** Fraction of documents with bad words to keep anyway (deterministic per document id). */
    keep_fraction: z.number().min(0).max(1).default(0),
    seed: z.number().int().default(0),
    fail_on_missing_language: z.boolean().default(false),
    /** Extra words per language, added to the shipped lists. */
    extra_words: z.record(z.string(), z.array(z.string().min(1))).default({}),
    /** Extra list files per language (one word per line), relative to the pipeline file. */
    word_files: z.record(z.string(), z.string().min(1)).default({}),
    ...languageParams,
  })
  .strict();

export type C4BadwordsParams = z.output<typeof c4BadwordsParams>;

export function loadBadwords(language: string): string[] | undefined {
  const path = packageDataPath(`naughty-words/${language}.json`);
  if (path === undefined) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as string[];
}

/** The reference matcher: one regex over the whole list (datatrove's construction). */
export function badwordsRegex(language: string, words: Iterable<string>): RegExp {
  const list = normalizeEntries(words);
  // Longest first, so "ass hole" is tried before "ass" (only matters for the reported word).
  list.sort(longestFirst);
  const alternation = literalAlternation(list);
  if (NO_BOUNDARY.has(language)) return new RegExp(alternation, 'iu');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}\\p{M}_])(${alternation})(?=$|[^\\p{L}\\p{N}\\p{M}_])`, 'iu');
}

const isWordCode = (cp: number) => cp === 0x5f || ((cp < 0x10000 ? CHAR_FLAGS[cp]! : astralFlags(cp)) & WORDCHAR) !== 0;
const HASH_MASK = 0x3fffffff;
const WORD_CLASS = '[\\p{L}\\p{N}\\p{M}_]';

/**
 * Finds the first bad word of a document, as `badwordsRegex` does (it remains the reference and
 * the fallback), faster for the word-boundary languages. The text is lower-cased once; entries
 * made only of word characters are looked up per word (hash, then set); the entries with spaces
 * or symbols ("2 girls 1 cup", "s&m") are found by a plain alternation over the lower-cased text
 * whose hits are checked for word boundaries in place. Matching lower-cased text exactly equals
 * the reference's case-insensitive matching except for characters whose lower case is not the
 * entry's character they fold to (ſ folds to s); a text with one of those ("fold traps", computed
 * from the entries' characters) goes to the reference regex.
 */
export class BadwordsMatcher {
  private readonly full: RegExp;
  private readonly words: ReadonlySet<string> = new Set();
  private readonly hashes: ReadonlySet<number> = new Set();
  private readonly minLength: number = 0;
  private readonly maxLength: number = 0;
  /** Where any phrase entry occurs, boundaries not checked (global, on lower-cased text). */
  private readonly phraseScan: RegExp | undefined;
  /** The phrase entries at one position with word boundaries (sticky, on lower-cased text). */
  private readonly phraseAt: RegExp | undefined;
  private readonly foldTraps: RegExp | undefined;
  private readonly boundaries: boolean;

  constructor(language: string, entries: Iterable<string>) {
    const list = normalizeEntries(entries);
    this.full = badwordsRegex(language, list);
    this.boundaries = !NO_BOUNDARY.has(language);
    if (!this.boundaries) return;
    const single = list.filter((w) => [...w].every((ch) => isWordCode(ch.codePointAt(0)!)));
    const phrases = list.filter((w) => !single.includes(w));
    this.words = new Set(single);
    this.hashes = new Set(single.map((w) => fnv(w, 0, w.length) & HASH_MASK));
    this.minLength = single.reduce((m, w) => Math.min(m, w.length), Infinity);
    this.maxLength = single.reduce((m, w) => Math.max(m, w.length), 0);
    if (phrases.length > 0) {
      // The reference's order (longest first), so the same entry wins at a position.
      phrases.sort(longestFirst);
      const alternation = literalAlternation(phrases);
      this.phraseScan = new RegExp(alternation, 'gu');
      this.phraseAt = new RegExp(`(?<!${WORD_CLASS})(?:${alternation})(?!${WORD_CLASS})`, 'uy');
    }
    const traps = foldTraps(list);
    this.foldTraps = traps.length > 0 ? new RegExp(`[${traps.map(codePointEscape).join('')}]`, 'u') : undefined;
  }

  /** The first bad word (lower case), or undefined. */
  find(text: string): string | undefined {
    if (!this.boundaries) return firstMatch(this.full, text);
    const lower = text.toLowerCase();
    if (lower.length !== text.length || this.foldTraps?.test(lower) === true) return firstMatch(this.full, text);
    let found: string | undefined;
    let foundAt = Infinity;
    const n = lower.length;
    const table = CHAR_FLAGS;
    let i = 0;
    while (i < n) {
      let c = lower.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) c = lower.codePointAt(i)!;
      if (c < 0x10000 ? (table[c]! & WORDCHAR) === 0 && c !== 0x5f : !isWordCode(c)) {
        i += c > 0xffff ? 2 : 1;
        continue;
      }
      const a = i;
      let h = SPAN_HASH_SEED;
      while (i < n) {
        const d = lower.charCodeAt(i);
        if (d < 0xd800 || d > 0xdbff) {
          if ((table[d]! & WORDCHAR) === 0 && d !== 0x5f) break;
          h = Math.imul(h ^ d, 0x01000193);
          i++;
          continue;
        }
        const cp = lower.codePointAt(i)!;
        if (!isWordCode(cp)) break;
        h = Math.imul(h ^ d, 0x01000193);
        if (cp > 0xffff) {
          h = Math.imul(h ^ lower.charCodeAt(i + 1), 0x01000193);
          i += 2;
        } else i++;
      }
      const len = i - a;
      if (len >= this.minLength && len <= this.maxLength && this.hashes.has(h & HASH_MASK)) {
        const word = lower.slice(a, i);
        if (this.words.has(word)) {
          found = word;
          foundAt = a;
          break;
        }
      }
    }
    const scan = this.phraseScan;
    const at = this.phraseAt;
    if (scan !== undefined && at !== undefined) {
      // Leftmost wins; at the same place the longer entry, as in the reference regex.
      scan.lastIndex = 0;
      for (let m = scan.exec(lower); m !== null && m.index <= foundAt; m = scan.exec(lower)) {
        at.lastIndex = m.index;
        const phrase = at.exec(lower)?.[0];
        if (phrase !== undefined) {
          if (m.index < foundAt || phrase.length > (found?.length ?? 0)) found = phrase;
          break;
        }
        // Hits overlap ("blue waffle" inside "true blue waffles"): the next one may start one character on.
        scan.lastIndex = m.index + (lower.codePointAt(m.index)! > 0xffff ? 2 : 1);
      }
    }
    return found;
  }
}

function longestFirst(a: string, b: string): number {
  return b.length - a.length || (a < b ? -1 : 1);
}

/**
 * Characters that the reference regex's case folding matches to a character of `entries` but
 * whose lower case is another character: "ſ" (folds to "s", lower case "ſ"), Cyrillic letter
 * variants (U+1C80..U+1C88). Lower-cased text holding none of them matches exactly like the
 * case-insensitive regex.
 */
const codePointEscape = (ch: string) => `\\u{${ch.codePointAt(0)!.toString(16)}}`;

function foldTraps(entries: readonly string[]): string[] {
  const chars = new Set<string>();
  for (const entry of entries) for (const ch of entry) if (ch.toUpperCase() !== ch) chars.add(ch);
  const traps = new Set<string>();
  for (const ch of chars) {
    for (const m of everyBmpChar().matchAll(new RegExp(codePointEscape(ch), 'giu'))) if (m[0].toLowerCase() !== ch) traps.add(m[0]);
  }
  return [...traps];
}

function fnv(s: string, a: number, b: number): number {
  let h = SPAN_HASH_SEED;
  for (let i = a; i < b; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

function firstMatch(re: RegExp, text: string): string | undefined {
  const m = re.exec(text);
  return m === null ? undefined : (m[1] ?? m[0]).toLowerCase();
}

function normalizeEntries(entries: Iterable<string>): string[] {
  return [...new Set([...entries].map((w) => w.trim().toLowerCase()).filter((w) => w !== '' && !ALLOWLIST.has(w)))];
}

/** Uniform in [0, 1) from the document id and seed, so reruns keep the same documents. */
function uniformFor(id: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

export function c4Badwords(params: C4BadwordsParams, configDir: string): (doc: Doc, stats?: StageRecorder) => Drop | undefined {
  const extra = new Map<string, string[]>();
  for (const [lang, words] of Object.entries(params.extra_words)) extra.set(lang, [...(extra.get(lang) ?? []), ...words]);
  for (const [lang, file] of Object.entries(params.word_files)) {
    extra.set(lang, [...(extra.get(lang) ?? []), ...readPipelineList(file, configDir, 'c4_badwords', `word_files.${lang}`)]);
  }
  const matchers = new Map<string, BadwordsMatcher | null>();
  const matcherFor = (language: string): BadwordsMatcher | null => {
    let m = matchers.get(language);
    if (m !== undefined) return m;
    const shipped = loadBadwords(language);
    const added = extra.get(language);
    m = shipped === undefined && added === undefined ? null : new BadwordsMatcher(language, [...(shipped ?? []), ...(added ?? [])]);
    matchers.set(language, m);
    return m;
  };

  return (doc, stats) => {
    const language = documentLanguage(doc, params.language, params.default_language);
    const matcher = matcherFor(language);
    if (matcher === null) {
      if (params.fail_on_missing_language) {
        throw new SluiceError('SLUICE_CONFIG_INVALID', `c4_badwords: no bad-words list for language "${language}" (document ${doc.id})`, {
          hint: `lists ship for ${BADWORDS_LANGUAGES.join(', ')}; add one with word_files, or set fail_on_missing_language: false`,
        });
      }
      stats?.count('missing_badwords_lang');
      return undefined;
    }
    const word = matcher.find(doc.text);
    if (word === undefined) return undefined;
    stats?.count('documents_with_badwords');
    if (params.keep_fraction > 0 && uniformFor(doc.id, params.seed) < params.keep_fraction) {
      stats?.count('documents_kept_with_badwords');
      return undefined;
    }
    return drop('document_removed_with_badwords', { language, word });
  };
}

export const c4BadwordsFilter = defineFilter({
  name: 'c4_badwords',
  summary: 'C4 bad-words rule with the LDNOOBW lists per language (word-boundary matching except zh/ja/th)',
  params: c4BadwordsParams,
  create: (params, env) => c4Badwords(params, env.configDir),
});

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
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { packageDataPath, parseListFile } from './data-files.js';
import { languageParams } from './params.js';
import { resolveLanguage } from './text/doc-language.js';
import { tokenize } from './text/tokens.js';

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

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function loadBadwords(language: string): string[] | undefined {
  const path = packageDataPath(`naughty-words/${language}.json`);
  if (path === undefined) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as string[];
}

export function badwordsRegex(language: string, words: Iterable<string>): RegExp {
  const list = [...new Set([...words].map((w) => w.trim().toLowerCase()).filter((w) => w !== '' && !ALLOWLIST.has(w)))];
  // Longest first, so "ass hole" is tried before "ass" (only matters for the reported word).
  list.sort((a, b) => b.length - a.length);
  const alternation = list.map(escapeRe).join('|');
  if (NO_BOUNDARY.has(language)) return new RegExp(alternation, 'iu');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}\\p{M}_])(${alternation})(?=$|[^\\p{L}\\p{N}\\p{M}_])`, 'iu');
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
    const path = isAbsolute(file) ? file : join(configDir, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `c4_badwords: cannot read word_files.${lang} (${path})`, { file: path, cause: err, hint: 'paths are relative to the pipeline file' });
    }
    extra.set(lang, [...(extra.get(lang) ?? []), ...parseListFile(text)]);
  }
  const regexes = new Map<string, RegExp | null>();
  const regexFor = (language: string): RegExp | null => {
    let re = regexes.get(language);
    if (re !== undefined) return re;
    const shipped = loadBadwords(language);
    const added = extra.get(language);
    re = shipped === undefined && added === undefined ? null : badwordsRegex(language, [...(shipped ?? []), ...(added ?? [])]);
    regexes.set(language, re);
    return re;
  };

  return (doc, stats) => {
    const { language } = resolveLanguage(doc, tokenize(doc.text), params.language, params.default_language);
    const re = regexFor(language);
    if (re === null) {
      if (params.fail_on_missing_language) {
        throw new SluiceError('SLUICE_CONFIG_INVALID', `c4_badwords: no bad-words list for language "${language}" (document ${doc.id})`, {
          hint: `lists ship for ${BADWORDS_LANGUAGES.join(', ')}; add one with word_files, or set fail_on_missing_language: false`,
        });
      }
      stats?.count('missing_badwords_lang');
      return undefined;
    }
    const m = re.exec(doc.text);
    if (m === null) return undefined;
    stats?.count('documents_with_badwords');
    if (params.keep_fraction > 0 && uniformFor(doc.id, params.seed) < params.keep_fraction) {
      stats?.count('documents_kept_with_badwords');
      return undefined;
    }
    return drop('document_removed_with_badwords', { language, word: (m[1] ?? m[0]).toLowerCase() });
  };
}

export const c4BadwordsFilter = defineFilter({
  name: 'c4_badwords',
  summary: 'C4 bad-words rule with the LDNOOBW lists per language (word-boundary matching except zh/ja/th)',
  params: c4BadwordsParams,
  create: (params, env) => c4Badwords(params, env.configDir),
});

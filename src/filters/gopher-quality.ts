/**
 * Gopher quality rules (Rae et al. 2021, MassiveText), with datatrove's semantics and reason
 * names. Per-language handling:
 * - words are the shared tokens, so spaceless scripts count one word per character;
 * - the mean-word-length rule is skipped for languages written without spaces (zh, ja, th, ...),
 *   where a "word" is a character (counted as `avg_word_length_skipped`);
 * - the stop-word rule uses the document language's list from data/stop-words.json (or the
 *   `stop_words` param); languages without a list skip it (counted as `stop_words_skipped`);
 * - `per_language` overrides any threshold for one language.
 * The language comes from src/filters/text/doc-language.ts (param, meta, then script guess).
 */
import { z } from '../vendor/zod.js';
import { checkBounds, type BoundPair } from '../core/bounds.js';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { count, languageParams, overridesOf, ratio, withOverrides } from './params.js';
import { skipSpaceBackward, skipSpaceForward } from './text/chars.js';
import { countStopWords, documentLanguage, isNoSpaceLanguage, makeStopWords, stopWordsFor, type StopWords } from './text/doc-language.js';
import { countOccurrences, eachPyLine } from './text/lines.js';
import { tokenize, type Tokens } from './text/tokens.js';

const thresholds = z
  .object({
    min_doc_words: count(50),
    max_doc_words: count(100_000),
    min_avg_word_length: ratio(3),
    max_avg_word_length: ratio(10),
    max_symbol_word_ratio: ratio(0.1),
    max_bullet_lines_ratio: ratio(0.9),
    max_ellipsis_lines_ratio: ratio(0.3),
    min_alpha_words_ratio: ratio(0.8),
    min_stop_words: count(2),
  })
  .strict();

type Thresholds = z.output<typeof thresholds>;

const BOUNDS: readonly BoundPair<Thresholds>[] = [
  ['min_doc_words', 'max_doc_words'],
  ['min_avg_word_length', 'max_avg_word_length'],
];

export const gopherQualityParams = thresholds
  .extend({
    /** Overrides the shipped per-language lists for every document. */
    stop_words: z.array(z.string().min(1)).optional(),
    ...languageParams,
    per_language: z.record(z.string(), overridesOf(thresholds)).default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    checkBounds(p, BOUNDS, ctx);
    // merged as the filter merges them (withOverrides): an override's bound may cross the base's other
    // one; pairs the override does not touch were checked on the base already
    for (const [language, override] of Object.entries(p.per_language)) {
      const touched = BOUNDS.filter(([min, max]) => min in override || max in override);
      checkBounds({ ...p, ...override }, touched, ctx, ['per_language', language]);
    }
  });

export type GopherQualityParams = z.output<typeof gopherQualityParams>;

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Bullet lines and ellipsis-ending lines of Python's `text.splitlines()`. */
function lineStats(text: string): { lines: number; bullets: number; ellipsisEnds: number } {
  let lines = 0;
  let bullets = 0;
  let ellipsisEnds = 0;
  eachPyLine(text, (start, end) => {
    lines++;
    const a = skipSpaceForward(text, start, end);
    if (a < end) {
      const c = text.charCodeAt(a);
      if (c === 0x2022 || c === 0x2d) bullets++;
    }
    const b = skipSpaceBackward(text, a, end);
    if (b > a) {
      const c = text.charCodeAt(b - 1);
      if (c === 0x2026 || (c === 0x2e && b - a >= 3 && text.charCodeAt(b - 2) === 0x2e && text.charCodeAt(b - 3) === 0x2e)) ellipsisEnds++;
    }
    return true;
  });
  return { lines, bullets, ellipsisEnds };
}

export function gopherQuality(params: GopherQualityParams): (doc: Doc, stats?: StageRecorder) => Drop | undefined {
  const base: Thresholds = params;
  const perLanguage = withOverrides(base, params.per_language);
  const fixedStopWords: StopWords | undefined = params.stop_words ? makeStopWords(params.stop_words) : undefined;

  return (doc, stats) => {
    const text = doc.text;
    const tokens: Tokens = tokenize(text);
    const language = documentLanguage(doc, params.language, params.default_language);
    const t = perLanguage.get(language) ?? base;
    const nWords = tokens.count;
    const nonSymbol = tokens.words;

    if (t.min_doc_words !== null && nonSymbol < t.min_doc_words) return drop('gopher_short_doc', { words: nonSymbol, min: t.min_doc_words, language });
    if (t.max_doc_words !== null && nonSymbol > t.max_doc_words) return drop('gopher_long_doc', { words: nonSymbol, max: t.max_doc_words, language });

    if (t.min_avg_word_length !== null || t.max_avg_word_length !== null) {
      if (isNoSpaceLanguage(language)) stats?.count('avg_word_length_skipped');
      else if (nonSymbol > 0) {
        const avg = tokens.wordChars / nonSymbol;
        if (t.min_avg_word_length !== null && avg < t.min_avg_word_length) return drop('gopher_below_avg_threshold', { value: round(avg), min: t.min_avg_word_length, language });
        if (t.max_avg_word_length !== null && avg > t.max_avg_word_length) return drop('gopher_above_avg_threshold', { value: round(avg), max: t.max_avg_word_length, language });
      }
    }

    if (nWords === 0) return undefined;
    if (t.max_symbol_word_ratio !== null) {
      const hashes = countOccurrences(text, '#') / nWords;
      if (hashes > t.max_symbol_word_ratio) return drop('gopher_too_many_hashes', { value: round(hashes), max: t.max_symbol_word_ratio });
      const ellipsis = (countOccurrences(text, '...') + countOccurrences(text, '\u2026')) / nWords;
      if (ellipsis > t.max_symbol_word_ratio) return drop('gopher_too_many_ellipsis', { value: round(ellipsis), max: t.max_symbol_word_ratio });
    }

    if (t.max_bullet_lines_ratio !== null || t.max_ellipsis_lines_ratio !== null) {
      const { lines, bullets, ellipsisEnds } = lineStats(text);
      if (lines > 0) {
        if (t.max_bullet_lines_ratio !== null && bullets / lines > t.max_bullet_lines_ratio) {
          return drop('gopher_too_many_bullets', { value: round(bullets / lines), max: t.max_bullet_lines_ratio });
        }
        if (t.max_ellipsis_lines_ratio !== null && ellipsisEnds / lines > t.max_ellipsis_lines_ratio) {
          return drop('gopher_too_many_end_ellipsis', { value: round(ellipsisEnds / lines), max: t.max_ellipsis_lines_ratio });
        }
      }
    }

    if (t.min_alpha_words_ratio !== null && tokens.alphaTokens / nWords < t.min_alpha_words_ratio) {
      return drop('gopher_below_alpha_threshold', { value: round(tokens.alphaTokens / nWords), min: t.min_alpha_words_ratio });
    }

    if (t.min_stop_words !== null && t.min_stop_words > 0) {
      const stop = fixedStopWords ?? stopWordsFor(language);
      if (stop === undefined) stats?.count('stop_words_skipped');
      else {
        const found = countStopWords(tokens, stop, t.min_stop_words);
        if (found < t.min_stop_words) return drop('gopher_enough_stop_words', { found, min: t.min_stop_words, language });
      }
    }
    return undefined;
  };
}

export const gopherQualityFilter = defineFilter({
  name: 'gopher_quality',
  summary: 'Gopher quality rules: word count, mean word length, symbols, bullets, ellipses, alphabetic words, stop words',
  params: gopherQualityParams,
  create: (params) => gopherQuality(params),
});

/**
 * C4's line and document rules (Raffel et al. 2020; tensorflow_datasets c4_utils), in
 * datatrove's order and with its reason names. Per line (Python `splitlines`, stripped): drop
 * lines with a word over `max_word_length` characters; strip citation markers ([1], [edit],
 * [citation needed]); drop lines without terminal punctuation or ending in "..."; drop lines
 * with fewer than `min_words_per_line` words; drop the document on "lorem ipsum"; drop lines
 * mentioning javascript; drop the document on a curly bracket; drop cookie/terms/privacy
 * boilerplate lines. Then drop the document if the kept lines hold fewer than
 * `min_num_sentences` sentences; otherwise the kept lines, joined by "\n", become its text.
 *
 * Languages: words are whitespace-separated, except that each character of a spaceless script
 * (Han, Kana, Thai, ...) counts as one word, so a Chinese line is not "fewer than 3 words";
 * 。！？ count as terminal punctuation next to C4's . ? ! " '. FineWeb runs this filter with
 * `filter_no_terminal_punct: false`.
 */
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { CHAR_FLAGS, NOSPACE, PUNCT, SPACE, pyStrip, skipSpaceBackward, skipSpaceForward } from './text/chars.js';
import { eachPyLine } from './text/lines.js';
import { literalAlternation } from './text/regex.js';
import { countSentences } from './text/sentences.js';

const DEFAULT_POLICY_SUBSTRINGS = ['terms of use', 'privacy policy', 'cookie policy', 'uses cookies', 'use of cookies', 'use cookies'];

export const c4Params = z
  .object({
    remove_citations: z.boolean().default(true),
    filter_no_terminal_punct: z.boolean().default(true),
    /** Characters a kept line must end with (C4's . ? ! " ' plus the CJK full stops). */
    end_punctuation: z.array(z.string().min(1)).default(['.', '?', '!', '"', "'", '\u3002', '\uff01', '\uff1f']),
    min_num_sentences: z.number().int().nonnegative().nullable().default(5),
    min_words_per_line: z.number().int().nonnegative().nullable().default(3),
    max_word_length: z.number().int().positive().nullable().default(1000),
    filter_lorem_ipsum: z.boolean().default(true),
    filter_javascript: z.boolean().default(true),
    filter_curly_bracket: z.boolean().default(true),
    filter_policy: z.boolean().default(true),
    policy_substrings: z.array(z.string().min(1)).default(DEFAULT_POLICY_SUBSTRINGS),
  })
  .strict();

export type C4Params = z.output<typeof c4Params>;

const CITATION = /\[\p{Nd}*\]|\[edit\]|\[citation needed\]/gu;

interface LineCounts {
  total: number;
  kept: number;
  longWord: number;
  noTerminalPunct: number;
  fewWords: number;
  javascript: number;
  policy: number;
  citations: number;
}

const COUNTER_NAMES: [keyof LineCounts, string][] = [
  ['total', 'lines_total'],
  ['kept', 'lines_kept'],
  ['longWord', 'lines_dropped_long_word'],
  ['noTerminalPunct', 'lines_dropped_no_terminal_punct'],
  ['fewWords', 'lines_dropped_few_words'],
  ['javascript', 'lines_dropped_javascript'],
  ['policy', 'lines_dropped_policy'],
  ['citations', 'citations_removed'],
];

/**
 * Whitespace-separated words of text[a, b), each spaceless-script character a word, counted up
 * to `enough`.
 */
function countWords(text: string, a: number, b: number, enough: number): number {
  let words = 0;
  let inRun = false;
  for (let i = a; i < b; i++) {
    const f = CHAR_FLAGS[text.charCodeAt(i)]!;
    if (f & SPACE) inRun = false;
    else if ((f & (NOSPACE | PUNCT)) === NOSPACE) {
      if (++words >= enough) return words;
      inRun = false;
    } else if (!inRun) {
      if (++words >= enough) return words;
      inRun = true;
    }
  }
  return words;
}

/** Length of the longest whitespace-separated chunk of text[a, b). */
function longestChunk(text: string, a: number, b: number): number {
  let longest = 0;
  let chunk = 0;
  for (let i = a; i < b; i++) {
    if (CHAR_FLAGS[text.charCodeAt(i)]! & SPACE) {
      if (chunk > longest) longest = chunk;
      chunk = 0;
    } else chunk++;
  }
  return chunk > longest ? chunk : longest;
}

/** The phrases whose lines c4 tests with its specific patterns: lorem ipsum, javascript, the policy phrases (as enabled). */
export function c4Keywords(params: C4Params): string[] {
  const keywords: string[] = [];
  if (params.filter_lorem_ipsum) keywords.push('lorem ipsum');
  if (params.filter_javascript) keywords.push('javascript');
  if (params.filter_policy) keywords.push(...params.policy_substrings);
  return keywords;
}

/** Appends to `into` every position of `text` where `pattern` (global) matches, in order, overlapping ones included: each search resumes one past the last start. */
export function keywordStarts(pattern: RegExp, text: string, into: number[]): void {
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) {
    into.push(m.index);
    pattern.lastIndex = m.index + 1;
  }
}

export function c4(params: C4Params): (doc: Doc, stats?: StageRecorder) => Drop | undefined {
  const endings = [...new Set(params.end_punctuation)];
  const endsWithPunct = (line: string) => {
    for (const e of endings) if (line.endsWith(e)) return true;
    return false;
  };
  const keywords = c4Keywords(params);
  // One scan of the document finds where any keyword starts; only lines holding one are tested
  // with the specific patterns. The same case-insensitive matching as those patterns, so a line
  // they would match always holds a start. One /gi alternation over the text costs less than
  // lower-casing the text and matching case-sensitively (the `c4 keyword scan` row of the
  // filters bench), and less than an indexOf pass per keyword.
  const anyKeyword = keywords.length > 0 ? new RegExp(literalAlternation(keywords), 'gi') : undefined;
  const lorem = /lorem ipsum/i;
  const javascript = /javascript/i;
  const policy = params.policy_substrings.length > 0 ? new RegExp(literalAlternation(params.policy_substrings), 'i') : undefined;

  return (doc, stats) => {
    const text = doc.text;
    const hits: number[] = [];
    if (anyKeyword !== undefined) keywordStarts(anyKeyword, text, hits);
    let hit = 0;
    const checkCitations = params.remove_citations && text.includes('[');
    const checkBracket = params.filter_curly_bracket && text.includes('{');
    const counts: LineCounts = { total: 0, kept: 0, longWord: 0, noTerminalPunct: 0, fewWords: 0, javascript: 0, policy: 0, citations: 0 };
    const kept: string[] = [];
    let sentences = 0;
    let verdict: Drop | undefined;

    const minWords = params.min_words_per_line ?? 0;
    const onLine = (a: number, b: number): boolean => {
      counts.total++;
      a = skipSpaceForward(text, a, b);
      b = skipSpaceBackward(text, a, b);
      if (params.max_word_length !== null && b - a > params.max_word_length && longestChunk(text, a, b) > params.max_word_length) {
        counts.longWord++;
        return true;
      }
      const words = minWords > 0 ? countWords(text, a, b, minWords) : 0;
      let line = text.slice(a, b);
      while (hit < hits.length && hits[hit]! < a) hit++;
      let checkKeywords = hit < hits.length && hits[hit]! < b;
      if (checkCitations && line.includes('[')) {
        const before = line.length;
        line = line.replace(CITATION, '');
        if (line.length !== before) {
          counts.citations++;
          // Removing a citation can join a keyword ("java[1]script"); test this line in full.
          checkKeywords = anyKeyword !== undefined;
        }
      }
      if (params.filter_no_terminal_punct && (!endsWithPunct(line) || line.endsWith('...'))) {
        counts.noTerminalPunct++;
        return true;
      }
      if (params.min_words_per_line !== null && words < params.min_words_per_line) {
        counts.fewWords++;
        return true;
      }
      if (checkKeywords) {
        if (params.filter_lorem_ipsum && lorem.test(line)) {
          verdict = drop('lorem_ipsum');
          return false;
        }
        if (params.filter_javascript && javascript.test(line)) {
          counts.javascript++;
          return true;
        }
      }
      if (checkBracket && line.includes('{')) {
        verdict = drop('curly_bracket');
        return false;
      }
      if (checkKeywords && params.filter_policy && policy !== undefined && policy.test(line)) {
        counts.policy++;
        return true;
      }
      // Only "fewer than min_num_sentences" matters, so counting stops once that many are found.
      if (params.min_num_sentences !== null && sentences < params.min_num_sentences) sentences += countSentences(line);
      kept.push(line);
      counts.kept++;
      return true;
    };

    eachPyLine(text, onLine);

    if (stats) for (const [key, name] of COUNTER_NAMES) if (counts[key] > 0) stats.count(name, counts[key]);
    if (verdict) return verdict;
    if (params.min_num_sentences !== null && sentences < params.min_num_sentences) {
      return drop('too_few_sentences', { sentences, min: params.min_num_sentences });
    }
    const out = pyStrip(kept.join('\n'));
    if (out !== text) {
      doc.text = out;
      stats?.modified();
    }
    return undefined;
  };
}

export const c4Filter = defineFilter({
  name: 'c4',
  summary: 'C4 rules: drop boilerplate lines (no terminal punctuation, short, javascript, cookie/policy), citations, lorem ipsum, curly brackets, too few sentences',
  params: c4Params,
  create: (params) => c4(params),
});

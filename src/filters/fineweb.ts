/**
 * FineWeb's own quality rules (Penedo et al. 2024), with datatrove's semantics: lines are
 * `text.split("\n")` without the blank ones; a line "ends in punctuation" when its last
 * character (not stripped) is terminal punctuation; duplicated-line characters are counted over
 * the text without its newlines; the list ratio is newlines per token.
 *
 * Languages: tokens count each Han/Kana/Thai character as a word, and terminal punctuation
 * covers many scripts (。 ۔ । ؟ ...). A short line is measured in characters, which carry more
 * text in Chinese and Japanese, so `per_language` lowers `short_line_length` to 12 for zh and ja
 * by default (English and other languages keep FineWeb's 30). The language comes from
 * src/filters/text/doc-language.ts.
 */
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import { languageParams, overridesOf, ratio, withOverrides } from './params.js';
import { CHAR_FLAGS, SPACE, TERMINAL, flagsBefore } from './text/chars.js';
import { SPAN_HASH_SEED, SpanInterner } from './text/hash-table.js';
import { documentLanguage } from './text/doc-language.js';
import { countTokens } from './text/tokens.js';

const thresholds = z
  .object({
    line_punct_thr: ratio(0.12),
    line_punct_exclude_zero: z.boolean().default(false),
    short_line_thr: ratio(0.67),
    short_line_length: z.number().int().nonnegative().default(30),
    char_duplicates_ratio: ratio(0.01),
    new_line_ratio: ratio(0.3),
  })
  .strict();

type Thresholds = z.output<typeof thresholds>;

export const finewebParams = thresholds
  .extend({
    /** Characters that count as terminal punctuation; default: datatrove's TERMINAL_PUNCTUATION. */
    stop_chars: z.string().min(1).optional(),
    ...languageParams,
    per_language: z.record(z.string(), overridesOf(thresholds)).default({ zh: { short_line_length: 12 }, ja: { short_line_length: 12 } }),
  })
  .strict();

export type FinewebParams = z.output<typeof finewebParams>;

const round = (x: number) => Math.round(x * 10000) / 10000;

/** Whether two verdicts are the same: both keep, or both drop for the same reason with the same detail. */
function sameVerdict(x: Drop | undefined, y: Drop | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  if (x.reason !== y.reason) return false;
  const dx = x.detail ?? {};
  const dy = y.detail ?? {};
  const keys = Object.keys(dx);
  return keys.length === Object.keys(dy).length && keys.every((k) => dx[k] === dy[k]);
}

/** What one pass over a document's lines measures; `lengths` holds the non-blank lines' lengths. */
interface LineFigures {
  lines: number;
  punct: number;
  dupChars: number;
  newlines: number;
  chunks: number;
  lengths: Int32Array;
}

export function fineweb(params: FinewebParams): (doc: Doc) => Drop | undefined {
  const custom = params.stop_chars === undefined ? undefined : new Set([...params.stop_chars].map((ch) => ch.codePointAt(0)!));
  const endsWithStop = custom
    ? (text: string, end: number): boolean => {
        const c = text.codePointAt(end - 1)!;
        if (c >= 0xdc00 && c <= 0xdfff && end >= 2) return custom.has(text.codePointAt(end - 2)!);
        return custom.has(c);
      }
    : (text: string, end: number): boolean => (flagsBefore(text, end) & TERMINAL) !== 0;
  const spans = new SpanInterner();
  const base: Thresholds = params;
  const perLanguage = withOverrides(base, params.per_language);
  // Every threshold set a document can be judged by: when they all give the same verdict, the
  // document's language (a pass over its letters) is not needed.
  const candidates: Thresholds[] = [base, ...perLanguage.values()];
  const figures: LineFigures = { lines: 0, punct: 0, dupChars: 0, newlines: 0, chunks: 0, lengths: new Int32Array(1024) };
  let listWords = -1;

  const languageOf = (doc: Doc): string => documentLanguage(doc, params.language, params.default_language);

  const judge = (text: string, f: LineFigures, t: Thresholds): Drop | undefined => {
    const { lines, punct, dupChars, newlines, chunks, lengths } = f;
    const punctRatio = punct / lines;
    if (t.line_punct_thr !== null && punctRatio < t.line_punct_thr && !(punctRatio === 0 && t.line_punct_exclude_zero)) {
      return drop('line_punct_ratio', { value: round(punctRatio), min: t.line_punct_thr });
    }
    if (t.short_line_thr !== null) {
      let short = 0;
      for (let j = 0; j < lines; j++) if (lengths[j]! <= t.short_line_length) short++;
      if (short / lines > t.short_line_thr) return drop('short_line_ratio', { value: round(short / lines), max: t.short_line_thr });
    }
    const dupRatio = dupChars / (text.length - newlines);
    if (t.char_duplicates_ratio !== null && dupRatio > t.char_duplicates_ratio) {
      return drop('char_dup_ratio', { value: round(dupRatio), max: t.char_duplicates_ratio });
    }
    // Whitespace-separated chunks bound the token count from below (each chunk is at least one
    // token), so the list ratio usually passes without counting tokens.
    if (t.new_line_ratio !== null && newlines > t.new_line_ratio * chunks) {
      if (listWords < 0) listWords = countTokens(text);
      const listRatio = listWords === 0 ? Infinity : newlines / listWords;
      if (listRatio > t.new_line_ratio) return drop('list_ratio', { value: round(listRatio), max: t.new_line_ratio });
    }
    return undefined;
  };

  return (doc) => {
    const text = doc.text;
    const L = text.length;
    let lines = 0;
    let punct = 0;
    let dupChars = 0;
    let newlines = 0;
    let chunks = 0;
    if (figures.lengths.length < L + 1) figures.lengths = new Int32Array(L + 1);
    const lengths = figures.lengths;
    spans.reset(text, 64);
    let p = 0;
    for (;;) {
      const i = text.indexOf('\n', p);
      const end = i === -1 ? L : i;
      let h = SPAN_HASH_SEED;
      // A chunk starts at a non-space after a space (or the line start); counted without a
      // branch, which word boundaries would mispredict. SPACE is bit 0.
      let prevSpace = 1;
      let lineChunks = 0;
      for (let j = p; j < end; j++) {
        const c = text.charCodeAt(j);
        h = Math.imul(h ^ c, 0x01000193);
        const space = CHAR_FLAGS[c]! & SPACE;
        lineChunks += prevSpace & ~space;
        prevSpace = space;
      }
      if (lineChunks > 0) {
        chunks += lineChunks;
        lengths[lines++] = end - p;
        if (endsWithStop(text, end)) punct++;
        spans.internHashed(p, end, h);
        if (!spans.added) dupChars += end - p;
      }
      if (i === -1) break;
      newlines++;
      p = i + 1;
    }
    if (lines === 0) return drop('empty');
    figures.lines = lines;
    figures.punct = punct;
    figures.dupChars = dupChars;
    figures.newlines = newlines;
    figures.chunks = chunks;
    listWords = -1;
    const first = judge(text, figures, base);
    let agree = true;
    for (let c = 1; c < candidates.length && agree; c++) agree = sameVerdict(first, judge(text, figures, candidates[c]!));
    if (agree) return first;
    return judge(text, figures, perLanguage.get(languageOf(doc)) ?? base);
  };
}

export const finewebFilter = defineFilter({
  name: 'fineweb',
  summary: 'FineWeb quality rules: lines ending in punctuation, short lines, duplicated lines, list-like documents',
  params: finewebParams,
  create: (params) => fineweb(params),
});

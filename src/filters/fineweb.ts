/**
 * FineWeb's own quality rules (Penedo et al. 2024), with datatrove's semantics: lines are
 * `text.split("\n")` without the blank ones; a line "ends in punctuation" when its last
 * character (not stripped) is terminal punctuation; duplicated-line characters are counted over
 * the text without its newlines; the list ratio is newlines per token.
 */
import { z } from 'zod';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import { ratio } from './params.js';
import { TERMINAL, flagsBefore } from './text/chars.js';
import { SpanInterner } from './text/hash-table.js';
import { isBlank } from './text/lines.js';
import { tokenize } from './text/tokens.js';

export const finewebParams = z
  .object({
    line_punct_thr: ratio(0.12),
    line_punct_exclude_zero: z.boolean().default(false),
    /** Characters that count as terminal punctuation; default: datatrove's TERMINAL_PUNCTUATION. */
    stop_chars: z.string().min(1).optional(),
    short_line_thr: ratio(0.67),
    short_line_length: z.number().int().nonnegative().default(30),
    char_duplicates_ratio: ratio(0.01),
    new_line_ratio: ratio(0.3),
  })
  .strict();

export type FinewebParams = z.output<typeof finewebParams>;

const round = (x: number) => Math.round(x * 10000) / 10000;

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

  return (doc) => {
    const text = doc.text;
    const L = text.length;
    let lines = 0;
    let punct = 0;
    let short = 0;
    let dupChars = 0;
    let newlines = 0;
    spans.reset(text, 64);
    let p = 0;
    for (;;) {
      const i = text.indexOf('\n', p);
      const end = i === -1 ? L : i;
      if (end > p && !isBlank(text, p, end)) {
        lines++;
        if (endsWithStop(text, end)) punct++;
        if (end - p <= params.short_line_length) short++;
        spans.intern(p, end);
        if (!spans.added) dupChars += end - p;
      }
      if (i === -1) break;
      newlines++;
      p = i + 1;
    }
    if (lines === 0) return drop('empty');
    const punctRatio = punct / lines;
    if (params.line_punct_thr !== null && punctRatio < params.line_punct_thr && !(punctRatio === 0 && params.line_punct_exclude_zero)) {
      return drop('line_punct_ratio', { value: round(punctRatio), min: params.line_punct_thr });
    }
    if (params.short_line_thr !== null && short / lines > params.short_line_thr) {
      return drop('short_line_ratio', { value: round(short / lines), max: params.short_line_thr });
    }
    const dupRatio = dupChars / (L - newlines);
    if (params.char_duplicates_ratio !== null && dupRatio > params.char_duplicates_ratio) {
      return drop('char_dup_ratio', { value: round(dupRatio), max: params.char_duplicates_ratio });
    }
    if (params.new_line_ratio !== null) {
      const words = tokenize(text).count;
      const listRatio = words === 0 ? Infinity : newlines / words;
      if (listRatio > params.new_line_ratio) return drop('list_ratio', { value: round(listRatio), max: params.new_line_ratio });
    }
    return undefined;
  };
}

export const finewebFilter = defineFilter({
  name: 'fineweb',
  summary: 'FineWeb quality rules: lines ending in punctuation, short lines, duplicated lines, list-like documents',
  params: finewebParams,
  create: (params) => fineweb(params),
});

/**
 * Example plugin: a filter that drops documents made of overlong lines (minified code, base64
 * blobs, tables flattened into one line), which line-based quality filters cannot judge.
 * Used by pipelines/plugin-example.yaml; see src/plugins/README.md.
 */
import { defineFilter, drop, z } from 'sluice';

export default defineFilter({
  name: 'max_line_length',
  summary: 'drop documents where too many lines are longer than max_chars characters',
  params: z
    .object({
      max_chars: z.number().int().positive().default(1000).describe('a line longer than this counts as long'),
      max_long_fraction: z.number().min(0).max(1).default(0).describe('drop when the fraction of long lines (of non-empty lines) exceeds this'),
      min_lines: z.number().int().nonnegative().default(0).describe('documents with fewer non-empty lines are kept unjudged'),
    })
    .strict(),
  create(params) {
    return (doc, stats) => {
      let lines = 0;
      let long = 0;
      let longest = 0;
      for (const line of doc.text.split('\n')) {
        if (line.trim() === '') continue;
        lines++;
        if (line.length > longest) longest = line.length;
        if (line.length > params.max_chars) long++;
      }
      if (lines < params.min_lines) {
        stats.count('too_few_lines_to_judge');
        return undefined;
      }
      stats.histogram('max_line_length.longest', longest <= 200 ? '<=200' : longest <= 1000 ? '<=1000' : '>1000');
      const fraction = lines === 0 ? 0 : long / lines;
      if (fraction > params.max_long_fraction) return drop('line_too_long', { longest, long_lines: long, lines });
      return undefined;
    };
  },
});

import { z } from '../vendor/zod.js';
import { boundsInOrder } from '../core/bounds.js';
import { defineFilter, drop } from '../core/stage.js';
import { tokenize } from './text/tokens.js';

/**
 * Drops documents outside a character and/or word length range. Words are the shared tokens
 * with a non-punctuation character (src/filters/text/tokens.ts): each Han/Kana/Thai character
 * counts as one word, so `min_words` works for Chinese and Japanese too.
 */
export const lengthFilter = defineFilter({
  name: 'length',
  summary: 'drop documents shorter or longer than a number of characters or words',
  params: z
    .object({
      min_chars: z.number().int().nonnegative().default(0),
      max_chars: z.number().int().positive().optional(),
      min_words: z.number().int().nonnegative().optional(),
      max_words: z.number().int().positive().optional(),
    })
    .strict()
    .superRefine(
      boundsInOrder([
        ['min_chars', 'max_chars'],
        ['min_words', 'max_words'],
      ]),
    ),
  create({ min_chars, max_chars, min_words, max_words }) {
    return (doc) => {
      const n = doc.text.length;
      if (n < min_chars) return drop('too_short', { chars: n, min_chars });
      if (max_chars !== undefined && n > max_chars) return drop('too_long', { chars: n, max_chars });
      if (min_words !== undefined || max_words !== undefined) {
        const words = tokenize(doc.text).words;
        if (min_words !== undefined && words < min_words) return drop('too_few_words', { words, min_words });
        if (max_words !== undefined && words > max_words) return drop('too_many_words', { words, max_words });
      }
      return undefined;
    };
  },
});

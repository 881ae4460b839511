import { z } from 'zod';
import { defineFilter, drop } from '../core/stage.js';

/** Drops documents outside a character (and optionally word) length range. */
export const lengthFilter = defineFilter({
  name: 'length',
  summary: 'drop documents shorter or longer than a number of characters',
  params: z
    .object({
      min_chars: z.number().int().nonnegative().default(0),
      max_chars: z.number().int().positive().optional(),
    })
    .strict(),
  create({ min_chars, max_chars }) {
    return (doc) => {
      const n = doc.text.length;
      if (n < min_chars) return drop('too_short', { chars: n, min_chars });
      if (max_chars !== undefined && n > max_chars) return drop('too_long', { chars: n, max_chars });
      return undefined;
    };
  },
});

import { escapeRegExp } from '../../core/regex.js';

/** Regex source that matches any of `words` literally: their escaped forms joined by `|`. */
export function literalAlternation(words: readonly string[]): string {
  return words.map(escapeRegExp).join('|');
}

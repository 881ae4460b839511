/**
 * Pre-tokenization patterns, spelled exactly as tiktoken 1.0.22 ships them (its
 * `encoders/*.json` pat_str), in the Rust regex syntax tiktoken compiles. The fast encoder has a
 * hand-written scanner for each; any other pattern (including other spellings of these, such as
 * newer tiktoken releases' possessive forms, which also split trailing whitespace differently)
 * goes through a translated JavaScript RegExp.
 */

/** GPT-2, r50k_base and p50k_base (and HF's ByteLevel pre-tokenizer with use_regex). */
export const R50K_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** cl100k_base (and Llama 3's tokenizer.json Split pattern). */
export const CL100K_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** o200k_base. */
export const O200K_PATTERN = [
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
  '\\p{N}{1,3}',
  ' ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*',
  '\\s*[\\r\\n]+',
  '\\s+(?!\\S)',
  '\\s+',
].join('|');

export type PatternFamily = 'r50k' | 'cl100k' | 'o200k';

const FAMILIES: ReadonlyMap<string, PatternFamily> = new Map<string, PatternFamily>([
  [R50K_PATTERN, 'r50k'],
  [CL100K_PATTERN, 'cl100k'],
  [O200K_PATTERN, 'o200k'],
]);

/** The hand-written scanner that implements `pattern`, if there is one. */
export function patternFamily(pattern: string): PatternFamily | undefined {
  return FAMILIES.get(pattern);
}

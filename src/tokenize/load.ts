/**
 * Resolves a tokenizer spec to a Tokenizer (vocab-load.ts reads the vocabulary).
 * loadTokenizer caches a Tokenizer per spec and process (loading o200k_base takes a few hundred ms).
 */
import { Tokenizer } from './tokenizer.js';
import { loadVocabulary, specKey, type TokenizerSpec } from './vocab-load.js';
import type { Vocabulary } from './vocabulary.js';

export { HF_FILE, loadVocabulary, META_FILE, RANK_FILE, type TokenizerMeta, type TokenizerSpec } from './vocab-load.js';

const cache = new Map<string, Tokenizer>();

/**
 * A Tokenizer for the spec, shared within the process (encoding is synchronous, so sharing is
 * safe). `vocab`: the spec's vocabulary when the caller has already loaded it.
 */
export function loadTokenizer(spec: TokenizerSpec, vocab?: Vocabulary): Tokenizer {
  const key = specKey(spec);
  let tok = cache.get(key);
  if (!tok) {
    tok = new Tokenizer(vocab ?? loadVocabulary(spec));
    cache.set(key, tok);
  }
  return tok;
}

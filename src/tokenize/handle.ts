/**
 * A tokenizer as a pipeline stage needs it: the facts the manifest records and the checks that
 * make a bad spec fail at build, with the encoder itself built on first use. Building the
 * encoder's tables costs a few hundred ms of CPU, which a leader (it builds every stage only to
 * learn the phases and the manifest) and a worker that gets no documents never need.
 */
import { checkByteLevel, bpeCoreFor } from './bpe.js';
import { isStandardName, standardFacts } from './standard.js';
import type { Tokenizer } from './tokenizer.js';
import { loadVocabulary, specKey, type TokenizerSpec } from './vocab-load.js';
import type { Vocabulary } from './vocabulary.js';

export interface TokenizerHandle {
  readonly name: string;
  /** Number of token ids (tiktoken's n_vocab). */
  readonly size: number;
  readonly sha256: string;
  readonly specialTokens: ReadonlyMap<string, number>;
  /** The encoder, built on the first call and shared within the process. */
  load(): Promise<Tokenizer>;
}

const handles = new Map<string, TokenizerHandle>();

async function tokenizerOf(spec: TokenizerSpec, vocab?: Vocabulary): Promise<Tokenizer> {
  const { loadTokenizer } = await import('./load.js');
  return loadTokenizer(spec, vocab);
}

/**
 * Checks the spec and returns its facts. A standard name is checked against the pinned facts
 * (the ranks are verified when first loaded); a path's vocabulary is read and checked in full.
 */
export function tokenizerHandle(spec: TokenizerSpec): TokenizerHandle {
  const key = specKey(spec);
  let handle = handles.get(key);
  if (handle) return handle;
  if (isStandardName(spec.tokenizer)) {
    const facts = standardFacts(spec.tokenizer);
    let loading: Promise<Tokenizer> | undefined;
    handle = { ...facts, load: () => (loading ??= tokenizerOf(spec)) };
  } else {
    const vocab = loadVocabulary(spec);
    checkByteLevel(vocab);
    // an HF merge list is checked while its pair table is built: a bad one fails here, not mid-run
    if (vocab.mergeRule.kind === 'merges') bpeCoreFor(vocab);
    let loading: Promise<Tokenizer> | undefined;
    handle = { name: vocab.name, size: vocab.size, sha256: vocab.sha256, specialTokens: vocab.specialTokens, load: () => (loading ??= tokenizerOf(spec, vocab)) };
  }
  handles.set(key, handle);
  return handle;
}

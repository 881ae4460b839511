/**
 * Byte-level BPE training: count pre-tokens over documents (pretoken-counter.ts), learn merges
 * (merge-learner.ts), and write the result as a tiktoken rank file, an HF tokenizer.json with the
 * tokenizer_config.json and special_tokens_map.json that AutoTokenizer reads beside it, and a
 * small sluice-tokenizer.json that ties them together.
 */
import { join } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { HF_CONFIG_FILE, HF_SPECIAL_TOKENS_FILE, hfConfigFiles, type HfConfigOptions } from './hf-config.js';
import { toHfTokenizerJson } from './hf-json.js';
import { HF_FILE, META_FILE, RANK_FILE, type TokenizerMeta } from './vocab-load.js';
import { learnMerges } from './merge-learner.js';
import { PretokenCounter, type PretokenStats } from './pretoken-counter.js';
import { STANDARD_VOCABULARIES } from './standard.js';
import { TokenTable } from './token-table.js';
import { sha256Hex, Vocabulary } from './vocabulary.js';

export interface TrainConfig {
  /** Total ids: 256 bytes + learned tokens + special tokens. */
  vocabSize: number;
  /** Stop early when the most frequent pair occurs fewer times. Default 2. */
  minFrequency?: number;
  /** Added after the learned tokens, in order. Default ['<|endoftext|>']. */
  specialTokens?: string[];
  /** Pre-tokenization: a standard vocabulary whose pattern to use, or a regex. Default cl100k_base. */
  pattern?: string;
  /** Bound on distinct pre-tokens held while counting (see pretoken-counter.ts). Default 2,000,000. */
  maxPretokens?: number;
  name?: string;
}

export interface TrainingReport extends PretokenStats {
  vocab_size_requested: number;
  vocab_size: number;
  learned_tokens: number;
  min_frequency: number;
  max_pretokens: number;
  stop: string;
  last_pair_count: number;
  duplicate_merges: number;
}

export interface TrainedTokenizer {
  vocab: Vocabulary;
  /** Merge pairs [left, right, ...] in order, for tokenizer.json. */
  merges: Int32Array;
  report: TrainingReport;
}

export class BpeTrainer {
  private readonly counter: PretokenCounter;
  readonly pattern: string;
  private readonly specialTokens: string[];
  private readonly minFrequency: number;
  private readonly name: string;

  constructor(private readonly config: TrainConfig) {
    this.pattern = STANDARD_VOCABULARIES[config.pattern ?? 'cl100k_base']?.pattern ?? config.pattern!;
    this.specialTokens = config.specialTokens ?? ['<|endoftext|>'];
    this.minFrequency = config.minFrequency ?? 2;
    this.name = config.name ?? 'sluice-bpe';
    if (new Set(this.specialTokens).size !== this.specialTokens.length) throw new SluiceError('SLUICE_TOKENIZER', 'special tokens repeat');
    const min = 256 + this.specialTokens.length + 1;
    if (!Number.isInteger(config.vocabSize) || config.vocabSize < min) {
      throw new SluiceError('SLUICE_TOKENIZER', `vocab_size ${config.vocabSize} is too small`, {
        hint: `it counts the 256 byte tokens and ${this.specialTokens.length} special token(s): use at least ${min}`,
      });
    }
    this.counter = new PretokenCounter(this.pattern, config.maxPretokens ?? 2_000_000);
  }

  /** Counts one document. Special-token strings in it are ordinary text, as in encoding. */
  add(text: string): void {
    this.counter.add(text);
  }

  finish(onProgress?: (learned: number, total: number) => void): TrainedTokenizer {
    const newTokens = this.config.vocabSize - 256 - this.specialTokens.length;
    const learned = learnMerges(this.counter.counts, { newTokens, minFrequency: this.minFrequency, ...(onProgress ? { onProgress } : {}) });
    const tokens = TokenTable.fromTokens(learned.tokens);
    const specialTokens = new Map(this.specialTokens.map((t, i) => [t, learned.tokens.length + i]));
    const ranks = new Vocabulary({
      name: this.name,
      pattern: this.pattern,
      tokens,
      specialTokens,
      mergeRule: { kind: 'rank' },
      wholePieceLookup: true,
      keepUnmatched: false,
      prefixSpace: false,
      source: 'trained',
    });
    const report: TrainingReport = {
      ...this.counter.stats(),
      vocab_size_requested: this.config.vocabSize,
      vocab_size: ranks.size,
      learned_tokens: learned.tokens.length - 256,
      min_frequency: this.minFrequency,
      max_pretokens: this.counter.maxPretokens,
      stop: learned.stop,
      last_pair_count: learned.lastCount,
      duplicate_merges: learned.duplicates,
    };
    return { vocab: ranks, merges: learned.merges, report };
  }
}

/** The files writeTrainedTokenizer writes, in order. */
export const TRAINED_FILES = [RANK_FILE, HF_FILE, HF_CONFIG_FILE, HF_SPECIAL_TOKENS_FILE, META_FILE] as const;

/** Writes TRAINED_FILES into dir (each atomically). */
export async function writeTrainedTokenizer(dir: string, trained: TrainedTokenizer, hf: HfConfigOptions = {}): Promise<TokenizerMeta> {
  const { vocab } = trained;
  const rankFile = vocab.rankFile();
  const meta: TokenizerMeta = {
    format: 'sluice-tokenizer/1',
    name: vocab.name,
    pattern: vocab.pattern,
    special_tokens: Object.fromEntries(vocab.specialTokens),
    vocab_size: vocab.size,
    rank_file: RANK_FILE,
    sha256: sha256Hex(rankFile),
    training: { ...trained.report },
  };
  await writeFileAtomic(join(dir, RANK_FILE), rankFile);
  await writeFileAtomic(join(dir, HF_FILE), JSON.stringify(toHfTokenizerJson(vocab, trained.merges)));
  const { tokenizerConfig, specialTokensMap } = hfConfigFiles(vocab, hf);
  await writeFileAtomic(join(dir, HF_CONFIG_FILE), tokenizerConfig);
  await writeFileAtomic(join(dir, HF_SPECIAL_TOKENS_FILE), specialTokensMap);
  await writeFileAtomic(join(dir, META_FILE), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

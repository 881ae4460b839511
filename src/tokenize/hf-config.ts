/**
 * The two files beside tokenizer.json that `transformers.AutoTokenizer.from_pretrained(dir)` and
 * transformers.js read: tokenizer_config.json (which class to build, length limit, decoding
 * options, special tokens) and special_tokens_map.json. Without tokenizer_class AutoTokenizer
 * looks for a model's config.json, and without clean_up_tokenization_spaces: false it rewrites
 * " ." to "." on decode, so decode(encode(text)) would not give the text back.
 */
import type { Vocabulary } from './vocabulary.js';

export const HF_CONFIG_FILE = 'tokenizer_config.json';
export const HF_SPECIAL_TOKENS_FILE = 'special_tokens_map.json';

/** transformers' VERY_LARGE_INTEGER (int(1e30)), its "no length limit"; written as an integer literal. */
export const NO_LENGTH_LIMIT = '1000000000000000019884624838656';

/** Special-token roles transformers knows, by the usual token strings; the EOS is `vocab.defaultEos()`. */
const ROLE_TOKENS = {
  bos_token: ['<|begin_of_text|>', '<|startoftext|>', '<s>', '<bos>'],
  pad_token: ['<|pad|>', '<pad>'],
  unk_token: ['<|unk|>', '<unk>'],
} as const;

export interface HfConfigOptions {
  /** Longest sequence a model using this tokenizer takes; default: no limit. */
  modelMaxLength?: number;
}

export interface HfConfigFiles {
  /** tokenizer_config.json, as text (model_max_length may be past 2^53). */
  tokenizerConfig: string;
  /** special_tokens_map.json, as text. */
  specialTokensMap: string;
}

/** The special tokens by role (eos_token, ...) and the rest as additional_special_tokens. */
export function specialTokenRoles(vocab: Vocabulary): Record<string, string | string[]> {
  const roles: Record<string, string | string[]> = {};
  const eos = vocab.defaultEos();
  if (eos) roles['eos_token'] = eos.token;
  for (const [role, candidates] of Object.entries(ROLE_TOKENS)) {
    const token = candidates.find((t) => vocab.specialTokens.has(t));
    if (token !== undefined) roles[role] = token;
  }
  const named = new Set(Object.values(roles));
  const additional = [...vocab.specialTokens]
    .sort((a, b) => a[1] - b[1])
    .map(([t]) => t)
    .filter((t) => !named.has(t));
  if (additional.length > 0) roles['additional_special_tokens'] = additional;
  return roles;
}

export function hfConfigFiles(vocab: Vocabulary, opts: HfConfigOptions = {}): HfConfigFiles {
  const roles = specialTokenRoles(vocab);
  const addedTokensDecoder = Object.fromEntries(
    [...vocab.specialTokens].sort((a, b) => a[1] - b[1]).map(([content, id]) => [String(id), { content, lstrip: false, normalized: false, rstrip: false, single_word: false, special: true }]),
  );
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: opts.modelMaxLength ?? NO_LENGTH_LIMIT,
    clean_up_tokenization_spaces: false,
    // as tokenizer.json's ByteLevel steps (hf-json.ts): no space is added, text is encoded as it is
    add_prefix_space: false,
    ...roles,
    added_tokens_decoder: addedTokensDecoder,
  };
  // JSON.stringify would write 1e+30, which Python reads as a float
  const tokenizerConfig = JSON.stringify(config, null, 2).replace(`"model_max_length": "${NO_LENGTH_LIMIT}"`, `"model_max_length": ${NO_LENGTH_LIMIT}`) + '\n';
  return { tokenizerConfig, specialTokensMap: JSON.stringify(roles, null, 2) + '\n' };
}

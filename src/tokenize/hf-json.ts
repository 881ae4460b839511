/**
 * Hugging Face `tokenizer.json` for byte-level BPE models: import (GPT-2 style, with the
 * ByteLevel pre-tokenizer, and Llama 3 style, with a Split regex before a ByteLevel that does
 * not split) and export (the trainer writes the Llama 3 style with its own pattern).
 *
 * Token strings in these files spell bytes through GPT-2's byte-to-unicode table (a space is
 * "Ġ"); this module maps them back to bytes.
 */
import { SluiceError } from '../core/errors.js';
import { R50K_PATTERN } from './patterns.js';
import { TokenTableBuilder } from './token-table.js';
import { sha256Hex, Vocabulary } from './vocabulary.js';
import { escapeRegExp } from '../core/regex.js';

/** GPT-2's bytes_to_unicode(): printable bytes map to themselves, the rest to U+0100 onwards. */
function byteToUnicode(): string[] {
  const table: string[] = new Array<string>(256);
  let extra = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    table[b] = String.fromCharCode(printable ? b : 256 + extra++);
  }
  return table;
}

const BYTE_TO_CHAR = byteToUnicode();
const CHAR_TO_BYTE = new Map(BYTE_TO_CHAR.map((c, b) => [c, b]));

export function bytesToHfToken(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += BYTE_TO_CHAR[b];
  return s;
}

/** Bytes of an HF byte-level token string, or undefined if it is not one. */
export function hfTokenToBytes(token: string): Uint8Array | undefined {
  const out = new Uint8Array(token.length);
  for (let i = 0; i < token.length; i++) {
    const b = CHAR_TO_BYTE.get(token[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

interface HfAddedToken {
  id: number;
  content: string;
  special?: boolean;
}

interface HfPreTokenizer {
  type: string;
  add_prefix_space?: boolean;
  use_regex?: boolean;
  pretokenizers?: HfPreTokenizer[];
  pattern?: { Regex?: string; String?: string };
  behavior?: string;
  invert?: boolean;
}

interface HfBpeModel {
  type?: string;
  vocab: Record<string, number>;
  merges: (string | [string, string])[];
  ignore_merges?: boolean;
  dropout?: number | null;
  unk_token?: string | null;
  continuing_subword_prefix?: string | null;
  end_of_word_suffix?: string | null;
  byte_fallback?: boolean;
  fuse_unk?: boolean;
}

export interface HfTokenizerJson {
  version?: string;
  added_tokens?: HfAddedToken[];
  normalizer?: unknown;
  pre_tokenizer?: HfPreTokenizer | null;
  model: HfBpeModel;
  decoder?: unknown;
  post_processor?: unknown;
  [key: string]: unknown;
}

function unsupported(file: string, what: string): never {
  throw new SluiceError('SLUICE_TOKENIZER', `${file}: ${what}`, {
    file,
    hint: 'sluice reads byte-level BPE tokenizer.json files (GPT-2 style ByteLevel pre-tokenizer, or Llama 3 style Split regex + ByteLevel) with no normalizer',
  });
}

/** Reads the pre-tokenizer into a pattern and the two HF behaviours that differ from tiktoken. */
function readPreTokenizer(pre: HfPreTokenizer | null | undefined, file: string): { pattern: string; keepUnmatched: boolean; prefixSpace: boolean } {
  if (!pre) unsupported(file, 'no pre_tokenizer: not a byte-level BPE tokenizer');
  if (pre.type === 'ByteLevel') {
    if (pre.use_regex === false) unsupported(file, 'ByteLevel pre-tokenizer without a regex');
    return { pattern: R50K_PATTERN, keepUnmatched: false, prefixSpace: pre.add_prefix_space === true };
  }
  if (pre.type === 'Sequence' && pre.pretokenizers?.length === 2) {
    const [split, byteLevel] = pre.pretokenizers;
    if (split?.type === 'Split' && byteLevel?.type === 'ByteLevel' && byteLevel.use_regex === false) {
      if (split.behavior !== 'Isolated' || split.invert) unsupported(file, `Split behavior ${split.behavior}${split.invert ? ' inverted' : ''} (sluice supports Isolated)`);
      const pattern = split.pattern?.Regex ?? (split.pattern?.String !== undefined ? escapeRegExp(split.pattern.String) : undefined);
      if (pattern === undefined) unsupported(file, 'Split pre-tokenizer without a pattern');
      return { pattern, keepUnmatched: true, prefixSpace: byteLevel.add_prefix_space === true };
    }
  }
  return unsupported(file, `pre_tokenizer ${JSON.stringify(pre.type)} is not supported`);
}

/** Builds a Vocabulary from a parsed tokenizer.json; `raw` is the file's bytes (for the sha256). */
export function vocabularyFromHfJson(json: HfTokenizerJson, file: string, raw: Uint8Array, name = file): Vocabulary {
  const model = json.model;
  if (!model || (model.type !== undefined && model.type !== 'BPE')) unsupported(file, `model type ${JSON.stringify(model?.type)} is not BPE`);
  if (json.normalizer !== null && json.normalizer !== undefined) unsupported(file, 'a normalizer is set');
  if (model.dropout) unsupported(file, 'BPE dropout is set');
  if (model.byte_fallback) unsupported(file, 'byte_fallback is set (not a byte-level vocabulary)');
  if (model.continuing_subword_prefix || model.end_of_word_suffix) unsupported(file, 'subword prefixes or suffixes are set');
  const { pattern, keepUnmatched, prefixSpace } = readPreTokenizer(json.pre_tokenizer, file);

  const specialTokens = new Map<string, number>();
  for (const t of json.added_tokens ?? []) specialTokens.set(t.content, t.id);
  const specialIds = new Set(specialTokens.values());

  const builder = new TokenTableBuilder();
  const idOf = new Map<string, number>();
  for (const [token, id] of Object.entries(model.vocab)) {
    idOf.set(token, id);
    if (specialIds.has(id)) continue; // an added token listed in the vocab too (GPT-2's <|endoftext|>)
    const bytes = hfTokenToBytes(token);
    if (!bytes) unsupported(file, `vocab entry ${JSON.stringify(token)} is not a byte-level token`);
    builder.add(id, bytes);
  }
  const pairs = new Int32Array(model.merges.length * 2);
  model.merges.forEach((merge, i) => {
    const [left, right] = typeof merge === 'string' ? splitMerge(merge) : merge;
    const a = idOf.get(left);
    const b = idOf.get(right);
    if (a === undefined || b === undefined) unsupported(file, `merge #${i} ${JSON.stringify(merge)} names a token not in the vocab`);
    pairs[2 * i] = a;
    pairs[2 * i + 1] = b;
  });
  return new Vocabulary({
    name,
    pattern,
    tokens: builder.build(),
    specialTokens,
    mergeRule: { kind: 'merges', pairs },
    wholePieceLookup: model.ignore_merges === true,
    keepUnmatched,
    prefixSpace,
    source: file,
    sha256: sha256Hex(raw),
  });
}

function splitMerge(merge: string): [string, string] {
  const space = merge.indexOf(' ', 1);
  if (space < 0) throw new SluiceError('SLUICE_TOKENIZER', `merge ${JSON.stringify(merge)} is not "left right"`);
  return [merge.slice(0, space), merge.slice(space + 1)];
}

/**
 * The merges that rebuild a rank-based vocabulary: for each token, the two tokens BPE joins to
 * make it when only lower ranks exist (the usual tiktoken -> HF conversion). Ranks from a BPE
 * trainer always decompose this way; a token that does not is skipped and counted.
 */
export function mergesFromRanks(vocab: Vocabulary): { pairs: Int32Array; skipped: number } {
  const { pool, offsets } = vocab.tokens;
  const idOf = new Map<string, number>();
  for (let id = 0; id < vocab.tokens.size; id++) {
    if (vocab.tokens.has(id)) idOf.set(Buffer.from(pool.subarray(offsets[id]!, offsets[id + 1]!)).toString('latin1'), id);
  }
  const out: number[] = [];
  let skipped = 0;
  for (let id = 0; id < vocab.tokens.size; id++) {
    const len = offsets[id + 1]! - offsets[id]!;
    if (len < 2) continue;
    let parts = [...Buffer.from(pool.subarray(offsets[id]!, offsets[id + 1]!)).toString('latin1')];
    for (;;) {
      let best = id;
      let at = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const r = idOf.get(parts[i]! + parts[i + 1]!);
        if (r !== undefined && r < best) {
          best = r;
          at = i;
        }
      }
      if (at < 0) break;
      parts = [...parts.slice(0, at), parts[at]! + parts[at + 1]!, ...parts.slice(at + 2)];
    }
    if (parts.length !== 2) {
      skipped++;
      continue;
    }
    out.push(idOf.get(parts[0]!)!, idOf.get(parts[1]!)!);
  }
  return { pairs: Int32Array.from(out), skipped };
}

/**
 * tokenizer.json for a vocabulary, Llama 3 style: Split(pattern, Isolated) + ByteLevel,
 * ignore_merges (a pre-token that is a token is kept whole, as tiktoken does), every special
 * token an added token. `merges` are [left, right] id pairs in priority order.
 */
export function toHfTokenizerJson(vocab: Vocabulary, merges: Int32Array): HfTokenizerJson {
  const tokenString = (id: number): string => bytesToHfToken(vocab.tokens.bytes(id));
  const vocabMap: Record<string, number> = {};
  for (let id = 0; id < vocab.tokens.size; id++) if (vocab.tokens.has(id)) vocabMap[tokenString(id)] = id;
  const mergeList: [string, string][] = [];
  for (let i = 0; i < merges.length; i += 2) mergeList.push([tokenString(merges[i]!), tokenString(merges[i + 1]!)]);
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...vocab.specialTokens].sort((a, b) => a[1] - b[1]).map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [{ type: 'Split', pattern: { Regex: vocab.pattern }, behavior: 'Isolated', invert: false }, byteLevel],
    },
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: true,
      vocab: vocabMap,
      merges: mergeList,
    },
  };
}

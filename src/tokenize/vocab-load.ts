/**
 * Resolves a tokenizer spec to a Vocabulary: a standard name (cl100k_base, ...), a directory
 * written by `sluice tokenizer train`, an HF tokenizer.json, or a tiktoken rank file. Apart from
 * load.ts so that reading a vocabulary does not load the encoder's modules.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { vocabularyFromHfJson, type HfTokenizerJson } from './hf-json.js';
import { parseRankFile } from './rank-file.js';
import { isStandardName, loadStandard, STANDARD_VOCABULARIES } from './standard.js';
import { sha256Hex, Vocabulary } from './vocabulary.js';

/** Written beside a trained tokenizer's files; says how to read the rank file. */
export const META_FILE = 'sluice-tokenizer.json';
export const RANK_FILE = 'tokenizer.tiktoken';
export const HF_FILE = 'tokenizer.json';

export interface TokenizerMeta {
  format: 'sluice-tokenizer/1';
  name: string;
  pattern: string;
  special_tokens: Record<string, number>;
  vocab_size: number;
  rank_file: string;
  /** sha256 of the rank file. */
  sha256: string;
  training?: Record<string, unknown>;
}

export interface TokenizerSpec {
  /** A standard name, a trained tokenizer's directory, a tokenizer.json, or a tiktoken rank file. */
  tokenizer: string;
  /** For a bare rank file: a standard name whose pattern to use, or a regex. Default: cl100k_base's. */
  pattern?: string;
  /** For a bare rank file: special tokens and their ids. */
  specialTokens?: Record<string, number>;
  /** Directory relative paths are resolved against (the pipeline file's). */
  baseDir?: string;
}

/** Cache key of a spec: two specs with the same key load the same tokenizer. */
export function specKey(spec: TokenizerSpec): string {
  return JSON.stringify([isStandardName(spec.tokenizer) ? spec.tokenizer : resolve(spec.baseDir ?? process.cwd(), spec.tokenizer), spec.pattern, spec.specialTokens]);
}

function fail(message: string, file?: string, hint?: string): never {
  throw new SluiceError('SLUICE_TOKENIZER', message, { ...(file !== undefined ? { file } : {}), ...(hint !== undefined ? { hint } : {}) });
}

function readMeta(file: string): TokenizerMeta {
  let meta: TokenizerMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as TokenizerMeta;
  } catch (err) {
    fail(`cannot read ${file}: ${(err as Error).message}`, file);
  }
  if (meta.format !== 'sluice-tokenizer/1') fail(`${file}: unknown format ${JSON.stringify(meta.format)}`, file);
  return meta;
}

/** A rank file as a rank-based Vocabulary, with the sha256 of the file's bytes. */
function rankFileVocabulary(file: string, name: string, pattern: string, specialTokens: Record<string, number>, expectSha?: string): Vocabulary {
  const raw = readFileSync(file);
  const sha = sha256Hex(raw);
  if (expectSha !== undefined && sha !== expectSha) {
    fail(`${file} has sha256 ${sha}, but ${META_FILE} records ${expectSha}`, file, 'the rank file was changed after training; retrain or restore it');
  }
  return new Vocabulary({
    name,
    pattern,
    tokens: parseRankFile(raw.toString('latin1'), file),
    specialTokens: new Map(Object.entries(specialTokens)),
    mergeRule: { kind: 'rank' },
    wholePieceLookup: true,
    keepUnmatched: false,
    prefixSpace: false,
    source: file,
    sha256: sha,
  });
}

function resolvePattern(pattern: string | undefined): string {
  if (pattern === undefined) return STANDARD_VOCABULARIES['cl100k_base']!.pattern;
  return STANDARD_VOCABULARIES[pattern]?.pattern ?? pattern;
}

export function loadVocabulary(spec: TokenizerSpec): Vocabulary {
  const { tokenizer } = spec;
  if (isStandardName(tokenizer)) return loadStandard(tokenizer);
  const path = resolve(spec.baseDir ?? process.cwd(), tokenizer);
  if (!existsSync(path)) {
    fail(`tokenizer "${tokenizer}" is neither a standard vocabulary nor an existing path (${path})`, undefined, `standard vocabularies: ${Object.keys(STANDARD_VOCABULARIES).join(', ')}`);
  }
  if (statSync(path).isDirectory()) {
    const metaFile = join(path, META_FILE);
    if (existsSync(metaFile)) {
      const meta = readMeta(metaFile);
      return rankFileVocabulary(join(path, meta.rank_file), meta.name, meta.pattern, meta.special_tokens, meta.sha256);
    }
    if (existsSync(join(path, HF_FILE))) return loadVocabulary({ ...spec, tokenizer: join(path, HF_FILE) });
    fail(`${path} holds neither ${META_FILE} nor ${HF_FILE}`, path, 'point at a directory written by `sluice tokenizer train`, a tokenizer.json or a .tiktoken file');
  }
  if (basename(path) === META_FILE) return loadVocabulary({ ...spec, tokenizer: dirname(path) });
  if (path.endsWith('.json')) {
    const raw = readFileSync(path);
    let json: HfTokenizerJson;
    try {
      json = JSON.parse(raw.toString('utf8')) as HfTokenizerJson;
    } catch (err) {
      fail(`${path} is not valid JSON: ${(err as Error).message}`, path);
    }
    return vocabularyFromHfJson(json, path, raw, basename(dirname(path)) === '.' ? basename(path) : `${basename(dirname(path))}/${basename(path)}`);
  }
  // A bare rank file: take the pattern and special tokens from a sibling meta file if it names it.
  const sibling = join(dirname(path), META_FILE);
  if (spec.pattern === undefined && spec.specialTokens === undefined && existsSync(sibling)) {
    const meta = readMeta(sibling);
    if (meta.rank_file === basename(path)) return rankFileVocabulary(path, meta.name, meta.pattern, meta.special_tokens, meta.sha256);
  }
  return rankFileVocabulary(path, basename(path).replace(/\.tiktoken$/, ''), resolvePattern(spec.pattern), spec.specialTokens ?? {});
}

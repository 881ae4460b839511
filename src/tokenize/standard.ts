/**
 * The standard OpenAI vocabularies, loaded from the rank data that ships inside the js-tiktoken
 * npm package (a pinned runtime dependency, MIT): nothing is downloaded. A load from the package
 * re-serialises the ranks in tiktoken's rank-file format and checks its sha256 against the hash
 * tiktoken itself pins for the published `.tiktoken` file, so a corrupted or altered package fails
 * loudly; the verified table then goes to the table cache (table-cache.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { SluiceError } from '../core/errors.js';
import { suggestionHint } from '../core/suggest.js';
import { CL100K_PATTERN, O200K_PATTERN, R50K_PATTERN } from './patterns.js';
import { parseCompactRanks } from './rank-file.js';
import { cachedTables, type TableCacheOptions } from './table-cache.js';
import { TokenTable } from './token-table.js';
import { Vocabulary } from './vocabulary.js';

interface StandardSpec {
  /** js-tiktoken module holding the ranks. */
  module: string;
  pattern: string;
  specialTokens: Record<string, number>;
  /** sha256 of the `.tiktoken` rank file, as pinned in tiktoken's openai_public.py. */
  sha256: string;
  size: number;
}

const ENDOFTEXT_50K = { '<|endoftext|>': 50256 };

export const STANDARD_VOCABULARIES: Readonly<Record<string, StandardSpec>> = {
  gpt2: { module: 'js-tiktoken/ranks/gpt2', pattern: R50K_PATTERN, specialTokens: ENDOFTEXT_50K, sha256: '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930', size: 50257 },
  r50k_base: { module: 'js-tiktoken/ranks/r50k_base', pattern: R50K_PATTERN, specialTokens: ENDOFTEXT_50K, sha256: '306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930', size: 50257 },
  p50k_base: { module: 'js-tiktoken/ranks/p50k_base', pattern: R50K_PATTERN, specialTokens: ENDOFTEXT_50K, sha256: '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069', size: 50281 },
  p50k_edit: {
    module: 'js-tiktoken/ranks/p50k_edit',
    pattern: R50K_PATTERN,
    specialTokens: { '<|endoftext|>': 50256, '<|fim_prefix|>': 50281, '<|fim_middle|>': 50282, '<|fim_suffix|>': 50283 },
    sha256: '94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069',
    size: 50284,
  },
  cl100k_base: {
    module: 'js-tiktoken/ranks/cl100k_base',
    pattern: CL100K_PATTERN,
    specialTokens: { '<|endoftext|>': 100257, '<|fim_prefix|>': 100258, '<|fim_middle|>': 100259, '<|fim_suffix|>': 100260, '<|endofprompt|>': 100276 },
    sha256: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
    size: 100277,
  },
  o200k_base: {
    module: 'js-tiktoken/ranks/o200k_base',
    pattern: O200K_PATTERN,
    specialTokens: { '<|endoftext|>': 199999, '<|endofprompt|>': 200018 },
    sha256: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
    size: 200019,
  },
};

export function isStandardName(name: string): boolean {
  return Object.hasOwn(STANDARD_VOCABULARIES, name);
}

/**
 * Why `name` names no tokenizer (neither a standard vocabulary nor a path that exists, resolved
 * against `baseDir`), with the name it was most likely meant to be; undefined when it names one.
 * The pipeline's tokenize stage and `sluice tokenizer` both ask, so a typo reads the same in both.
 */
export function unknownTokenizer(name: string, baseDir: string): { message: string; hint: string } | undefined {
  if (isStandardName(name) || existsSync(resolve(baseDir, name))) return undefined;
  return {
    message: `"${name}" is neither a standard vocabulary nor an existing path`,
    hint: `${suggestionHint(name, Object.keys(STANDARD_VOCABULARIES))}; or a trained tokenizer's directory, a tokenizer.json or a .tiktoken file`,
  };
}

const require = createRequire(import.meta.url);

interface RanksModule {
  special_tokens: Record<string, number>;
  bpe_ranks: string;
}

function standardSpec(name: string): StandardSpec {
  const spec = STANDARD_VOCABULARIES[name];
  if (!spec) {
    throw new SluiceError('SLUICE_TOKENIZER', `unknown vocabulary "${name}"`, { hint: `standard vocabularies: ${Object.keys(STANDARD_VOCABULARIES).join(', ')}; or give a path` });
  }
  return spec;
}

function cannotRead(name: string, spec: StandardSpec, err: unknown): SluiceError {
  return new SluiceError('SLUICE_TOKENIZER', `cannot read the ${name} ranks from ${spec.module}: ${(err as Error).message}`, {
    hint: 'run `npm install`: the ranks ship inside the js-tiktoken package',
    cause: err,
  });
}

/** What a manifest records of a standard vocabulary, without loading its ranks. */
export interface StandardFacts {
  name: string;
  size: number;
  sha256: string;
  specialTokens: ReadonlyMap<string, number>;
}

/**
 * The facts tiktoken pins for a standard vocabulary, after checking that its rank file is there
 * (a missing package fails here). loadStandard, on first use, verifies the ranks against them.
 */
export function standardFacts(name: string): StandardFacts {
  const spec = standardSpec(name);
  try {
    require.resolve(spec.module);
  } catch (err) {
    throw cannotRead(name, spec, err);
  }
  return { name, size: spec.size, sha256: spec.sha256, specialTokens: new Map(Object.entries(spec.specialTokens)) };
}

/**
 * Loads a standard vocabulary. Read from js-tiktoken, it is verified (the sha256 of its ranks,
 * its special tokens and size) and its token table kept in the table cache; a later process
 * reads that table back (an entry is checked against its own sha256) instead of parsing the
 * ranks again, which costs about 85 ms of CPU for cl100k.
 */
export function loadStandard(name: string, cache?: TableCacheOptions): Vocabulary {
  const spec = standardSpec(name);
  let file: string;
  try {
    file = require.resolve(spec.module);
  } catch (err) {
    throw cannotRead(name, spec, err);
  }
  let verified: Vocabulary | undefined;
  const tokens = cachedTables(
    'ranks',
    `${name}\0${spec.sha256}`,
    () => (verified = readVerified(name, spec, file)).tokens,
    (t) => [t.pool, t.offsets],
    ([pool, offsets, ...rest]) => (pool instanceof Uint8Array && offsets instanceof Int32Array && rest.length === 0 && isLayout(pool, offsets) ? new TokenTable(pool, offsets) : undefined),
    cache,
  );
  return verified ?? standardVocabulary(name, spec, file, tokens, spec.sha256);
}

/** Offsets that start at 0, never decrease and end at the pool's length. */
function isLayout(pool: Uint8Array, offsets: Int32Array): boolean {
  if (offsets.length < 2 || offsets[0] !== 0 || offsets[offsets.length - 1] !== pool.length) return false;
  for (let i = 1; i < offsets.length; i++) if (offsets[i]! < offsets[i - 1]!) return false;
  return true;
}

function standardVocabulary(name: string, spec: StandardSpec, file: string, tokens: TokenTable, sha256?: string): Vocabulary {
  return new Vocabulary({
    name,
    pattern: spec.pattern,
    tokens,
    specialTokens: new Map(Object.entries(spec.specialTokens)),
    mergeRule: { kind: 'rank' },
    wholePieceLookup: true,
    keepUnmatched: false,
    prefixSpace: false,
    source: `${file} (js-tiktoken)`,
    ...(sha256 === undefined ? {} : { sha256 }),
  });
}

/** The ranks as js-tiktoken ships them, checked against what tiktoken pins. */
function readVerified(name: string, spec: StandardSpec, file: string): Vocabulary {
  let data: RanksModule;
  try {
    const text = readFileSync(file, 'utf8');
    data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as RanksModule;
  } catch (err) {
    throw cannotRead(name, spec, err);
  }
  const vocab = standardVocabulary(name, spec, file, parseCompactRanks(data.bpe_ranks, file));
  // The Vocabulary computes the sha256 of its rank file once and keeps it.
  if (vocab.sha256 !== spec.sha256) {
    throw new SluiceError('SLUICE_TOKENIZER', `${name}: ranks loaded from ${file} have sha256 ${vocab.sha256}, expected ${spec.sha256}`, {
      file,
      hint: 'the js-tiktoken package is not the pinned version or was altered; reinstall it (npm install)',
    });
  }
  const shipped = JSON.stringify(Object.entries(data.special_tokens).sort());
  if (shipped !== JSON.stringify(Object.entries(spec.specialTokens).sort()) || vocab.size !== spec.size) {
    throw new SluiceError('SLUICE_TOKENIZER', `${name}: special tokens or size in ${file} differ from tiktoken's`, { file });
  }
  return vocab;
}

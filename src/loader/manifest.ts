import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { SluiceError, errorMessage } from '../core/errors.js';

/** The tokenizer facts a tokenize stage records in the manifest. */
export interface TokenizerFacts {
  name: string;
  vocab_size: number;
  /** sha256 of the vocabulary, hex. */
  sha256: string;
  eos_id: number;
}

export interface DatasetShard {
  /** Relative to the dataset directory. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  tokens: number;
}

/** The parts of `manifest.json` the loader relies on, validated. */
export interface DatasetManifest {
  file: string;
  name: string;
  rows: number;
  tokens: number;
  tokenizer: TokenizerFacts;
  shards: DatasetShard[];
}

type Json = Record<string, unknown>;

function fail(file: string, message: string, hint?: string): SluiceError {
  return new SluiceError('SLUICE_LOADER', `${file}: ${message}`, { file, ...(hint === undefined ? {} : { hint }) });
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function tokenizerOf(file: string, raw: unknown): TokenizerFacts {
  const hint = 'the dataset must come from a pipeline with a tokenize stage (it records name, vocab_size, sha256 and eos_id)';
  if (raw === undefined) throw fail(file, 'has no tokenizer facts: these shards were not tokenized', hint);
  if (typeof raw !== 'object' || raw === null) throw fail(file, 'tokenizer is not an object', hint);
  const t = raw as Json;
  if (typeof t['name'] !== 'string' || t['name'] === '') throw fail(file, 'tokenizer.name is missing', hint);
  if (!isCount(t['vocab_size']) || t['vocab_size'] < 1 || t['vocab_size'] > 0x7fffffff) throw fail(file, `tokenizer.vocab_size ${String(t['vocab_size'])} is not a positive int32`, hint);
  if (typeof t['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(t['sha256'])) throw fail(file, 'tokenizer.sha256 is not a hex sha256', hint);
  if (!isCount(t['eos_id']) || t['eos_id'] >= t['vocab_size']) {
    throw fail(file, `tokenizer.eos_id ${String(t['eos_id'])} is not an id below vocab_size ${t['vocab_size']}`, hint);
  }
  return { name: t['name'], vocab_size: t['vocab_size'], sha256: t['sha256'], eos_id: t['eos_id'] };
}

/** Reads `<dir>/manifest.json` and checks its shape; the shards themselves are checked by openDataset. */
export async function readDatasetManifest(dir: string): Promise<DatasetManifest> {
  const file = join(dir, 'manifest.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw fail(file, `cannot read: ${errorMessage(err)}`, 'a dataset directory is the --out of a finished `sluice run`; manifest.json is written last, so its absence means the run did not finish');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw fail(file, `is not valid JSON: ${errorMessage(err)}`, 'the manifest is written atomically by `sluice run`; rerun the pipeline to regenerate it');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail(file, 'is not a JSON object');
  const m = raw as Json;
  if (m['format'] !== 'sluice-shards' || m['version'] !== 1) {
    throw fail(file, `format ${JSON.stringify(m['format'])} version ${JSON.stringify(m['version'])} is not sluice-shards version 1`);
  }
  const tokenizer = tokenizerOf(file, m['tokenizer']);
  const list = m['shards'];
  if (!Array.isArray(list) || list.length === 0) throw fail(file, 'lists no shards', 'a run that kept no documents has nothing to train on');
  const shards: DatasetShard[] = list.map((s: unknown, i) => {
    const where = `shards[${i}]`;
    if (typeof s !== 'object' || s === null) throw fail(file, `${where} is not an object`);
    const e = s as Json;
    const path = e['path'];
    if (typeof path !== 'string' || path === '' || isAbsolute(path) || normalize(path).split(sep).includes('..')) {
      throw fail(file, `${where}.path ${JSON.stringify(path)} is not a relative path inside the dataset`);
    }
    for (const k of ['rows', 'bytes', 'tokens'] as const) if (!isCount(e[k])) throw fail(file, `${where}.${k} is not a count`);
    if (typeof e['sha256'] !== 'string' || !/^[0-9a-f]{64}$/.test(e['sha256'])) throw fail(file, `${where}.sha256 is not a hex sha256`);
    return { path, rows: e['rows'] as number, bytes: e['bytes'] as number, sha256: e['sha256'], tokens: e['tokens'] as number };
  });
  const rows = shards.reduce((a, s) => a + s.rows, 0);
  const tokens = shards.reduce((a, s) => a + s.tokens, 0);
  if (m['rows'] !== rows) throw fail(file, `rows ${String(m['rows'])} != ${rows}, the sum over its shards`);
  if (m['tokens'] !== tokens) throw fail(file, `tokens ${String(m['tokens'])} != ${tokens}, the sum over its shards`);
  if (rows === 0) throw fail(file, 'holds no documents');
  return { file, name: typeof m['name'] === 'string' ? m['name'] : '', rows, tokens, tokenizer, shards };
}

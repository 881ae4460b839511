/**
 * A flat token file in llm.c's layout (dev/data/data_common.py), which nanoGPT-style loaders
 * read with np.memmap(offset=1024): a header of 256 int32 (magic, version, token count, zeros)
 * then the tokens. uint16 tokens when every id fits (magic 20240520, version 1: GPT-2 style),
 * else uint32 (magic 20240801, version 7: llm.c's Llama 3 layout, which its C loader does not
 * read; see `uint32Warning`). The count is an int32, so one file holds fewer than 2^31 tokens:
 * larger datasets are split with `shardTokens`. Each document's EOS comes after it; llm.c's own
 * scripts put it before each document.
 */
import { SluiceError } from '../core/errors.js';
import type { TokenDataset } from '../loader/dataset.js';
import { forEachDocument } from './documents.js';
import type { ExportOptions } from './megatron.js';
import { TokenSink } from './token-sink.js';

export const BIN_HEADER_INTS = 256;
export const BIN_LAYOUT = {
  uint16: { magic: 20240520, version: 1 },
  uint32: { magic: 20240801, version: 7 },
} as const;
const MAX_FILE_TOKENS = 0x7fffffff;

export interface BinExportOptions extends ExportOptions {
  /** Most tokens per file; past it files are named <out stem>_000000.bin, _000001.bin, ... (default: one file). */
  shardTokens?: number;
}

export interface BinExport {
  files: { path: string; tokens: number }[];
  dtype: 'uint16' | 'uint32';
}

/** Largest vocabulary whose ids fit uint16, the only width llm.c's C loader reads. */
export const UINT16_VOCAB = 0x10000;

export function binDtype(vocabSize: number): 'uint16' | 'uint32' {
  return vocabSize <= UINT16_VOCAB ? 'uint16' : 'uint32';
}

/**
 * What a uint32 export means for llm.c: its C dataloader (llmc/dataloader.h) checks for magic
 * 20240520 and version 1 and stops with "Bad magic" on anything else. Said when exporting,
 * since the file itself is valid and only fails at training time.
 */
export function uint32Warning(vocabSize: number): string {
  return (
    `vocabulary of ${vocabSize.toLocaleString('en-US')} ids is over ${UINT16_VOCAB.toLocaleString('en-US')}: writing uint32 tokens ` +
    `(magic ${BIN_LAYOUT.uint32.magic}, version ${BIN_LAYOUT.uint32.version}, the layout of llm.c's Llama 3 scripts). ` +
    `llm.c's C loader (llmc/dataloader.h, used by train_gpt2.c and .cu) accepts only uint16 files (magic ${BIN_LAYOUT.uint16.magic}, version ${BIN_LAYOUT.uint16.version}: vocabularies of at most ${UINT16_VOCAB.toLocaleString('en-US')} ids) ` +
    `and stops on this one with "Bad magic"; numpy/nanoGPT readers need np.memmap(path, dtype=np.uint32, offset=1024)`
  );
}

function header(dtype: 'uint16' | 'uint32', tokens: number): Uint8Array {
  const h = new Int32Array(BIN_HEADER_INTS);
  h[0] = BIN_LAYOUT[dtype].magic;
  h[1] = BIN_LAYOUT[dtype].version;
  h[2] = tokens;
  return new Uint8Array(h.buffer);
}

function shardPath(out: string, index: number): string {
  const stem = out.endsWith('.bin') ? out.slice(0, -4) : out;
  return `${stem}_${String(index).padStart(6, '0')}.bin`;
}

export function exportBin(dataset: TokenDataset, out: string, opts: BinExportOptions = {}): BinExport {
  const eos = opts.eos ?? true;
  const dtype = binDtype(dataset.tokenizer.vocab_size);
  const total = dataset.tokens + (eos ? dataset.docs : 0);
  const limit = Math.min(opts.shardTokens ?? MAX_FILE_TOKENS, MAX_FILE_TOKENS);
  if (!(limit >= 1)) throw new SluiceError('SLUICE_USAGE', `--shard-tokens must be at least 1 (got ${opts.shardTokens})`);
  if (opts.shardTokens === undefined && total > MAX_FILE_TOKENS) {
    throw new SluiceError('SLUICE_USAGE', `${total} tokens do not fit one llm.c file (its header counts tokens in an int32)`, {
      hint: 'pass --shard-tokens N (llm.c uses 100000000) to split the export into numbered files',
    });
  }
  const split = opts.shardTokens !== undefined;
  const files: BinExport['files'] = [];
  let sink: TokenSink | undefined;
  let inFile = 0;
  const open = (): TokenSink => {
    const s = new TokenSink(split ? shardPath(out, files.length) : out, dtype === 'uint16' ? 2 : 4);
    s.raw(header(dtype, 0));
    inFile = 0;
    return s;
  };
  const close = (): void => {
    if (!sink) return;
    sink.patch(0, header(dtype, inFile));
    sink.commit();
    files.push({ path: sink.path, tokens: inFile });
    sink = undefined;
  };
  // a document's tokens then its EOS, cut wherever a file fills up
  const put = (t: Int32Array): void => {
    let from = 0;
    while (from < t.length) {
      sink ??= open();
      const n = Math.min(t.length - from, limit - inFile);
      sink.tokens(t, from, from + n);
      inFile += n;
      from += n;
      if (inFile === limit) close();
    }
  };
  const eosToken = Int32Array.of(dataset.tokenizer.eos_id);
  try {
    forEachDocument(dataset, (t) => {
      put(t);
      if (eos) put(eosToken);
    });
    if (sink === undefined && files.length === 0) sink = open();
    close();
  } catch (err) {
    sink?.abort();
    throw err;
  }
  return { files, dtype };
}

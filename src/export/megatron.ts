/**
 * Megatron-LM's indexed dataset (megatron/core/datasets/indexed_dataset.py): `<prefix>.bin`
 * holds every sequence's tokens back to back; `<prefix>.idx` is
 *
 *   "MMIDIDX\x00\x00"  version u64 = 1  dtype code u8  sequence count u64  document count u64
 *   sequence lengths int32[sequences]  sequence byte pointers int64[sequences]
 *   document indices int64[documents + 1]
 *
 * One document is one sequence here, so the document indices are 0, 1, ..., n (the leading 0
 * and the count n + 1 are Megatron's convention). dtype: uint16 (code 8) when the vocabulary
 * has fewer than 65500 ids, else int32 (code 4), as Megatron's DType.optimal_dtype picks.
 */
import type { TokenDataset } from '../loader/dataset.js';
import { forEachDocument } from './documents.js';
import { TokenSink } from './token-sink.js';

export const MEGATRON_MAGIC = Buffer.from('MMIDIDX\x00\x00', 'latin1');
export const MEGATRON_DTYPE = { uint16: 8, int32: 4 } as const;

export interface ExportOptions {
  /** Append the tokenizer's EOS to each document (default true: documents stay separated when a trainer packs them). */
  eos?: boolean;
}

export interface MegatronExport {
  bin: string;
  idx: string;
  sequences: number;
  tokens: number;
  dtype: 'uint16' | 'int32';
}

export function exportMegatron(dataset: TokenDataset, prefix: string, opts: ExportOptions = {}): MegatronExport {
  const eos = opts.eos ?? true;
  const dtype = dataset.tokenizer.vocab_size < 65500 ? 'uint16' : 'int32';
  const width = dtype === 'uint16' ? 2 : 4;
  const bin = new TokenSink(`${prefix}.bin`, width);
  const idxPath = `${prefix}.idx`;
  const n = dataset.docs;
  const lengths = new Int32Array(n);
  const pointers = new BigInt64Array(n);
  let tokens = 0;
  try {
    forEachDocument(dataset, (t, d) => {
      pointers[d] = BigInt(bin.bytes);
      bin.tokens(t, 0, t.length);
      if (eos) bin.token(dataset.tokenizer.eos_id);
      lengths[d] = t.length + (eos ? 1 : 0);
      tokens += lengths[d]!;
    });
  } catch (err) {
    bin.abort();
    throw err;
  }
  const idx = new TokenSink(idxPath, 4);
  try {
    const head = Buffer.alloc(9 + 8 + 1 + 8 + 8);
    MEGATRON_MAGIC.copy(head, 0);
    head.writeBigUInt64LE(1n, 9);
    head.writeUInt8(MEGATRON_DTYPE[dtype], 17);
    head.writeBigUInt64LE(BigInt(n), 18);
    head.writeBigUInt64LE(BigInt(n + 1), 26);
    idx.raw(head);
    idx.raw(new Uint8Array(lengths.buffer));
    idx.raw(new Uint8Array(pointers.buffer));
    const docIndex = new BigInt64Array(n + 1);
    for (let i = 0; i <= n; i++) docIndex[i] = BigInt(i);
    idx.raw(new Uint8Array(docIndex.buffer));
    bin.commit();
    idx.commit();
  } catch (err) {
    bin.abort();
    idx.abort();
    throw err;
  }
  return { bin: `${prefix}.bin`, idx: idxPath, sequences: n, tokens, dtype };
}

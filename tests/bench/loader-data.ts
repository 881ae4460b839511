/** A synthetic token dataset for the loader benchmark, in the layout `sluice run` writes. */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../src/core/random.js';
import { ShardWriter, type ShardInfo } from '../../src/shard/shard-writer.js';

export interface BenchDatasetOptions {
  tokens: number;
  shards: number;
  vocab: number;
}

/**
 * Documents of 200..2000 tokens with Zipf-like ids (small ids common, as in real BPE output,
 * so zstd compresses them about as much as real shards), written with the real ShardWriter.
 */
export async function writeBenchDataset(dir: string, opts: BenchDatasetOptions): Promise<{ tokens: number; docs: number; bytes: number }> {
  mkdirSync(dir, { recursive: true });
  const rnd = mulberry32(0x2545f491);
  const perShard = Math.ceil(opts.tokens / opts.shards);
  const infos: ShardInfo[] = [];
  let docs = 0;
  for (let sh = 0; sh < opts.shards; sh++) {
    const writer = new ShardWriter({ dir: join(dir, 'shards'), prefix: `part-${String(sh).padStart(5, '0')}`, shardBytes: 1 << 30, compression: 'zstd', keepText: false, fsync: false });
    for (let written = 0; written < perShard;) {
      const n = 200 + Math.floor(rnd() * 1800);
      const t = new Int32Array(n);
      for (let i = 0; i < n; i++) t[i] = Math.floor((opts.vocab - 1) * rnd() ** 4);
      await writer.write({ id: `d${docs}`, text: '', source: docs % 4 === 0 ? 'code' : 'web', meta: {}, tokens: t });
      written += n;
      docs++;
    }
    infos.push(...(await writer.close()));
  }
  const shards = infos.map((i) => ({ path: `shards/${i.path}`, rows: i.rows, bytes: i.bytes, sha256: i.sha256, tokens: i.tokens }));
  const tokens = shards.reduce((a, x) => a + x.tokens, 0);
  const bytes = shards.reduce((a, x) => a + x.bytes, 0);
  const manifest = {
    format: 'sluice-shards',
    version: 1,
    name: 'loader-bench',
    rows: docs,
    tokens,
    bytes,
    tokenizer: { name: 'synthetic', vocab_size: opts.vocab, sha256: createHash('sha256').update(`synthetic-${opts.vocab}`).digest('hex'), eos_id: opts.vocab - 1 },
    shards,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return { tokens, docs, bytes };
}

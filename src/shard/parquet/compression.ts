import { gzipSync } from 'node:zlib';
import { sharedCompressor } from '../../io/zstd-contexts.js';
import { CompressionCodec } from './metadata.js';
import { snappyCompress } from './snappy.js';

export type Compression = 'zstd' | 'snappy' | 'gzip' | 'none';

/** Compresses one page body at a time; each page is an independent compressed block. */
export interface PageCompressor {
  readonly codec: CompressionCodec;
  /** Returns a buffer the caller owns; `src` may be a reused scratch view. */
  compress(src: Buffer): Buffer;
}

export const DEFAULT_LEVEL: Record<Compression, number | undefined> = {
  zstd: 3,
  gzip: 6,
  snappy: undefined,
  none: undefined,
};

export function createCompressor(kind: Compression, level?: number): PageCompressor {
  switch (kind) {
    case 'zstd': {
      // one native context per level and process, for every page of every file (see zstd-contexts.ts)
      const cctx = sharedCompressor(level ?? DEFAULT_LEVEL.zstd!);
      return { codec: CompressionCodec.ZSTD, compress: (src) => cctx.compress(src) };
    }
    case 'gzip': {
      const opts = { level: level ?? DEFAULT_LEVEL.gzip };
      return { codec: CompressionCodec.GZIP, compress: (src) => gzipSync(src, opts) };
    }
    case 'snappy':
      return { codec: CompressionCodec.SNAPPY, compress: (src) => snappyCompress(src) };
    case 'none':
      return { codec: CompressionCodec.UNCOMPRESSED, compress: (src) => Buffer.from(src) };
  }
}

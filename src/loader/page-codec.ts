import { gunzipSync } from 'node:zlib';
import { snappyUncompress } from 'hyparquet';
import type { CompressionCodec } from 'hyparquet';
import { Decompressor } from 'zstd-napi';

/** Page codecs sluice's shard writer emits; anything else is refused when a shard is opened. */
export const SUPPORTED_CODECS: readonly CompressionCodec[] = ['UNCOMPRESSED', 'ZSTD', 'SNAPPY', 'GZIP'];

/** Decompresses one page body at a time; one native zstd context is reused for every page. */
export class PageInflater {
  private zstd: Decompressor | undefined;

  inflate(codec: CompressionCodec, src: Uint8Array, size: number): Uint8Array {
    switch (codec) {
      case 'UNCOMPRESSED':
        return src;
      case 'ZSTD':
        this.zstd ??= new Decompressor();
        return this.zstd.decompress(src);
      case 'GZIP':
        return gunzipSync(src);
      case 'SNAPPY': {
        const out = new Uint8Array(size);
        snappyUncompress(src, out);
        return out;
      }
      default:
        throw new Error(`unsupported codec ${codec}`);
    }
  }
}

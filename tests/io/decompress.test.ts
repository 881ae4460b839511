import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { compress } from 'zstd-napi';
import { decodeStream, detectCodec } from '../../src/io/decompress.js';
import { memoryFile } from '../../src/io/input.js';
import { readAll } from '../../src/io/read-bytes.js';
import { SluiceError } from '../../src/core/errors.js';

async function decodeAll(bytes: Uint8Array, chunk = 7): Promise<{ codec: string; text: string }> {
  const { codec, bytes: out } = await decodeStream(memoryFile('m', bytes, chunk).open(), 'm');
  return { codec, text: (await readAll(out)).toString() };
}

describe('decodeStream', () => {
  it('detects codecs by magic bytes', () => {
    expect(detectCodec(gzipSync('x'))).toBe('gzip');
    expect(detectCodec(compress(Buffer.from('x')))).toBe('zstd');
    expect(detectCodec(Buffer.from('BZh91AY'))).toBe('bzip2');
    expect(detectCodec(Buffer.from('{"a":1}'))).toBe('none');
  });

  it('reads every member of a multi-member gzip', async () => {
    const data = Buffer.concat([gzipSync('first\n'), gzipSync('second\n'), gzipSync('third\n')]);
    expect(await decodeAll(data)).toEqual({ codec: 'gzip', text: 'first\nsecond\nthird\n' });
  });

  it('decodes a zstd frame made with --long=31 (2 GiB window) from a pipe', async () => {
    const zstd = spawnSync('zstd', ['-3', '--long=31', '-c'], { input: Buffer.from('line one\nline two\n'.repeat(1000)) });
    expect(zstd.status).toBe(0);
    const { codec, text } = await decodeAll(zstd.stdout, 1000);
    expect(codec).toBe('zstd');
    expect(text).toBe('line one\nline two\n'.repeat(1000));
  });

  it('fails a truncated gzip stream with a SluiceError naming the file', async () => {
    const data = gzipSync(Buffer.from('x'.repeat(100000)));
    const cut = data.subarray(0, data.length - 20);
    await expect(decodeAll(cut)).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_DECOMPRESS' && e.message.includes('m'));
  });

  it('passes uncompressed bytes through untouched', async () => {
    expect(await decodeAll(Buffer.from('plain text'), 3)).toEqual({ codec: 'none', text: 'plain text' });
  });
});

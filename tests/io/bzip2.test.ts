import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { bzip2Decoder, type Bzip2Backend } from '../../src/io/bzip2.js';
import { onPath } from '../../src/io/child-decoder.js';
import { memoryFile } from '../../src/io/input.js';
import { readAll } from '../../src/io/read-bytes.js';

const part = (from: number, to: number): Buffer => Buffer.from(Array.from({ length: to - from }, (_, i) => `line ${from + i} ${((from + i) * 2654435761) % 1000003}`).join('\n') + '\n');
// three concatenated streams, as in *-multistream.xml.bz2: pure-JS decoders without a
// multistream mode silently stop after the first
const parts = [part(0, 40000), part(40000, 41000), part(41000, 90000)];
const multistream = Buffer.concat(parts.map((p) => execFileSync('bzip2', ['-9', '-c'], { input: p, maxBuffer: 64 << 20 })));
const expected = Buffer.concat(parts);

const backends: Bzip2Backend[] = ['lbzip2', 'bzip2', 'js'];

describe.each(backends)('bzip2 decoding with %s', (backend) => {
  const available = backend === 'js' || onPath(backend) !== undefined;
  it.skipIf(!available)('decodes every stream of a multistream file', async () => {
    const out = await readAll(bzip2Decoder(backend)(memoryFile('m.bz2', multistream, 8192).open(), 'm.bz2'));
    expect(out.length).toBe(expected.length);
    expect(out.equals(expected)).toBe(true);
  });

  it.skipIf(!available)('fails on a truncated file instead of ending early', async () => {
    const cut = multistream.subarray(0, Math.floor(multistream.length * 0.6));
    await expect(readAll(bzip2Decoder(backend)(memoryFile('cut.bz2', cut, 8192).open(), 'cut.bz2'))).rejects.toThrow();
  });
});

describe('bzip2 with a failing source', () => {
  it('surfaces the source error, not the child process complaint', async () => {
    async function* failing(): AsyncIterable<Uint8Array> {
      yield multistream.subarray(0, 10000);
      throw new Error('network went away');
    }
    await expect(readAll(bzip2Decoder('bzip2')(failing(), 'x.bz2'))).rejects.toThrow('network went away');
  });
});

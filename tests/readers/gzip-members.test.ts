import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../src/io/input.js';
import { gunzipMembers, type GzipEvent } from '../../src/readers/warc/gzip-members.js';

const member = (tag: string, n = 50): Buffer => gzipSync(Buffer.from(`WARC/1.0 ${tag}\r\n`.repeat(n)));
const A = member('AAAA');
const B = member('BBBB');
const C = member('CCCC');

interface Decoded {
  text: string;
  damage: { reason: string; offset: number; skipped: number }[];
}

async function decode(bytes: Buffer, chunkSize = 7, oneShotLimit?: number): Promise<Decoded> {
  const events: GzipEvent[] = [];
  const opts = oneShotLimit === undefined ? {} : { oneShotLimit };
  for await (const e of gunzipMembers(memoryFile('t.gz', bytes, chunkSize).open(), opts)) events.push(e);
  let text = '';
  const damage: Decoded['damage'] = [];
  for (const e of events) {
    if (e.kind === 'data') text += e.bytes.toString('latin1');
    else damage.push({ reason: e.reason, offset: e.offset, skipped: e.skipped });
  }
  return { text, damage };
}

const count = (text: string, tag: string): number => text.split(tag).length - 1;

describe('gunzipMembers', () => {
  it('decodes concatenated members exactly', async () => {
    const d = await decode(Buffer.concat([A, B, C]));
    expect(d.damage).toEqual([]);
    expect([count(d.text, 'AAAA'), count(d.text, 'BBBB'), count(d.text, 'CCCC')]).toEqual([50, 50, 50]);
  });

  it('reports a member cut off at the end of the file and keeps every earlier member', async () => {
    const cut = C.subarray(0, C.length - 12);
    const d = await decode(Buffer.concat([A, B, cut]));
    expect(d.damage).toEqual([{ reason: 'truncated', offset: A.length + B.length, skipped: cut.length }]);
    expect([count(d.text, 'AAAA'), count(d.text, 'BBBB')]).toEqual([50, 50]);
  });

  it('reports a member cut off in the middle of the file and resumes at the next member', async () => {
    const cut = B.subarray(0, B.length - 12);
    const d = await decode(Buffer.concat([A, cut, C]));
    expect(d.damage).toEqual([{ reason: 'truncated', offset: A.length, skipped: cut.length }]);
    expect([count(d.text, 'AAAA'), count(d.text, 'CCCC')]).toEqual([50, 50]);
  });

  it('reports bytes between members that node:zlib would silently stop at', async () => {
    const zeros = Buffer.alloc(100);
    const d = await decode(Buffer.concat([A, B, zeros, C]));
    expect(d.damage).toEqual([{ reason: 'bad_gzip', offset: A.length + B.length, skipped: 100 }]);
    expect(count(d.text, 'CCCC')).toBe(50);
  });

  it('reports a member whose checksum does not match', async () => {
    const bad = Buffer.from(B);
    bad.writeUInt32LE(bad.readUInt32LE(bad.length - 8) ^ 1, bad.length - 8);
    const d = await decode(Buffer.concat([A, bad, C]));
    expect(d.damage).toEqual([{ reason: 'bad_gzip', offset: A.length, skipped: bad.length }]);
    expect([count(d.text, 'AAAA'), count(d.text, 'BBBB'), count(d.text, 'CCCC')]).toEqual([50, 0, 50]);
  });

  it('streams members bigger than the one-shot limit and goes on after them', async () => {
    const big = gzipSync(Buffer.from('WARC/1.0 BIG\r\n'.repeat(20_000)));
    const d = await decode(Buffer.concat([A, big, C]), 4096, 64 * 1024);
    expect(d.damage).toEqual([]);
    expect([count(d.text, 'AAAA'), count(d.text, 'BIG'), count(d.text, 'CCCC')]).toEqual([50, 20_000, 50]);
  });

  it('reports a streamed member cut off at the end of the file', async () => {
    const big = gzipSync(Buffer.from('WARC/1.0 BIG\r\n'.repeat(20_000)));
    const cut = big.subarray(0, big.length - 100);
    const d = await decode(Buffer.concat([A, cut]), 4096, 64 * 1024);
    expect(d.damage.map((x) => x.reason)).toEqual(['truncated']);
    expect(count(d.text, 'AAAA')).toBe(50);
    expect(count(d.text, 'BIG')).toBeGreaterThan(1000);
  });

  it('gives the same output however the input is chunked', async () => {
    const cut = B.subarray(0, B.length - 12);
    const file = Buffer.concat([A, cut, C, Buffer.from('junk'), A]);
    const reference = await decode(file, file.length);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 300 }), async (chunk) => {
        expect(await decode(file, chunk)).toEqual(reference);
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * The fetch stage's WARC files read back member by member: whole members in order, a cut tail
 * or a damaged member ends the scan at the last whole one (validEnd), and a damaged member in
 * the middle of a large file ends it there instead of reading the rest of the file in.
 */
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { scanMembers } from '../../src/fetch/warc-file.js';
import { tempDir } from '../helpers/corpus.js';

const dir = tempDir('sluice-warc-file-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function scan(path: string): Promise<{ texts: string[]; validEnd: number }> {
  const s = scanMembers(path);
  const texts: string[] = [];
  for await (const m of s.members) texts.push(m.bytes.toString());
  return { texts, validEnd: s.validEnd() };
}

describe('scanMembers', () => {
  const one = gzipSync('record one');
  const two = gzipSync('record two');

  it('reads whole members in order and stops before a cut tail', async () => {
    const path = join(dir, 'cut.warc.gz');
    writeFileSync(path, Buffer.concat([one, two, two.subarray(0, 9)]));
    expect(await scan(path)).toEqual({ texts: ['record one', 'record two'], validEnd: one.length + two.length });
  });

  it('stops at a damaged member in the middle of the file, without reading the rest in', async () => {
    const bad = Buffer.from(two);
    bad[bad.length - 6]! ^= 0xff; // the CRC no longer matches
    const path = join(dir, 'damaged.warc.gz');
    writeFileSync(path, Buffer.concat([one, bad]));
    // 256 MiB more after it (sparse: no disk): a scan that kept reading would hold them in memory
    truncateSync(path, 256 * 1024 * 1024);
    const base = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const probe = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers - base)), 1);
    try {
      expect(await scan(path)).toEqual({ texts: ['record one'], validEnd: one.length });
    } finally {
      clearInterval(probe);
    }
    // the first read is 4 MiB
    expect(peak).toBeLessThan(32 * 1024 * 1024);
  });
});

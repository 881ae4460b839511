import { describe, expect, it } from 'vitest';
import { peek } from '../../src/io/decompress.js';
import { readAll, readHead, TooLargeError } from '../../src/io/read-bytes.js';

/** A source of `n` 10-byte chunks that records whether it was closed before its end. */
function source(n: number): { chunks: AsyncIterable<Uint8Array>; closedEarly: () => boolean } {
  let delivered = 0;
  let closedEarly = false;
  async function* gen(): AsyncIterable<Uint8Array> {
    try {
      for (; delivered < n; delivered++) yield new Uint8Array(10).fill(0x61 + (delivered % 26));
    } finally {
      closedEarly = delivered < n;
    }
  }
  return { chunks: gen(), closedEarly: () => closedEarly };
}

describe('read-bytes', () => {
  it('readAll joins every chunk', async () => {
    const all = await readAll(source(5).chunks);
    expect(all.toString('latin1')).toBe('aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeee');
  });

  it('readAll stops at its limit with TooLargeError and closes the source', async () => {
    const s = source(100);
    await expect(readAll(s.chunks, 35)).rejects.toBeInstanceOf(TooLargeError);
    expect(s.closedEarly()).toBe(true);
  });

  it('readHead returns the first bytes and closes the source', async () => {
    const s = source(100);
    expect((await readHead(s.chunks, 15)).toString('latin1')).toBe('aaaaaaaaaabbbbb');
    expect(s.closedEarly()).toBe(true);
    expect(await readHead(source(1).chunks, 15)).toHaveLength(10);
  });

  it("peek's rest closes the source when its consumer stops early", async () => {
    const s = source(100);
    const { head, rest } = await peek(s.chunks, 4);
    expect(head).toHaveLength(4);
    expect((await readHead(rest, 25)).toString('latin1')).toBe('aaaaaaaaaabbbbbbbbbbccccc');
    expect(s.closedEarly()).toBe(true);
  });
});

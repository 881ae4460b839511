import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../src/io/input.js';
import { splitLines, type Line } from '../../src/io/lines.js';

async function collect(bytes: Uint8Array, chunk: number, maxLineBytes?: number): Promise<Line[]> {
  const out: Line[] = [];
  for await (const l of splitLines(memoryFile('m', bytes, chunk).open(), maxLineBytes === undefined ? {} : { maxLineBytes })) out.push(l);
  return out;
}

describe('splitLines', () => {
  it('splits on \\n and \\r\\n, numbers lines and keeps a last line without newline', async () => {
    const lines = await collect(Buffer.from('a\r\nbb\n\nccc'), 2);
    expect(lines.map((l) => [l.lineNo, l.text, l.offset])).toEqual([
      [1, 'a', 0],
      [2, 'bb', 3],
      [3, '', 6],
      [4, 'ccc', 7],
    ]);
  });

  it('flags invalid UTF-8 without flagging a real U+FFFD', async () => {
    const bytes = Buffer.concat([Buffer.from('ok \uFFFD\n'), Buffer.from([0x62, 0xff, 0x61, 0x0a])]);
    const lines = await collect(bytes, 3);
    expect(lines.map((l) => l.invalidUtf8)).toEqual([false, true]);
  });

  it('skips a line longer than maxLineBytes without holding it, then carries on', async () => {
    const bytes = Buffer.from(`short\n${'x'.repeat(5000)}\nafter\n`);
    const lines = await collect(bytes, 64, 1000);
    expect(lines.map((l) => [l.text, l.tooLong, l.bytes])).toEqual([
      ['short', false, 5],
      ['', true, 5000],
      ['after', false, 5],
    ]);
  });

  it('drops a UTF-8 BOM that opens the stream, however it is chunked, and only there', async () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const bytes = Buffer.concat([bom, Buffer.from('first\r\n'), bom, Buffer.from('second\n')]);
    for (const chunk of [1, 2, 3, 4, 64]) {
      const lines = await collect(bytes, chunk);
      expect(lines.map((l) => [l.lineNo, l.text, l.offset, l.bytes])).toEqual([
        [1, 'first', 3, 5],
        // mid-stream it is text (a zero-width no-break space), kept as written
        [2, '\uFEFFsecond', 10, 9],
      ]);
    }
    expect((await collect(bom, 1)).map((l) => l.text)).toEqual(['']);
  });

  it('gives the same lines whatever the chunk boundaries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 50 }), async (parts, chunk) => {
        const bytes = Buffer.from(parts.join('\n'));
        const whole = await collect(bytes, bytes.length + 1);
        const chunked = await collect(bytes, chunk);
        expect(chunked).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('holds every line to maxLineBytes whatever the chunk boundaries (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 40 }), { maxLength: 30 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 30 }), async (parts, chunk, max) => {
        const bytes = Buffer.from(parts.join('\n'));
        const whole = await collect(bytes, bytes.length + 1, max);
        expect(await collect(bytes, chunk, max)).toEqual(whole);
        for (const l of whole) expect(l.tooLong).toBe(l.bytes > max);
      }),
      { numRuns: 200 },
    );
  });
});

/**
 * Writers share the process's zstd contexts: interleaved files, an aborted one whose context goes
 * back mid-frame, and the files after it all decode (with the zstd command) to exactly what was
 * written, with the digest each writer hashed as it wrote; a released context is the one the next
 * writer gets.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlZstWriter, ZstFileWriter } from '../../src/io/jsonl-zst.js';
import { releaseStreamContext, takeStreamContext } from '../../src/io/zstd-contexts.js';
import { tempDir } from '../helpers/corpus.js';

function zstdcat(path: string): string {
  const r = spawnSync('zstd', ['-d', '-c', '-q', path], { maxBuffer: 1 << 28 });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout.toString();
}

describe('shared zstd contexts', () => {
  it('give interleaved, aborted and later files exactly their own bytes', async () => {
    const dir = tempDir();
    const line = (w: string, i: number): string => `${w} ${i} ${'lorem ipsum dolor sit amet '.repeat(1 + (i % 40))}`;
    const a = new JsonlZstWriter(join(dir, 'a.jsonl.zst'));
    const b = new ZstFileWriter(join(dir, 'b.bin.zst'), { level: 1 });
    const dropped = new JsonlZstWriter(join(dir, 'dropped.jsonl.zst'));
    const wantA: string[] = [];
    let wantB = '';
    for (let i = 0; i < 3000; i++) {
      a.push({ t: line('a', i) });
      wantA.push(JSON.stringify({ t: line('a', i) }));
      const block = Buffer.from(line('b', i) + '\n');
      b.add(block, block.length);
      wantB += block.toString();
      dropped.push({ t: line('dropped', i) });
      // flushes interleave: each writer's frame is open on its own context meanwhile
      if (i % 500 === 0) await Promise.all([a.flush(), b.flush(), dropped.flush()]);
    }
    await dropped.abort();
    expect(existsSync(join(dir, 'dropped.jsonl.zst'))).toBe(false);
    // takes the context the aborted writer left mid-frame
    const c = new JsonlZstWriter(join(dir, 'c.jsonl.zst'));
    for (let i = 0; i < 200; i++) c.push({ t: line('c', i) });
    expect(await c.commit()).toBe(true);
    expect(await a.commit()).toBe(true);
    expect(await b.commit()).toBe(true);
    expect(zstdcat(join(dir, 'a.jsonl.zst'))).toBe(wantA.join('\n') + '\n');
    expect(zstdcat(join(dir, 'b.bin.zst'))).toBe(wantB);
    expect(zstdcat(join(dir, 'c.jsonl.zst'))).toBe(Array.from({ length: 200 }, (_, i) => JSON.stringify({ t: line('c', i) })).join('\n') + '\n');
    // an empty writer with keepEmpty writes a valid empty frame; without, nothing
    const empty = new ZstFileWriter(join(dir, 'empty.zst'), { keepEmpty: true });
    expect(await empty.commit()).toBe(true);
    expect(zstdcat(join(dir, 'empty.zst'))).toBe('');
    expect(await new JsonlZstWriter(join(dir, 'none.jsonl.zst')).commit()).toBe(false);
    // no temp files left behind
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // each committed file's digest, hashed as written, is that of the file on disk
    for (const [w, name] of [
      [a, 'a.jsonl.zst'],
      [b, 'b.bin.zst'],
      [c, 'c.jsonl.zst'],
      [empty, 'empty.zst'],
    ] as const) {
      const bytes = readFileSync(join(dir, name));
      expect(w.digest, name).toEqual({ bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
    }
    expect(dropped.digest).toBeUndefined();
  });

  it('hands a released context to the next writer at that level', () => {
    const first = takeStreamContext(7);
    releaseStreamContext(7, first, true);
    expect(takeStreamContext(7)).toBe(first);
    expect(takeStreamContext(7)).not.toBe(first);
  });
});

/**
 * Files built from other files (a piece of a large input, one that ends on interrupt) have one
 * shape: the same fields in the same order, whatever they were built from, so the readers' loops
 * meet one hidden class task after task instead of a new one each time (io/input.ts, derivedFile).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pieceOf } from '../../src/io/byte-range.js';
import { abortableFile, derivedFile, localFile, memoryFile, type InputFile } from '../../src/io/input.js';
import { tempDir } from '../helpers/corpus.js';

async function text(file: InputFile): Promise<string> {
  const out: Buffer[] = [];
  for await (const c of file.open()) out.push(Buffer.from(c));
  return Buffer.concat(out).toString();
}

describe('derivedFile', () => {
  const dir = tempDir('sluice-derived-file-');
  const path = join(dir, 'lines.jsonl');
  writeFileSync(path, 'one\ntwo\nthree\n');
  const whole = localFile(path);
  const piece = pieceOf(whole, { kind: 'lines', start: 4, end: 8, firstLine: 2 });
  const never = new AbortController().signal;
  const stop = (): Error => new Error('stopped');

  it('gives files built from whole files, pieces and memory the same fields in the same order', () => {
    const built = [piece, abortableFile(whole, never, stop), abortableFile(piece, never, stop), derivedFile(memoryFile('m', Buffer.from('x')), { open: whole.open })];
    const shapes = built.map((f) => Object.keys(f).join(','));
    expect(new Set(shapes).size).toBe(1);
    expect(shapes[0]).toBe('uri,localPath,isDirectory,piece,whole,open,size,fingerprint');
  });

  it('keeps what it does not change: name, path, fingerprint; a piece keeps its range and whole file', async () => {
    const stoppable = abortableFile(piece, never, stop);
    expect(stoppable.uri).toBe(path);
    expect(stoppable.localPath).toBe(path);
    expect(stoppable.piece).toEqual({ kind: 'lines', start: 4, end: 8, firstLine: 2 });
    expect(stoppable.whole?.uri).toBe(path);
    expect(await stoppable.fingerprint?.({ content: false })).toEqual(await whole.fingerprint?.({ content: false }));
    expect(await stoppable.size()).toBe(4);
    expect(await text(stoppable)).toBe('two\n');
    expect(await text(stoppable.whole!)).toBe('one\ntwo\nthree\n');
  });

  it('an abortable file stops with the caller error once its signal aborts', async () => {
    const ctl = new AbortController();
    const stoppable = abortableFile(whole, ctl.signal, stop);
    ctl.abort();
    await expect(text(stoppable)).rejects.toThrow('stopped');
  });
});

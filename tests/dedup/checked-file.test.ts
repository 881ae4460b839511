import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { ArtefactKind, CheckedReader, CheckedWriter, RecordCursor, writeChecked } from '../../src/dedup/checked-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-checked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function payload(n: number): Uint8Array {
  const a = new Uint8Array(n);
  for (let i = 0; i < n; i++) a[i] = (i * 31 + (i >> 8)) & 0xff;
  return a;
}

function expectArtefactError(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SluiceError);
  expect((caught as SluiceError).code).toBe('SLUICE_ARTEFACT');
  expect((caught as SluiceError).message).toMatch(message);
  expect((caught as SluiceError).hint).toBeTruthy();
}

describe('checked files', () => {
  it('round-trip whole, by random access and by record cursor, across block boundaries', () => {
    const path = join(dir, 'round.bin');
    const data = payload(10_000);
    const w = new CheckedWriter(path, ArtefactKind.SortedKeys, 1000);
    w.write(data.subarray(0, 3));
    w.write(data.subarray(3, 2500));
    w.write(data.subarray(2500));
    expect(w.close()).toBe(10_000);
    const r = CheckedReader.open(path, ArtefactKind.SortedKeys);
    expect(r.size).toBe(10_000);
    expect(r.readAll()).toEqual(data);
    expect(r.read(995, 10)).toEqual(data.subarray(995, 1005));
    expect(r.read(9_999, 1)).toEqual(data.subarray(9_999));
    const c = new RecordCursor(r, 8, 800, 9_600, 7);
    const seen: number[] = [];
    if (c.advanceChunk())
      do seen.push(c.words[c.index * 2]!);
      while (c.step());
    const expected = new Uint32Array(data.buffer.slice(800, 9_600));
    expect(seen).toEqual(Array.from({ length: 1100 }, (_, i) => expected[i * 2]!));
    r.close();
  });

  it('an empty file is valid', () => {
    const path = join(dir, 'empty.bin');
    writeChecked(path, ArtefactKind.Edges, new Uint8Array(0));
    const r = CheckedReader.open(path, ArtefactKind.Edges);
    expect(r.size).toBe(0);
    expect(r.readAll().length).toBe(0);
    r.close();
  });

  it('a flipped byte fails the CRC of its block, and only when that block is read', () => {
    const path = join(dir, 'flip.bin');
    writeChecked(path, ArtefactKind.Signatures, payload(5000), 1024);
    const bytes = readFileSync(path);
    const at = 32 + 2 * 1028 + 17; // block 2, payload byte 17
    bytes.writeUInt8(bytes.readUInt8(at) ^ 0x40, at);
    writeFileSync(path, bytes);
    const r = CheckedReader.open(path, ArtefactKind.Signatures);
    expect(r.read(0, 2048)).toEqual(payload(5000).subarray(0, 2048));
    expectArtefactError(() => r.read(2048, 10), /block 2 .* fails its CRC-32/);
    r.close();
  });

  it('truncation, a foreign file, a wrong kind and a missing file are refused on open', () => {
    const path = join(dir, 'trunc.bin');
    writeChecked(path, ArtefactKind.DocIndex, payload(5000), 1024);
    truncateSync(path, statSync(path).size - 100);
    expectArtefactError(() => CheckedReader.open(path, ArtefactKind.DocIndex), /its header says/);
    const foreign = join(dir, 'foreign.bin');
    writeFileSync(foreign, Buffer.alloc(64, 1));
    expectArtefactError(() => CheckedReader.open(foreign, ArtefactKind.DocIndex), /bad magic/);
    const other = join(dir, 'other.bin');
    writeChecked(other, ArtefactKind.Edges, payload(100));
    expectArtefactError(() => CheckedReader.open(other, ArtefactKind.Removals), /kind 5, expected 6/);
    expectArtefactError(() => CheckedReader.open(join(dir, 'nope.bin'), ArtefactKind.Edges), /cannot open \(ENOENT\)/);
  });

  it('a damaged header is refused', () => {
    const path = join(dir, 'header.bin');
    writeChecked(path, ArtefactKind.Edges, payload(100));
    const bytes = readFileSync(path);
    bytes.writeUInt8(bytes.readUInt8(16) ^ 1, 16); // payload size
    writeFileSync(path, bytes);
    expectArtefactError(() => CheckedReader.open(path, ArtefactKind.Edges), /header checksum mismatch/);
  });

  it('an aborted writer leaves nothing behind', () => {
    const path = join(dir, 'aborted.bin');
    const w = new CheckedWriter(path, ArtefactKind.Edges);
    w.write(payload(10));
    w.abort();
    expect(() => statSync(path)).toThrow();
  });
});

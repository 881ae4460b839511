/**
 * A multi-frame zstd file (frames from the zstd command, concatenated; with skippable frames; in
 * the seekable format) is cut at frame starts into pieces of whole lines: every line in exactly one
 * piece, with the line number and decoded offset it has in the file read whole. A single frame, or
 * a damaged file, is not cut.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { pieceOf } from '../../src/io/byte-range.js';
import { compress } from 'zstd-napi';
import { decodeZstdInProcess, openDecoded, pieceLines } from '../../src/io/decompress.js';
import { localFile } from '../../src/io/input.js';
import { readAll } from '../../src/io/read-bytes.js';
import { decodeZstdWithCli } from '../../src/io/zstd-cli.js';
import { zstdLineRanges, type ZstdLinesRange } from '../../src/io/zstd-frames.js';
import { frameWindowBytes } from '../../src/io/zstd-format.js';
import { tempDir } from '../helpers/corpus.js';

function zstdCli(bytes: Buffer, args: string[] = ['-3']): Buffer {
  const r = spawnSync('zstd', ['-q', '-c', ...args], { input: bytes, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`zstd failed: ${r.stderr.toString()}`);
  return r.stdout;
}

function skippable(payload: Buffer, nibble = 0): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a50 + nibble, 0);
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

/** The seek table of zstd's seekable format (contrib/seekable_format): a skippable frame 0x184D2A5E, without checksums. */
function seekTable(frames: { compressed: number; decompressed: number }[]): Buffer {
  const body = Buffer.alloc(frames.length * 8 + 9);
  frames.forEach((f, i) => {
    body.writeUInt32LE(f.compressed, i * 8);
    body.writeUInt32LE(f.decompressed, i * 8 + 4);
  });
  body.writeUInt32LE(frames.length, frames.length * 8);
  body.writeUInt8(0, frames.length * 8 + 4);
  body.writeUInt32LE(0x8f92eab1, frames.length * 8 + 5);
  return skippable(body, 0xe);
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz     éß·€';

/** Text of lines of mixed lengths (some longer than several frames), CRLF here and there. */
function text(seed: number, lines: number, finalNewline: boolean): Buffer {
  let s = seed;
  const rand = (n: number): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) % n;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    const len = rand(12) === 0 ? 2000 + rand(6000) : rand(300);
    // random letters, some two or three bytes in UTF-8, so that frames stay large
    let line = `${i}:`;
    for (let k = 0; k < len; k++) line += ALPHABET[rand(ALPHABET.length)];
    out.push(line + (rand(9) === 0 ? '\r' : ''));
  }
  return Buffer.from(out.join('\n') + (finalNewline ? '\n' : ''));
}

/** Frames of the zstd command over consecutive slices of `bytes` cut anywhere (inside lines and UTF-8 sequences too). */
function framesOf(bytes: Buffer, seed: number): { frames: Buffer[]; sizes: number[] } {
  let s = seed;
  const rand = (n: number): number => (s = (Math.imul(s, 22695477) + 1) >>> 0) % n;
  const frames: Buffer[] = [];
  const sizes: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = Math.min(bytes.length - at, 200 + rand(3000));
    frames.push(zstdCli(bytes.subarray(at, at + n)));
    sizes.push(n);
    at += n;
  }
  return { frames, sizes };
}

function lineStartsOf(bytes: Buffer): number[] {
  const out = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) if (i + 1 < bytes.length) out.push(i + 1);
  return out;
}

/** The pieces, each decoded from its own frame start with `decode`, put together again. */
async function checkPieces(path: string, plain: Buffer, ranges: ZstdLinesRange[], decode: (raw: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>): Promise<void> {
  const starts = lineStartsOf(plain);
  const file = localFile(path);
  const parts: Buffer[] = [];
  for (const [i, r] of ranges.entries()) {
    if (i > 0) expect(r.start).toBe(ranges[i - 1]!.end);
    expect(r.length).toBeGreaterThan(0);
    // a line start, and the number it has in the whole file
    const k = starts.indexOf(r.firstOffset);
    expect(k).not.toBe(-1);
    expect(r.firstLine).toBe(k + 1);
    parts.push(await readAll(pieceLines(decode(pieceOf(file, r).open()), r, path)));
    expect(parts[i]!.length).toBe(r.length);
  }
  expect(ranges[0]!.start).toBe(0);
  expect(ranges[0]!.firstOffset).toBe(0);
  expect(ranges[ranges.length - 1]!.end).toBe((await file.size())!);
  expect(Buffer.concat(parts).equals(plain)).toBe(true);
}

describe('zstd frames cut into line pieces', () => {
  it('covers every line once from concatenated frames of the zstd command, decoded in process and by the command', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    for (const finalNewline of [true, false]) {
      const plain = text(finalNewline ? 3 : 4, 400, finalNewline);
      const { frames } = framesOf(plain, 11);
      const path = join(dir, `multi-${finalNewline}.jsonl.zst`);
      const file = Buffer.concat(frames);
      writeFileSync(path, file);
      for (const pieceBytes of [2000, 9000, 40_000]) {
        const ranges = (await zstdLineRanges(path, file.length, pieceBytes))!;
        expect(ranges).toBeDefined();
        if (pieceBytes < file.length / 8) expect(ranges.length).toBeGreaterThan(4);
        await checkPieces(path, plain, ranges, decodeZstdInProcess);
        if (pieceBytes === 9000) await checkPieces(path, plain, ranges, decodeZstdWithCli);
      }
      // a piece size past the file: one piece, not cut
      expect(await zstdLineRanges(path, file.length, file.length * 2)).toBeUndefined();
    }
  });

  it('cuts at data frames between skippable frames, and files in the seekable format', { timeout: 120_000 }, async () => {
    const dir = tempDir();
    const plain = text(5, 300, true);
    const { frames, sizes } = framesOf(plain, 5);
    const withSkippable = Buffer.concat([skippable(Buffer.from('pzstd header')), ...frames.flatMap((f, i) => (i % 3 === 0 ? [f, skippable(Buffer.alloc(i))] : [f]))]);
    const seekable = Buffer.concat([...frames, seekTable(frames.map((f, i) => ({ compressed: f.length, decompressed: sizes[i]! })))]);
    for (const [name, bytes] of [
      ['skippable.zst', withSkippable],
      ['seekable.zst', seekable],
    ] as const) {
      const path = join(dir, name);
      writeFileSync(path, bytes);
      const ranges = (await zstdLineRanges(path, bytes.length, 5000))!;
      expect(ranges.length).toBeGreaterThan(4);
      await checkPieces(path, plain, ranges, decodeZstdInProcess);
    }
  });

  it('keeps a single frame whole without decoding it, and a damaged multi-frame file fails the plan with SLUICE_DECOMPRESS', async () => {
    const dir = tempDir();
    const plain = text(6, 300, true);
    const single = join(dir, 'single.zst');
    const one = zstdCli(plain);
    writeFileSync(single, one);
    expect(await zstdLineRanges(single, one.length, 1000)).toBeUndefined();
    // not decoded: a wrong content checksum (the frame's last 4 bytes), which decoding would
    // report, goes unnoticed by the look at the block headers
    const badSum = Buffer.from(one);
    badSum[badSum.length - 1]! ^= 0xff;
    writeFileSync(single, badSum);
    await expect(readAll(decodeZstdInProcess(localFile(single).open()))).rejects.toThrow();
    expect(await zstdLineRanges(single, badSum.length, 1000)).toBeUndefined();
    // one frame and its seek table: the footer says one frame
    const seekableOne = Buffer.concat([one, seekTable([{ compressed: one.length, decompressed: plain.length }])]);
    writeFileSync(single, seekableOne);
    expect(await zstdLineRanges(single, seekableOne.length, 1000)).toBeUndefined();

    const { frames } = framesOf(plain, 8);
    const whole = Buffer.concat(frames);
    const damaged = Buffer.from(whole);
    damaged.fill(0x55, Math.floor(damaged.length / 2), Math.floor(damaged.length / 2) + 40);
    const path = join(dir, 'damaged.zst');
    writeFileSync(path, damaged);
    await expect(zstdLineRanges(path, damaged.length, 2000)).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_DECOMPRESS' && e.message.includes(path));
    const truncated = whole.subarray(0, whole.length - 7);
    writeFileSync(path, truncated);
    await expect(zstdLineRanges(path, truncated.length, 2000)).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_DECOMPRESS');
  });

  it('a piece whose file ends before its last line fails as damaged input', async () => {
    const plain = Buffer.from('a\nbb\nccc\n');
    const decoded = (async function* () {
      yield plain.subarray(0, 5);
    })();
    await expect(readAll(pieceLines(decoded, { skip: 2, length: 7 }, 'x.zst'))).rejects.toSatisfy((e: unknown) => e instanceof SluiceError && e.code === 'SLUICE_DECOMPRESS');
  });
});

describe('frame windows', () => {
  it('reads the window a frame of the zstd command or zstd-napi asks for', () => {
    // from a pipe the command does not know the size: the level's window, or --long's
    expect(frameWindowBytes(zstdCli(Buffer.from('x\n'.repeat(100)), ['-3']))).toBe(2 ** 21);
    expect(frameWindowBytes(zstdCli(Buffer.from('x\n'.repeat(100)), ['-3', '--long=31']))).toBe(2 ** 31);
    // zstd-napi knows the size: a single-segment frame whose window is its content size
    expect(frameWindowBytes(compress(Buffer.alloc(300, 'a')))).toBe(300);
    expect(frameWindowBytes(compress(Buffer.alloc(70_000, 'a')))).toBe(70_000);
    expect(frameWindowBytes(skippable(Buffer.from('not data')))).toBeUndefined();
    expect(frameWindowBytes(Buffer.from('{"text": 1}'))).toBeUndefined();
  });

  it('decodes the pieces of --long=31 frames (through the zstd command) as those of small ones', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const plain = text(9, 200, true);
    const frames: Buffer[] = [];
    for (let at = 0; at < plain.length; at += 4000) frames.push(zstdCli(plain.subarray(at, at + 4000), ['-3', '--long=31']));
    const bytes = Buffer.concat(frames);
    const path = join(dir, 'long.zst');
    writeFileSync(path, bytes);
    const ranges = (await zstdLineRanges(path, bytes.length, 8000))!;
    expect(ranges.length).toBeGreaterThan(3);
    const file = localFile(path);
    const parts = await Promise.all(ranges.map(async (r) => readAll((await openDecoded(pieceOf(file, r))).bytes)));
    expect(Buffer.concat(parts).equals(plain)).toBe(true);
  });
});

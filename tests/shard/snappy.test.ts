import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { snappyUncompress } from 'hyparquet';
import { expect, test } from 'vitest';
import { snappyCompress } from '../../src/shard/parquet/snappy.js';
import { rng } from './read-back.js';

function roundTrip(input: Uint8Array): Buffer {
  const compressed = snappyCompress(input);
  const out = new Uint8Array(input.length);
  snappyUncompress(compressed, out);
  expect(Buffer.from(out).equals(Buffer.from(input))).toBe(true);
  return compressed;
}

test('snappy output decodes with an independent decompressor', () => {
  roundTrip(new Uint8Array(0));
  roundTrip(Buffer.from('a'));
  roundTrip(Buffer.from('abcabcabcabcabcabcabcabcabcabc'));
  roundTrip(randomBytes(70_000));
  // long runs: copies longer than 64 bytes and offsets of 1
  expect(roundTrip(Buffer.alloc(300_000, 7)).length).toBeLessThan(20_000);
  // text spanning several 64 KiB blocks, with 1- and 2-byte offset copies and long literals
  const rand = rng(9);
  const words = ['the', 'sluice', 'gate', 'λόγος', '日本語', 'parquet', 'x'];
  const text = Array.from({ length: 60_000 }, () => words[Math.floor(rand() * words.length)]).join(' ');
  expect(roundTrip(Buffer.from(text)).length).toBeLessThan(Buffer.byteLength(text) / 2);
});

test('snappy round trips arbitrary byte patterns', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(Buffer.from('repeat me '), Buffer.alloc(100, 1))), { maxLength: 200 }), (parts) => {
      roundTrip(Buffer.concat(parts));
    }),
    { numRuns: 200, seed: 42 },
  );
});

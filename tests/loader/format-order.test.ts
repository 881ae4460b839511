/**
 * FORMAT.md says another implementation can reproduce every epoch order bit for bit. This is
 * one: the "Order of an epoch" and "Random numbers" rules written out again from the text, in
 * BigInt arithmetic (no Math.imul, no >>> 0), compared with the loader's epochOrder.
 */
import { describe, expect, it } from 'vitest';
import { epochOrder, type StreamDocs } from '../../src/loader/epoch-order.js';
import { hashWords } from '../../src/loader/rng.js';

const M = 0xffffffffn;
const GOLDEN = 0x9e3779b9n;

function mix32(x: bigint): bigint {
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & M;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & M;
  return x ^ (x >> 16n);
}

function H(words: bigint[]): bigint {
  let h = GOLDEN;
  for (const w of words) h = (mix32(h ^ w) + GOLDEN) & M;
  return h;
}

const rotl = (x: bigint, k: bigint): bigint => ((x << k) | (x >> (32n - k))) & M;

/** R(s, purpose, k, e): xoshiro128** seeded as FORMAT.md describes; returns below(n). */
function R(s: number, purpose: number, k: number, e: number): (n: number) => number {
  const h = H([BigInt(s), BigInt(purpose), BigInt(k), BigInt(e % 2 ** 32), BigInt(Math.floor(e / 2 ** 32))]);
  const st = [1n, 2n, 3n, 4n].map((i) => mix32((h + i * GOLDEN) & M));
  if (!st.some((w) => w !== 0n)) st[0] = 1n;
  const next = (): bigint => {
    const [s0, s1, s2, s3] = st as [bigint, bigint, bigint, bigint];
    const result = (rotl((s1 * 5n) & M, 7n) * 9n) & M;
    const t = (s1 << 9n) & M;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    const n1 = s1 ^ n2;
    const n0 = s0 ^ n3;
    st[0] = n0;
    st[1] = n1;
    st[2] = n2 ^ t;
    st[3] = rotl(n3, 11n);
    return result;
  };
  return (n) => Number((next() * BigInt(n)) >> 32n);
}

function fisherYates<T>(a: T[], below: (n: number) => number): void {
  for (let i = a.length - 1; i >= 1; i--) {
    const j = below(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
}

/** The documents of one epoch in output order, from FORMAT.md section 2. */
function specOrder(shards: number[][], s: number, k: number, e: number, K: number): number[] {
  const perm = shards.map((_, i) => i);
  fisherYates(perm, R(s, 1, k, e));
  const x = perm.flatMap((i) => shards[i]!);
  const kk = Math.min(K, x.length);
  const below = R(s, 2, k, e);
  const buffer = x.slice(0, kk);
  const out: number[] = [];
  for (let j = kk; j < x.length; j++) {
    const r = below(kk);
    out.push(buffer[r]!);
    buffer[r] = x[j]!;
  }
  fisherYates(buffer, below);
  return [...out, ...buffer];
}

/** Global document numbers grouped by shard, as a stream over every document sees them. */
function layout(sizes: number[]): { shards: number[][]; docs: StreamDocs } {
  let d = 0;
  const shards = sizes.map((n) => Array.from({ length: n }, () => d++));
  const shardStart = new Uint32Array(sizes.length + 1);
  sizes.forEach((n, i) => (shardStart[i + 1] = shardStart[i]! + n));
  return { shards, docs: { docs: Uint32Array.from(shards.flat()), shardStart } };
}

describe('epoch order against FORMAT.md', () => {
  const { shards, docs } = layout([40, 1, 0, 77, 13, 200, 9]);
  const numTokens = new Int32Array(docs.docs.length).fill(3);

  it.each([
    { seed: 0, key: 0, epoch: 0, buffer: 16 },
    { seed: 1, key: 0, epoch: 3, buffer: 1 },
    { seed: 0xffffffff, key: 0, epoch: 2 ** 33 + 5, buffer: 64 },
    { seed: 42, key: hashWords([...Buffer.from('web', 'utf8')]), epoch: 1, buffer: 8192 },
    { seed: 7, key: hashWords([...Buffer.from('wikipédia', 'utf8')]), epoch: 0, buffer: 100 },
  ])('%o', ({ seed, key, epoch, buffer }) => {
    const order = epochOrder(numTokens, docs, seed, key, epoch, buffer);
    const loader = Array.from(order.order, (j) => order.input[j]!);
    expect(loader).toEqual(specOrder(shards, seed, key, epoch, buffer));
  });

  it('the stream key of a source is H of its UTF-8 bytes', () => {
    const bytes = [...Buffer.from('code', 'utf8')];
    expect(BigInt(hashWords(bytes))).toBe(H(bytes.map(BigInt)));
  });
});

import { MAX_BELOW, Purpose, Xoshiro128 } from './rng.js';

/** The documents one stream draws from, in dataset order, grouped by shard. */
export interface StreamDocs {
  /** Global document indices, ascending. */
  docs: Uint32Array;
  /** docs[shardStart[s] .. shardStart[s + 1]) lie in shard s (length shards + 1). */
  shardStart: Uint32Array;
}

/** One epoch of a stream: the order its documents are packed in. */
export interface EpochOrder {
  epoch: number;
  /** Global document indices in the order they enter the shuffle buffer. */
  input: Uint32Array;
  /** Output position -> input position. */
  order: Uint32Array;
  /** Input position -> output position. */
  outIndex: Uint32Array;
  /** prefix[i] = where output document i starts in the epoch's token stream (tokens + one EOS each); prefix[docs] = the epoch's length. */
  prefix: Float64Array;
}

function rngWords(seed: number, purpose: number, streamKey: number, epoch: number): number[] {
  return [seed >>> 0, purpose, streamKey >>> 0, epoch % 4294967296, Math.floor(epoch / 4294967296)];
}

/** Fisher-Yates (Durstenfeld): for i = n-1 .. 1, swap a[i] with a[below(i + 1)]. */
export function shuffleInPlace(a: Uint32Array, rng: Xoshiro128): void {
  for (let i = a.length - 1; i >= 1; i--) {
    const j = rng.below(i + 1);
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/**
 * The epoch's order (FORMAT.md, "Order of an epoch"): shards in a seeded permutation, each
 * shard's documents in row order, passed through a seeded shuffle buffer of `bufferSize`.
 */
export function epochOrder(numTokens: Int32Array, docs: StreamDocs, seed: number, streamKey: number, epoch: number, bufferSize: number): EpochOrder {
  const shards = docs.shardStart.length - 1;
  const n = docs.docs.length;
  const perm = new Uint32Array(shards);
  for (let s = 0; s < shards; s++) perm[s] = s;
  shuffleInPlace(perm, new Xoshiro128(rngWords(seed, Purpose.shardOrder, streamKey, epoch)));

  const input = new Uint32Array(n);
  let at = 0;
  for (const s of perm) {
    const from = docs.shardStart[s]!;
    const to = docs.shardStart[s + 1]!;
    input.set(docs.docs.subarray(from, to), at);
    at += to - from;
  }

  const k = Math.min(bufferSize, n);
  if (k > MAX_BELOW) throw new RangeError(`shuffle buffer ${k} exceeds ${MAX_BELOW}`);
  const rng = new Xoshiro128(rngWords(seed, Purpose.shuffleBuffer, streamKey, epoch));
  const order = new Uint32Array(n);
  const buf = new Uint32Array(k);
  for (let j = 0; j < k; j++) buf[j] = j;
  let out = 0;
  for (let j = k; j < n; j++) {
    const r = rng.below(k);
    order[out++] = buf[r]!;
    buf[r] = j;
  }
  shuffleInPlace(buf, rng);
  order.set(buf, out);

  const outIndex = new Uint32Array(n);
  const prefix = new Float64Array(n + 1);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    const j = order[i]!;
    outIndex[j] = i;
    prefix[i] = pos;
    pos += numTokens[input[j]!]! + 1;
  }
  prefix[n] = pos;
  return { epoch, input, order, outIndex, prefix };
}

/**
 * The merge loop: turns the UTF-8 bytes of one pre-token into token ids. Pieces up to
 * SMALL_PIECE bytes use tiktoken's own scheme (rescan the pair priorities after each merge,
 * cheap at that size); longer ones (whitespace runs, long numbers in r50k) use a heap over a
 * linked list so a 100k-byte run stays O(n log n) instead of quadratic.
 */
import { createHash } from 'node:crypto';
import { SluiceError } from '../core/errors.js';
import { BytesTable, findPair, FNV_OFFSET, FNV_PRIME, PairTable } from './hash-tables.js';
import type { IdBuffer } from '../core/id-buffer.js';
import { cachedTables, type CachedArray, type TableCacheOptions } from './table-cache.js';
import type { Vocabulary } from './vocabulary.js';

const SMALL_PIECE = 64;
const NONE = 0x7fffffff;
const POS_SCALE = 2 ** 32;

const cores = new WeakMap<Vocabulary, BpeCore>();

/**
 * One BpeCore per vocabulary: its tables take a few hundred ms to build and are read-only after,
 * so they come from the table cache (table-cache.ts) when an earlier process built them.
 */
export function bpeCoreFor(vocab: Vocabulary, cache?: TableCacheOptions): BpeCore {
  let core = cores.get(vocab);
  if (!core) {
    core = new BpeCore(vocab, cachedBpeTables(vocab, cache));
    cores.set(vocab, core);
  }
  return core;
}

/** What a BpeCore is built from besides its vocabulary: the part the table cache keeps. */
export interface BpeTables {
  bytesTable: BytesTable;
  pairs: PairTable;
  /** Merged id by priority for HF merge lists; undefined for tiktoken ranks, where the priority is the merged id. */
  mergedOf: Int32Array | undefined;
  byteIds: Int32Array;
  bytePairs: Int32Array;
}

export class BpeCore {
  readonly bytesTable: BytesTable;
  readonly pairs: PairTable;
  private readonly mergedOf: Int32Array | undefined;
  /** Id of each single-byte token. */
  readonly byteIds: Int32Array;
  /**
   * Priority of each pair of single-byte tokens, indexed by byte0 << 8 | byte1; NONE when the
   * bytes do not merge. The first round of a merge looks up every adjacent byte pair, most of a
   * short piece's lookups: this 256 KB table (its ASCII part stays in the CPU cache) replaces
   * probes into the pair table, which is megabytes and read at random.
   */
  private readonly bytePairs: Int32Array;
  private readonly wholePieceLookup: boolean;

  private readonly ids = new Int32Array(SMALL_PIECE);
  private readonly prio = new Int32Array(SMALL_PIECE);

  constructor(vocab: Vocabulary, tables: BpeTables = buildBpeTables(vocab)) {
    this.wholePieceLookup = vocab.wholePieceLookup;
    this.bytesTable = tables.bytesTable;
    this.pairs = tables.pairs;
    this.mergedOf = tables.mergedOf;
    this.byteIds = tables.byteIds;
    this.bytePairs = tables.bytePairs;
  }

  /** Appends the ids of the pre-token whose UTF-8 bytes are bytes[0, n). */
  encodePiece(bytes: Uint8Array, n: number, out: IdBuffer): void {
    if (n === 1) {
      out.push(this.byteIds[bytes[0]!]!);
      return;
    }
    if (this.wholePieceLookup) {
      const id = this.bytesTable.get(bytes, 0, n);
      if (id >= 0) {
        out.push(id);
        return;
      }
    }
    if (n <= SMALL_PIECE) this.mergeSmall(bytes, n, out);
    else this.mergeLarge(bytes, n, out);
  }

  private mergeSmall(bytes: Uint8Array, n: number, out: IdBuffer): void {
    const ids = this.ids;
    const prio = this.prio;
    const table = this.pairs.table;
    const capacity = this.pairs.capacity;
    const mergedOf = this.mergedOf;
    const byteIds = this.byteIds;
    const bytePairs = this.bytePairs;
    for (let i = 0; i < n; i++) ids[i] = byteIds[bytes[i]!]!;
    for (let i = 0; i < n - 1; i++) prio[i] = bytePairs[(bytes[i]! << 8) | bytes[i + 1]!]!;
    let len = n;
    for (;;) {
      // tiktoken's rule: the lowest priority, the leftmost on ties.
      let best = NONE;
      let m = -1;
      for (let i = 0; i < len - 1; i++) {
        if (prio[i]! < best) {
          best = prio[i]!;
          m = i;
        }
      }
      if (m < 0) break;
      ids[m] = mergedOf === undefined ? best : mergedOf[best]!;
      for (let j = m + 1; j < len - 1; j++) {
        ids[j] = ids[j + 1]!;
        prio[j] = prio[j + 1]!;
      }
      len--;
      if (m < len - 1) {
        const p = findPair(table, capacity, ids[m]!, ids[m + 1]!);
        prio[m] = p < 0 ? NONE : p;
      } else {
        prio[m] = NONE;
      }
      if (m > 0) {
        const p = findPair(table, capacity, ids[m - 1]!, ids[m]!);
        prio[m - 1] = p < 0 ? NONE : p;
      }
    }
    for (let i = 0; i < len; i++) out.push(ids[i]!);
  }

  /** Scratch for mergeLarge, grown on demand and reused. */
  private large = { ids: new Int32Array(0), next: new Int32Array(0), prev: new Int32Array(0), heap: new MinHeap(0) };

  private mergeLarge(bytes: Uint8Array, n: number, out: IdBuffer): void {
    if (this.large.ids.length < n) {
      const cap = Math.max(n, this.large.ids.length * 2);
      this.large = { ids: new Int32Array(cap), next: new Int32Array(cap), prev: new Int32Array(cap), heap: new MinHeap(cap * 2) };
    }
    const { ids, next, prev, heap } = this.large;
    heap.size = 0;
    for (let i = 0; i < n; i++) {
      ids[i] = this.byteIds[bytes[i]!]!;
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const table = this.pairs.table;
    const capacity = this.pairs.capacity;
    const mergedOf = this.mergedOf;
    const pushPair = (i: number): void => {
      if (i < 0) return;
      const j = next[i]!;
      if (j >= n) return;
      const p = findPair(table, capacity, ids[i]!, ids[j]!);
      if (p >= 0) heap.push(p * POS_SCALE + i);
    };
    for (let i = 0; i < n - 1; i++) pushPair(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const priority = Math.floor(key / POS_SCALE);
      const i = key - priority * POS_SCALE;
      if (ids[i]! < 0) continue;
      const j = next[i]!;
      if (j >= n) continue;
      // Stale entry: the pair at i changed since it was pushed.
      if (findPair(table, capacity, ids[i]!, ids[j]!) !== priority) continue;
      ids[i] = mergedOf === undefined ? priority : mergedOf[priority]!;
      ids[j] = -1;
      next[i] = next[j]!;
      if (next[j]! < n) prev[next[j]!] = i;
      pushPair(prev[i]!);
      pushPair(i);
    }
    for (let i = 0; i < n; i = next[i]!) out.push(ids[i]!);
  }
}

/** Builds the tables from the vocabulary: the pair table by tiktoken's rule or from the merge list. */
export function buildBpeTables(vocab: Vocabulary): BpeTables {
  checkByteLevel(vocab);
  const bytesTable = new BytesTable(vocab.tokens);
  const byteIds = new Int32Array(256);
  const one = new Uint8Array(1);
  for (let b = 0; b < 256; b++) {
    one[0] = b;
    byteIds[b] = bytesTable.get(one, 0, 1);
  }
  const [pairs, mergedOf] = vocab.mergeRule.kind === 'rank' ? [rankPairs(vocab, bytesTable), undefined] : listedPairs(vocab, bytesTable, vocab.mergeRule.pairs);
  const bytePairs = new Int32Array(65536);
  for (let pair = 0; pair < 65536; pair++) {
    const p = pairs.find(byteIds[pair >> 8]!, byteIds[pair & 0xff]!);
    bytePairs[pair] = p < 0 ? NONE : p;
  }
  return { bytesTable, pairs, mergedOf, byteIds, bytePairs };
}

/**
 * The cache key of a vocabulary's tables: a digest of exactly what buildBpeTables reads (the
 * token bytes by id and the merge rule), so no two vocabularies share an entry whatever their
 * names or files.
 */
function tablesKey(vocab: Vocabulary): string {
  const { pool, offsets } = vocab.tokens;
  const h = createHash('sha256');
  h.update(new Uint8Array(offsets.buffer, offsets.byteOffset, offsets.byteLength));
  h.update(pool.subarray(0, offsets[offsets.length - 1]));
  h.update(vocab.mergeRule.kind);
  if (vocab.mergeRule.kind === 'merges') {
    const pairs = vocab.mergeRule.pairs;
    h.update(new Uint8Array(pairs.buffer, pairs.byteOffset, pairs.byteLength));
  }
  return h.digest('hex');
}

function cachedBpeTables(vocab: Vocabulary, options: TableCacheOptions = {}): BpeTables {
  const slots = BytesTable.slotsFor(vocab.tokens.size);
  return cachedTables(
    'bpe',
    tablesKey(vocab),
    () => buildBpeTables(vocab),
    (t): CachedArray[] => [t.bytesTable.slots, t.pairs.table, t.byteIds, t.bytePairs, ...(t.mergedOf ? [t.mergedOf] : [])],
    ([bytesSlots, pairTable, byteIds, bytePairs, mergedOf, ...rest]): BpeTables | undefined => {
      const merges = vocab.mergeRule.kind === 'merges';
      if (!(bytesSlots instanceof Int32Array) || bytesSlots.length !== slots) return undefined;
      if (!(pairTable instanceof Int32Array) || pairTable.length === 0 || pairTable.length % 2 !== 0) return undefined;
      if (!(byteIds instanceof Int32Array) || byteIds.length !== 256 || !(bytePairs instanceof Int32Array) || bytePairs.length !== 65536) return undefined;
      if (rest.length > 0 || merges !== (mergedOf !== undefined) || (mergedOf !== undefined && !(mergedOf instanceof Int32Array))) return undefined;
      return { bytesTable: new BytesTable(vocab.tokens, bytesSlots), pairs: new PairTable(0, pairTable), mergedOf, byteIds, bytePairs };
    },
    options,
  );
}

/**
 * Fails unless every byte value has a token: sluice needs a byte-level vocabulary. A scan of the
 * token lengths, so a stage can check it at build without building the merge tables.
 */
export function checkByteLevel(vocab: Vocabulary): void {
  const { pool, offsets } = vocab.tokens;
  const seen = new Uint8Array(256);
  for (let id = 0; id < vocab.tokens.size; id++) if (offsets[id + 1]! - offsets[id]! === 1) seen[pool[offsets[id]!]!] = 1;
  const missing: number[] = [];
  for (let b = 0; b < 256; b++) if (seen[b] === 0) missing.push(b);
  if (missing.length > 0) {
    throw new SluiceError('SLUICE_TOKENIZER', `${vocab.name}: no token for ${missing.length} of the 256 byte values (first: 0x${missing[0]!.toString(16)})`, {
      hint: 'sluice needs a byte-level vocabulary that can encode any text; a tokenizer trained by sluice always has all 256 bytes',
    });
  }
}

/** tiktoken's rule as a pair table: every split of every token into two tokens. */
function rankPairs(vocab: Vocabulary, table: BytesTable): PairTable {
  const { pool, offsets } = vocab.tokens;
  // (left, right, merged) triples in a typed array: a JS array of 700k numbers cost GC time
  let found = new Int32Array(3 << 16);
  let n = 0;
  for (let id = 0; id < vocab.tokens.size; id++) {
    const s = offsets[id]!;
    const e = offsets[id + 1]!;
    // the prefix's hash grows a byte at a time instead of being recomputed for each split
    let h = FNV_OFFSET;
    for (let k = s + 1; k < e; k++) {
      h = Math.imul(h ^ pool[k - 1]!, FNV_PRIME);
      const a = table.getHashed(pool, s, k, h);
      if (a < 0) continue;
      const b = table.get(pool, k, e);
      if (b < 0) continue;
      if (n + 3 > found.length) {
        const grown = new Int32Array(found.length * 2);
        grown.set(found);
        found = grown;
      }
      found[n++] = a;
      found[n++] = b;
      found[n++] = id;
    }
  }
  const pairs = new PairTable(n / 3);
  for (let i = 0; i < n; i += 3) pairs.add(found[i]!, found[i + 1]!, found[i + 2]!);
  return pairs;
}

/** HF's rule: the listed merges, priority = position in the list; and the merged id by priority. */
function listedPairs(vocab: Vocabulary, table: BytesTable, list: Int32Array): [PairTable, Int32Array] {
  const pairs = new PairTable(list.length / 2);
  const mergedOf = new Int32Array(list.length / 2);
  const { pool, offsets } = vocab.tokens;
  const scratch = new Uint8Array(1024);
  for (let i = 0; i < list.length; i += 2) {
    const a = list[i]!;
    const b = list[i + 1]!;
    const la = offsets[a + 1]! - offsets[a]!;
    const lb = offsets[b + 1]! - offsets[b]!;
    const buf = la + lb <= scratch.length ? scratch : new Uint8Array(la + lb);
    buf.set(pool.subarray(offsets[a]!, offsets[a + 1]!), 0);
    buf.set(pool.subarray(offsets[b]!, offsets[b + 1]!), la);
    const merged = table.get(buf, 0, la + lb);
    if (merged < 0) {
      throw new SluiceError('SLUICE_TOKENIZER', `${vocab.name}: merge #${i / 2} joins tokens ${a} and ${b} into bytes that are not in the vocabulary`);
    }
    pairs.add(a, b, i / 2);
    mergedOf[i / 2] = merged;
  }
  return [pairs, mergedOf];
}

/** Binary min-heap of float64 keys. */
class MinHeap {
  private keys: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(Math.max(capacity, 4));
  }

  push(key: number): void {
    if (this.size === this.keys.length) {
      const next = new Float64Array(this.keys.length * 2);
      next.set(this.keys);
      this.keys = next;
    }
    const keys = this.keys;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      i = parent;
    }
    keys[i] = key;
  }

  pop(): number {
    const keys = this.keys;
    const top = keys[0]!;
    const last = keys[--this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= last) break;
      keys[i] = keys[child]!;
      i = child;
    }
    keys[i] = last;
    return top;
  }
}

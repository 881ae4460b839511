/**
 * Learns BPE merges from a table of pre-token counts: the classic algorithm with incremental
 * pair counts. Each distinct pre-token ("word") is a linked list of symbols in flat typed
 * arrays; each pair keeps its weighted count and a list of the words it occurs in; a lazy
 * max-heap yields the most frequent pair. A merge only touches the words that contain the pair.
 *
 * Ties go to the smaller (left id, right id) so training is deterministic. Byte b starts as id b.
 */
import { pairHash } from './hash-tables.js';
import { IdBuffer } from '../core/id-buffer.js';

export interface LearnedMerges {
  /** Bytes of every token id; ids 0..255 are the single bytes. */
  tokens: Uint8Array[];
  /** [left, right] id pairs in merge order; merge i made token tokens[merged[i]]. */
  merges: Int32Array;
  merged: Int32Array;
  /** Count of the last pair merged (how frequent the rarest learned token was). */
  lastCount: number;
  /** Why training stopped. */
  stop: 'vocab_size' | 'min_frequency' | 'no_pairs';
  /** Merges whose bytes already were a token (they reuse its id). */
  duplicates: number;
}

/** Pair (a, b) -> dense pair index, open addressing, grows at half load. */
class PairIndex {
  private slots: Int32Array;
  private mask: number;
  readonly left = new IdBuffer(1 << 16);
  readonly right = new IdBuffer(1 << 16);
  count = new Float64Array(1 << 16);
  head = new Int32Array(1 << 16).fill(-1);

  constructor() {
    this.slots = new Int32Array(1 << 17).fill(-1);
    this.mask = this.slots.length - 1;
  }

  get size(): number {
    return this.left.length;
  }

  find(a: number, b: number): number {
    let slot = pairHash(a, b) & this.mask;
    for (;;) {
      const p = this.slots[slot]!;
      if (p < 0 || (this.left.data[p] === a && this.right.data[p] === b)) return p;
      slot = (slot + 1) & this.mask;
    }
  }

  findOrAdd(a: number, b: number): number {
    let slot = pairHash(a, b) & this.mask;
    for (;;) {
      const p = this.slots[slot]!;
      if (p < 0) break;
      if (this.left.data[p] === a && this.right.data[p] === b) return p;
      slot = (slot + 1) & this.mask;
    }
    const p = this.left.length;
    this.left.push(a);
    this.right.push(b);
    if (p >= this.count.length) {
      const count = new Float64Array(this.count.length * 2);
      count.set(this.count);
      this.count = count;
      const head = new Int32Array(this.head.length * 2).fill(-1);
      head.set(this.head);
      this.head = head;
    }
    this.slots[slot] = p;
    if (this.size * 2 > this.slots.length) this.rehash();
    return p;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let p = 0; p < this.size; p++) {
      let slot = pairHash(this.left.data[p]!, this.right.data[p]!) & this.mask;
      while (this.slots[slot]! >= 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = p;
    }
  }
}

/** Max-heap of (count, pair) entries; ties to the smaller (left, right). */
class PairHeap {
  private counts = new Float64Array(1 << 16);
  private pairs = new Int32Array(1 << 16);
  size = 0;

  constructor(private readonly index: PairIndex) {}

  private before(c1: number, p1: number, c2: number, p2: number): boolean {
    if (c1 !== c2) return c1 > c2;
    const l = this.index.left.data;
    const r = this.index.right.data;
    if (l[p1] !== l[p2]) return l[p1]! < l[p2]!;
    return r[p1]! < r[p2]!;
  }

  push(count: number, pair: number): void {
    if (this.size === this.counts.length) {
      const c = new Float64Array(this.counts.length * 2);
      c.set(this.counts);
      this.counts = c;
      const p = new Int32Array(this.pairs.length * 2);
      p.set(this.pairs);
      this.pairs = p;
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(count, pair, this.counts[parent]!, this.pairs[parent]!)) break;
      this.counts[i] = this.counts[parent]!;
      this.pairs[i] = this.pairs[parent]!;
      i = parent;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }

  topCount(): number {
    return this.counts[0]!;
  }

  topPair(): number {
    return this.pairs[0]!;
  }

  pop(): void {
    const count = this.counts[--this.size]!;
    const pair = this.pairs[this.size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= this.size) break;
      if (child + 1 < this.size && this.before(this.counts[child + 1]!, this.pairs[child + 1]!, this.counts[child]!, this.pairs[child]!)) child++;
      if (!this.before(this.counts[child]!, this.pairs[child]!, count, pair)) break;
      this.counts[i] = this.counts[child]!;
      this.pairs[i] = this.pairs[child]!;
      i = child;
    }
    this.counts[i] = count;
    this.pairs[i] = pair;
  }

  clear(): void {
    this.size = 0;
  }
}

export interface LearnOptions {
  /** Number of new tokens to learn (vocabulary size minus 256 bytes and the special tokens). */
  newTokens: number;
  /** Stop when the most frequent pair occurs fewer times than this. */
  minFrequency: number;
  onProgress?: (learned: number, total: number) => void;
}

export function learnMerges(words: ReadonlyMap<string, number>, opts: LearnOptions): LearnedMerges {
  // Words as symbol lists in flat typed arrays, sized in a first pass so no intermediate JS
  // arrays of millions of numbers are built. Each word ends with a -1 separator.
  let nWords = 0;
  let total = 0;
  for (const word of words.keys()) {
    const n = Buffer.byteLength(word);
    if (n < 2) continue; // a one-byte word has no pairs
    nWords++;
    total += n + 1;
  }
  const sym = new Int32Array(total);
  const next = new Int32Array(total);
  const prev = new Int32Array(total);
  const counts = new Float64Array(nWords);
  const starts = new Int32Array(nWords);
  const scratch = Buffer.alloc(1 << 16);
  let w = 0;
  let at = 0;
  for (const [word, count] of words) {
    const len = Buffer.byteLength(word);
    if (len < 2) continue;
    const bytes = len <= scratch.length ? scratch : Buffer.alloc(len);
    const n = bytes.write(word, 0, 'utf8');
    starts[w] = at;
    counts[w] = count;
    for (let i = 0; i < n; i++) {
      sym[at + i] = bytes[i]!;
      next[at + i] = i + 1 < n ? at + i + 1 : -1;
      prev[at + i] = i > 0 ? at + i - 1 : -1;
    }
    sym[at + n] = -1;
    next[at + n] = -1;
    prev[at + n] = -1;
    at += n + 1;
    w++;
  }

  const index = new PairIndex();
  const occWord = new IdBuffer(sym.length);
  const occNext = new IdBuffer(sym.length);
  const addOccurrence = (p: number, w: number): void => {
    const h = index.head[p]!;
    if (h >= 0 && occWord.data[h] === w) return;
    index.head[p] = occWord.length;
    occWord.push(w);
    occNext.push(h);
  };
  for (let w = 0; w < nWords; w++) {
    const c = counts[w]!;
    for (let i = starts[w]!; next[i]! >= 0; i = next[i]!) {
      const p = index.findOrAdd(sym[i]!, sym[next[i]!]!);
      index.count[p] = index.count[p]! + c;
      addOccurrence(p, w);
    }
  }

  const heap = new PairHeap(index);
  for (let p = 0; p < index.size; p++) if (index.count[p]! > 0) heap.push(index.count[p]!, p);

  const tokens: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokens.push(Uint8Array.of(b));
  const idOfBytes = new Map<string, number>(tokens.map((t, id) => [Buffer.from(t).toString('latin1'), id]));
  const merges: number[] = [];
  const merged: number[] = [];
  const lastSeen = new Int32Array(nWords).fill(-1);
  const changed = new IdBuffer(1024);
  let marks = new Uint8Array(1 << 16);
  let lastCount = 0;
  let duplicates = 0;
  let stop: LearnedMerges['stop'] = 'no_pairs';
  let learned = 0;

  for (let m = 0; learned < opts.newTokens; m++) {
    // The most frequent pair whose heap entry is current.
    let p = -1;
    while (heap.size > 0) {
      const c = heap.topCount();
      const q = heap.topPair();
      heap.pop();
      const current = index.count[q]!;
      if (c === current && current > 0) {
        p = q;
        break;
      }
      if (c > current && current > 0) heap.push(current, q);
    }
    if (p < 0) {
      stop = 'no_pairs';
      break;
    }
    const pairCount = index.count[p]!;
    if (pairCount < opts.minFrequency) {
      stop = 'min_frequency';
      break;
    }
    const a = index.left.data[p]!;
    const b = index.right.data[p]!;
    const bytes = new Uint8Array(tokens[a]!.length + tokens[b]!.length);
    bytes.set(tokens[a]!, 0);
    bytes.set(tokens[b]!, tokens[a]!.length);
    const key = Buffer.from(bytes).toString('latin1');
    let id = idOfBytes.get(key);
    if (id === undefined) {
      id = tokens.length;
      tokens.push(bytes);
      idOfBytes.set(key, id);
      learned++;
    } else {
      duplicates++;
    }
    merges.push(a, b);
    merged.push(id);
    lastCount = pairCount;

    if (marks.length < index.size + 1024) marks = new Uint8Array((index.size + 1024) * 2);
    changed.reset();
    const touch = (q: number): void => {
      if (marks[q] === 0) {
        marks[q] = 1;
        changed.push(q);
      }
    };
    const dec = (x: number, y: number, c: number): void => {
      const q = index.find(x, y);
      if (q >= 0) index.count[q] = index.count[q]! - c;
    };
    const inc = (x: number, y: number, c: number, w: number): void => {
      const q = index.findOrAdd(x, y);
      index.count[q] = index.count[q]! + c;
      addOccurrence(q, w);
      touch(q);
    };
    for (let node = index.head[p]!; node >= 0; node = occNext.data[node]!) {
      const w = occWord.data[node]!;
      if (lastSeen[w] === m) continue;
      lastSeen[w] = m;
      const c = counts[w]!;
      for (let i = starts[w]!; i >= 0;) {
        const j = next[i]!;
        if (j < 0) break;
        if (sym[i] !== a || sym[j] !== b) {
          i = j;
          continue;
        }
        const before = prev[i]!;
        const after = next[j]!;
        if (before >= 0) dec(sym[before]!, a, c);
        if (after >= 0) dec(b, sym[after]!, c);
        sym[i] = id;
        next[i] = after;
        if (after >= 0) prev[after] = i;
        if (before >= 0) inc(sym[before]!, id, c, w);
        if (after >= 0) inc(id, sym[after]!, c, w);
        i = after;
      }
    }
    index.count[p] = 0;
    index.head[p] = -1;
    for (let k = 0; k < changed.length; k++) {
      const q = changed.data[k]!;
      marks[q] = 0;
      if (index.count[q]! > 0) heap.push(index.count[q]!, q);
    }
    // Stale entries pile up; rebuild from the live counts when they dominate.
    if (heap.size > 4 * index.size + (1 << 20)) {
      heap.clear();
      for (let q = 0; q < index.size; q++) if (index.count[q]! > 0) heap.push(index.count[q]!, q);
    }
    if (opts.onProgress && (learned & 1023) === 0) opts.onProgress(learned, opts.newTokens);
  }
  if (learned >= opts.newTokens) stop = 'vocab_size';
  opts.onProgress?.(learned, opts.newTokens);
  return { tokens, merges: Int32Array.from(merges), merged: Int32Array.from(merged), lastCount, stop, duplicates };
}

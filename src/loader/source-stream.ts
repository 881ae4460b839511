import { SluiceError } from '../core/errors.js';
import type { DocReader, TokenDataset } from './dataset.js';
import { epochOrder, type EpochOrder, type StreamDocs } from './epoch-order.js';

export interface StreamGeometry {
  /** Tokens per sequence: seq_len + 1. */
  row: number;
  rank: number;
  world: number;
  seed: number;
  bufferSize: number;
}

/**
 * One stream's infinite token sequence: its epochs back to back, each epoch its documents
 * in that epoch's order, each document followed by EOS. Sequence k is positions
 * [k * row, (k + 1) * row). This rank fills only sequences k = rank (mod world), in
 * increasing order, and so only reads the documents those sequences touch.
 *
 * Documents are read in the order they enter the shuffle buffer (shard after shard, row
 * after row) and kept until this rank has consumed them, so at most `bufferSize` are held
 * and every page is decoded at most once per epoch.
 */
export class SourceStream {
  /** Tokens in one epoch, EOS included. */
  readonly epochLength: number;
  private current: EpochOrder | undefined;
  /** Next input position to read. */
  private cursor = 0;
  /** Output position -> tokens, for documents read and still needed by this rank. */
  private readonly held = new Map<number, Int32Array>();
  /** The sequence being filled: documents wholly before it are no longer needed. */
  private k = 0;
  private lastDoc = 0;
  private readonly eos: number;

  constructor(
    private readonly dataset: TokenDataset,
    private readonly docs: StreamDocs,
    private readonly key: number,
    private readonly g: StreamGeometry,
    private readonly reader: DocReader,
  ) {
    let length = docs.docs.length;
    for (const d of docs.docs) length += dataset.numTokens[d]!;
    this.epochLength = length;
    this.eos = dataset.tokenizer.eos_id;
    if (docs.docs.length === 0) throw new SluiceError('SLUICE_INTERNAL', 'a loader stream without documents');
  }

  /** Documents currently held in memory. */
  get heldDocs(): number {
    return this.held.size;
  }

  /** Writes sequence k into dst[at, at + row); marks document starts in mask when given. */
  fill(k: number, dst: Int32Array, at: number, mask: Uint8Array | undefined): void {
    if (k < this.k) throw new SluiceError('SLUICE_INTERNAL', `loader stream asked for sequence ${k} after ${this.k}`);
    this.k = k;
    const { row, world } = this.g;
    const L = this.epochLength;
    const end = (k + 1) * row;
    let p = k * row;
    let w = at;
    const releaseBefore = (k + world) * row;
    while (p < end) {
      const epoch = Math.floor(p / L);
      const order = this.enterEpoch(epoch);
      const prefix = order.prefix;
      const base = epoch * L;
      let a = p - base;
      const b = Math.min(end - base, L);
      let i = this.docAt(prefix, a);
      while (a < b) {
        const start = prefix[i]!;
        const stop = prefix[i + 1]!;
        const n = stop - start - 1;
        const upto = Math.min(b, stop);
        if (mask !== undefined && a === start) mask[w] = 1;
        const t0 = a - start;
        const t1 = Math.min(upto - start, n);
        if (t1 > t0) {
          dst.set(this.tokensOf(i).subarray(t0, t1), w);
          w += t1 - t0;
        }
        if (upto === stop) dst[w++] = this.eos;
        // held documents that end before this rank's next sequence of the stream are done
        if (base + stop <= releaseBefore) this.held.delete(i);
        a = upto;
        if (upto === stop) i++;
      }
      this.lastDoc = i;
      p = base + b;
    }
  }

  private enterEpoch(epoch: number): EpochOrder {
    if (this.current?.epoch === epoch) return this.current;
    if (this.current !== undefined && epoch < this.current.epoch) throw new SluiceError('SLUICE_INTERNAL', `loader stream went back from epoch ${this.current.epoch} to ${epoch}`);
    this.current = epochOrder(this.dataset.numTokens, this.docs, this.g.seed, this.key, epoch, this.g.bufferSize);
    this.cursor = 0;
    this.held.clear();
    this.lastDoc = 0;
    return this.current;
  }

  /** Largest i with prefix[i] <= a (starting from the last document touched: fills move forward). */
  private docAt(prefix: Float64Array, a: number): number {
    let i = this.lastDoc;
    if (i < prefix.length - 1 && prefix[i]! <= a && a < prefix[i + 1]!) return i;
    let lo = 0;
    let hi = prefix.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (prefix[mid]! <= a) lo = mid;
      else hi = mid - 1;
    }
    i = lo;
    return i;
  }

  /** Tokens of output document i, reading documents in input order up to it. */
  private tokensOf(i: number): Int32Array {
    const order = this.current!;
    const j = order.order[i]!;
    while (this.cursor <= j) {
      const c = this.cursor++;
      const out = order.outIndex[c]!;
      if (this.needed(order, out)) this.held.set(out, this.reader.tokens(order.input[c]!));
    }
    const tokens = this.held.get(i);
    if (tokens === undefined) throw new SluiceError('SLUICE_INTERNAL', `loader stream lost document ${i} of epoch ${order.epoch}`);
    return tokens;
  }

  /** Whether output document i has tokens (its EOS is not read from a shard) in a sequence this rank has yet to fill (>= k, = rank mod world). */
  private needed(order: EpochOrder, i: number): boolean {
    const { row, rank, world } = this.g;
    const start = order.prefix[i]!;
    const eosAt = order.prefix[i + 1]! - 1;
    if (eosAt === start) return false;
    const base = order.epoch * this.epochLength;
    const first = Math.max(Math.floor((base + start) / row), this.k);
    const last = Math.floor((base + eosAt - 1) / row);
    if (first > last) return false;
    const mine = first + ((((rank - first) % world) + world) % world);
    return mine <= last;
  }
}

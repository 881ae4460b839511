import { SluiceError } from '../core/errors.js';
import { DocReader, TokenDataset, type OpenDatasetOptions } from './dataset.js';
import type { StreamDocs } from './epoch-order.js';
import { normaliseMixture, SlotAssigner, type Mixture } from './mixture.js';
import { hashWords, MAX_BELOW } from './rng.js';
import { SourceStream, type StreamGeometry } from './source-stream.js';
import { STATE_KEYS, type LoaderState } from './state.js';

export interface LoaderOptions {
  /** T: tokens of context; each sequence carries T + 1 tokens (inputs and targets shifted by one). */
  seqLen: number;
  /** B: sequences per batch on this rank. */
  batch: number;
  rank?: number;
  world?: number;
  /** uint32 (default 0). */
  seed?: number;
  /** Documents in the shuffle buffer (default 8192; 1 = no shuffling inside shards). */
  shuffleBuffer?: number;
  /** Sampling weight per source; without it every document is in one stream. */
  mixture?: Mixture;
  /** Also return a mask marking the first token of every document. */
  docMask?: boolean;
}

/** B sequences of T + 1 tokens, row-major: row b is tokens[b * (T + 1) .. (b + 1) * (T + 1)). */
export interface Batch {
  step: number;
  rows: number;
  cols: number;
  tokens: Int32Array;
  /** 1 where a document starts (with docMask). */
  docStart?: Uint8Array;
}

export const DEFAULT_SHUFFLE_BUFFER = 8192;

function usage(message: string, hint?: string): SluiceError {
  return new SluiceError('SLUICE_USAGE', message, hint === undefined ? {} : { hint });
}

function checkInt(name: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) throw usage(`${name} must be an integer in [${min}, ${max}] (got ${v})`);
  return v;
}

/** The stream key of a mixture source: a hash of its name, so adding a source leaves the others' orders alone. */
function sourceKey(name: string): number {
  return hashWords([...Buffer.from(name, 'utf8')]);
}

function allDocs(ds: TokenDataset): StreamDocs {
  const docs = new Uint32Array(ds.docs);
  for (let i = 0; i < docs.length; i++) docs[i] = i;
  return { docs, shardStart: Uint32Array.from(ds.shardDocStart) };
}

function docsOfSource(ds: TokenDataset, ofDoc: Uint16Array, source: number): StreamDocs {
  const list: number[] = [];
  const shardStart = new Uint32Array(ds.shards.length + 1);
  for (let s = 0; s < ds.shards.length; s++) {
    shardStart[s] = list.length;
    for (let d = ds.shardDocStart[s]!; d < ds.shardDocStart[s + 1]!; d++) if (ofDoc[d] === source) list.push(d);
  }
  shardStart[ds.shards.length] = list.length;
  return { docs: Uint32Array.from(list), shardStart };
}

/**
 * The dataloader (FORMAT.md): packs documents end to end with EOS after each, cuts the
 * stream into sequences of T + 1 tokens, gives rank r every sequence k = r (mod world) of
 * each stream, and returns B of them per step. `state()` is a few integers; `resume()`
 * continues from one exactly.
 */
export class TokenLoader implements Iterable<Batch> {
  readonly seqLen: number;
  readonly batch: number;
  readonly rank: number;
  readonly world: number;
  readonly seed: number;
  readonly shuffleBuffer: number;
  readonly docMask: boolean;
  /** Stream names: the mixture's sources, or ['*'] for the whole dataset. */
  readonly streamNames: string[];
  readonly mixtureFingerprint: number;
  private readonly weights: number[];
  private readonly streamDocs: StreamDocs[];
  private readonly streamKeys: number[];
  private readonly readers: DocReader[] = [];
  private streams: SourceStream[] = [];
  private assigner: SlotAssigner;
  private step = 0;

  constructor(
    readonly dataset: TokenDataset,
    opts: LoaderOptions,
  ) {
    this.seqLen = checkInt('seq_len', opts.seqLen, 1, 1 << 24);
    this.batch = checkInt('batch', opts.batch, 1, 1 << 16);
    if (this.batch * (this.seqLen + 1) > 1 << 28) throw usage(`a batch of ${this.batch} x ${this.seqLen + 1} tokens is too large (limit 2^28 tokens)`);
    this.world = checkInt('world', opts.world ?? 1, 1, 1 << 20);
    this.rank = checkInt('rank', opts.rank ?? 0, 0, this.world - 1);
    this.seed = checkInt('seed', opts.seed ?? 0, 0, 0xffffffff);
    this.shuffleBuffer = checkInt('shuffle_buffer', opts.shuffleBuffer ?? DEFAULT_SHUFFLE_BUFFER, 1, MAX_BELOW);
    this.docMask = opts.docMask ?? false;
    if (dataset.shards.length > MAX_BELOW) throw usage(`the dataset has ${dataset.shards.length} shards; the loader handles up to ${MAX_BELOW}`);
    if (opts.mixture === undefined) {
      this.streamNames = ['*'];
      this.weights = [1];
      this.streamDocs = [allDocs(dataset)];
      this.streamKeys = [0];
      this.mixtureFingerprint = 0;
    } else {
      const sources = dataset.sources();
      const mix = normaliseMixture(opts.mixture, sources.names);
      this.streamNames = mix.names;
      this.weights = mix.weights;
      this.streamDocs = mix.names.map((n) => docsOfSource(dataset, sources.ofDoc, sources.names.indexOf(n)));
      this.streamKeys = mix.names.map(sourceKey);
      // 0 means "no mixture" in a state
      this.mixtureFingerprint = mix.fingerprint === 0 ? 1 : mix.fingerprint;
    }
    this.assigner = new SlotAssigner(this.weights);
    this.restart(0);
  }

  static async open(dir: string, opts: LoaderOptions & OpenDatasetOptions): Promise<TokenLoader> {
    return new TokenLoader(await TokenDataset.open(dir, opts), opts);
  }

  /** Tokens per sequence row: T + 1. */
  get cols(): number {
    return this.seqLen + 1;
  }

  /** Epoch length of each stream in tokens (EOS included). */
  get epochTokens(): number[] {
    return this.streams.map((s) => s.epochLength);
  }

  /** Documents held in memory across all streams (bounded by the shuffle buffer per stream). */
  get heldDocs(): number {
    return this.streams.reduce((a, s) => a + s.heldDocs, 0);
  }

  /** The next batch. The arrays are fresh: they stay valid after later calls. */
  next(): Batch {
    const cols = this.cols;
    const tokens = new Int32Array(this.batch * cols);
    const docStart = this.docMask ? new Uint8Array(this.batch * cols) : undefined;
    for (let b = 0; b < this.batch; b++) {
      const s = this.assigner.next();
      // counts[s] now includes this slot: this rank's n-th sequence of stream s is k = n * world + rank
      const n = this.assigner.counts[s]! - 1;
      this.streams[s]!.fill(n * this.world + this.rank, tokens, b * cols, docStart);
    }
    const batch: Batch = { step: this.step, rows: this.batch, cols, tokens };
    if (docStart) batch.docStart = docStart;
    this.step++;
    return batch;
  }

  *[Symbol.iterator](): Iterator<Batch> {
    for (;;) yield this.next();
  }

  /** The state after the last batch returned: resume(state) makes next() return step `state.step`. */
  state(): LoaderState {
    return {
      version: 1,
      step: this.step,
      seed: this.seed,
      rank: this.rank,
      world: this.world,
      seq_len: this.seqLen,
      batch: this.batch,
      shuffle_buffer: this.shuffleBuffer,
      dataset: this.dataset.fingerprint,
      mixture: this.mixtureFingerprint,
    };
  }

  resume(state: LoaderState): void {
    const mine = this.state();
    for (const key of STATE_KEYS) {
      if (key === 'step') continue;
      if (state[key] !== mine[key]) {
        throw new SluiceError('SLUICE_LOADER', `cannot resume: the state's ${key} is ${state[key]}, this loader's is ${mine[key]}`, {
          hint:
            key === 'dataset'
              ? 'the state was saved while training on a different dataset (or the shards changed since)'
              : key === 'mixture'
                ? 'the state was saved with different mixture weights'
                : 'open the loader with the same seed, rank, world, seq_len, batch and shuffle buffer the state was saved with',
        });
      }
    }
    this.restart(state.step);
  }

  close(): void {
    for (const r of this.readers) r.close();
  }

  private restart(step: number): void {
    this.close();
    this.readers.length = 0;
    const g: StreamGeometry = { row: this.cols, rank: this.rank, world: this.world, seed: this.seed, bufferSize: this.shuffleBuffer };
    this.streams = this.streamDocs.map((docs, i) => {
      const reader = new DocReader(this.dataset);
      this.readers.push(reader);
      return new SourceStream(this.dataset, docs, this.streamKeys[i]!, g, reader);
    });
    this.assigner.seek(step * this.batch);
    this.step = step;
  }
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { closeSync, openSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SluiceError, errorMessage } from '../core/errors.js';
import { readDatasetManifest, type DatasetManifest, type TokenizerFacts } from './manifest.js';
import { PageInflater } from './page-codec.js';
import { readPageBody } from './shard-file.js';
import { readSourceColumn } from './source-column.js';
import { indexTokenShard, listValuesOffset, type TokenShard } from './token-shard.js';

export interface OpenDatasetOptions {
  /** 'sha256' (default) hashes every shard; 'size' only compares sizes (for very large datasets opened often). */
  verify?: 'sha256' | 'size';
  /** The tokenizer the trainer was built for: every field given must match the manifest's. */
  tokenizer?: Partial<TokenizerFacts>;
}

export interface DatasetSources {
  /** Source names, sorted. */
  names: string[];
  /** Index into `names` for every document. */
  ofDoc: Uint16Array;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 22 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function mismatch(file: string, message: string, hint: string): SluiceError {
  return new SluiceError('SLUICE_LOADER', `${file}: ${message}`, { file, hint });
}

function checkTokenizer(file: string, found: TokenizerFacts, want: Partial<TokenizerFacts> | undefined): void {
  if (!want) return;
  for (const key of ['name', 'sha256', 'vocab_size', 'eos_id'] as const) {
    const w = want[key];
    if (w !== undefined && w !== found[key]) {
      throw mismatch(
        file,
        `tokenizer mismatch: the dataset's tokenizer.${key} is ${JSON.stringify(found[key])}, the trainer expects ${JSON.stringify(w)}`,
        `this dataset was tokenized with ${found.name} (vocab ${found.vocab_size}, sha256 ${found.sha256.slice(0, 12)}...); retokenize it or train with that tokenizer`,
      );
    }
  }
}

/**
 * A validated token dataset: the manifest, every shard's size and sha256, every shard's
 * layout and counts, and the tokenizer all checked before anything is read for training.
 * Documents are numbered in manifest order (shard by shard, row by row).
 */
export class TokenDataset {
  /** First document of each shard, and the total at the end. */
  readonly shardDocStart: Float64Array;
  /** Tokens per document. */
  readonly numTokens: Int32Array;
  /** Index of each document's first token among all tokens (length docs + 1). */
  readonly tokenStart: Float64Array;
  private sourcesCache: DatasetSources | undefined;

  private constructor(
    readonly dir: string,
    readonly manifest: DatasetManifest,
    readonly shards: TokenShard[],
    /** A 32-bit digest of the shard list and tokenizer: resume states carry it. */
    readonly fingerprint: number,
  ) {
    this.shardDocStart = new Float64Array(shards.length + 1);
    const docs = shards.reduce((a, s) => a + s.rows, 0);
    this.numTokens = new Int32Array(docs);
    this.tokenStart = new Float64Array(docs + 1);
    let d = 0;
    let t = 0;
    shards.forEach((s, i) => {
      this.shardDocStart[i] = d;
      for (let r = 0; r < s.rows; r++) {
        const n = s.numTokens[r]!;
        this.numTokens[d] = n;
        this.tokenStart[d] = t;
        t += n;
        d++;
      }
    });
    this.shardDocStart[shards.length] = d;
    this.tokenStart[d] = t;
  }

  get tokenizer(): TokenizerFacts {
    return this.manifest.tokenizer;
  }

  get docs(): number {
    return this.numTokens.length;
  }

  get tokens(): number {
    return this.manifest.tokens;
  }

  /** Shard holding document `doc`. */
  shardOf(doc: number): number {
    let lo = 0;
    let hi = this.shards.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.shardDocStart[mid]! <= doc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Every document's source, read from the shards' `source` column on first use. */
  sources(): DatasetSources {
    if (this.sourcesCache) return this.sourcesCache;
    const raw: string[] = [];
    const inflater = new PageInflater();
    for (const shard of this.shards) readSourceColumn(shard, inflater, (s) => raw.push(s));
    const names = [...new Set(raw)].sort();
    if (names.length > 0xffff) throw new SluiceError('SLUICE_LOADER', `${this.dir} has ${names.length} distinct sources; at most 65535 are supported`);
    const index = new Map(names.map((n, i) => [n, i]));
    const ofDoc = new Uint16Array(raw.length);
    raw.forEach((s, i) => (ofDoc[i] = index.get(s)!));
    this.sourcesCache = { names, ofDoc };
    return this.sourcesCache;
  }

  static async open(dir: string, opts: OpenDatasetOptions = {}): Promise<TokenDataset> {
    const root = resolve(dir);
    const manifest = await readDatasetManifest(root);
    checkTokenizer(manifest.file, manifest.tokenizer, opts.tokenizer);
    const files = manifest.shards.map((s) => join(root, s.path));
    // sizes first: a truncated or missing shard fails fast, before any hashing
    for (const [i, s] of manifest.shards.entries()) {
      const file = files[i]!;
      let size: number;
      try {
        size = (await stat(file)).size;
      } catch (err) {
        throw mismatch(file, `cannot read: ${errorMessage(err)}`, `the manifest (${manifest.file}) lists this shard; rerun the pipeline to restore it`);
      }
      if (size !== s.bytes) {
        throw mismatch(
          file,
          `is ${size} bytes, the manifest says ${s.bytes}${size < s.bytes ? ' (truncated)' : ''}`,
          'the shard changed after the run wrote it; rerun the pipeline (--fresh) to rewrite the dataset',
        );
      }
    }
    if ((opts.verify ?? 'sha256') === 'sha256') {
      for (const [i, s] of manifest.shards.entries()) {
        const file = files[i]!;
        const sha = await sha256Of(file);
        if (sha !== s.sha256) {
          throw mismatch(
            file,
            `sha256 ${sha} does not match the manifest's ${s.sha256}`,
            `the shard or ${manifest.file} was modified or damaged after the run; rerun the pipeline (--fresh) to rewrite the dataset`,
          );
        }
      }
    }
    const inflater = new PageInflater();
    const vocab = manifest.tokenizer.vocab_size;
    const shards = files.map((file, i) => {
      const s = manifest.shards[i]!;
      const shard = indexTokenShard(file, inflater);
      if (shard.rows !== s.rows || shard.tokens !== s.tokens) {
        throw mismatch(file, `holds ${shard.rows} rows and ${shard.tokens} tokens, the manifest says ${s.rows} and ${s.tokens}`, 'the manifest does not describe this shard; rerun the pipeline');
      }
      if ((shard.maxToken !== undefined && shard.maxToken >= vocab) || (shard.minToken !== undefined && shard.minToken < 0)) {
        throw mismatch(
          file,
          `token ids range over [${shard.minToken}, ${shard.maxToken}], outside the tokenizer's vocabulary of ${vocab} (${manifest.tokenizer.name})`,
          'the shards and the manifest disagree about the tokenizer; retokenize the dataset',
        );
      }
      return shard;
    });
    const digest = createHash('sha256')
      .update(JSON.stringify({ shards: manifest.shards.map((s) => [s.path, s.sha256, s.rows, s.tokens]), tokenizer: manifest.tokenizer }))
      .digest();
    return new TokenDataset(root, manifest, shards, digest.readUInt32LE(0));
  }
}

/**
 * Copies documents' tokens out of their shards. Keeps one shard open and one page decoded,
 * so reading documents in shard order decodes each page once.
 */
export class DocReader {
  private readonly inflater = new PageInflater();
  private fd: number | undefined;
  private fdShard = -1;
  private pageShard = -1;
  private pageIndex = -1;
  private body: Uint8Array = new Uint8Array(0);
  private valuesAt = 0;
  /** Pages decoded so far (for benchmarks and tests). */
  pagesDecoded = 0;

  constructor(private readonly dataset: TokenDataset) {}

  /** Copies document `doc`'s tokens into `dst` at `at`. */
  copyTokens(doc: number, dst: Int32Array, at: number): void {
    const n = this.dataset.numTokens[doc]!;
    if (n === 0) return;
    const bytes = this.locate(doc);
    new Uint8Array(dst.buffer, dst.byteOffset + at * 4, n * 4).set(this.body.subarray(bytes, bytes + n * 4));
  }

  tokens(doc: number): Int32Array {
    const out = new Int32Array(this.dataset.numTokens[doc]!);
    this.copyTokens(doc, out, 0);
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    this.fdShard = -1;
  }

  /** Byte offset of the document's first token in the decoded page body. */
  private locate(doc: number): number {
    const ds = this.dataset;
    const s = ds.shardOf(doc);
    const shard = ds.shards[s]!;
    const row = doc - ds.shardDocStart[s]!;
    if (s !== this.pageShard || !this.pageHolds(shard, row)) this.load(s, shard, row);
    const page = shard.pages[this.pageIndex]!;
    const value = ds.tokenStart[doc]! - ds.tokenStart[ds.shardDocStart[s]!]! - page.valueStart;
    return this.valuesAt + value * 4;
  }

  private pageHolds(shard: TokenShard, row: number): boolean {
    const p = shard.pages[this.pageIndex];
    return p !== undefined && row >= p.rowStart && row < p.rowEnd;
  }

  private load(s: number, shard: TokenShard, row: number): void {
    let lo = 0;
    let hi = shard.pages.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (shard.pages[mid]!.rowStart <= row) lo = mid;
      else hi = mid - 1;
    }
    // pages that hold only empty rows are skipped by rowStart ties: find the one containing row
    while (lo < shard.pages.length - 1 && shard.pages[lo]!.rowEnd <= row) lo++;
    const page = shard.pages[lo]!;
    if (s !== this.fdShard) {
      this.close();
      this.fd = openSync(shard.file, 'r');
      this.fdShard = s;
    }
    this.body = readPageBody(this.fd!, shard.file, page, this.inflater);
    this.valuesAt = listValuesOffset(shard.file, page, this.body);
    this.pageShard = s;
    this.pageIndex = lo;
    this.pagesDecoded++;
  }
}

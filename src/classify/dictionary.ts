/**
 * fastText's dictionary and its view of a line of text: words and labels with their counts, the
 * open-addressing table that finds a token by hash, character n-gram subwords (minn..maxn UTF-8
 * characters of `<word>`, hashed into `bucket` rows), word n-grams, the `</s>` token that ends
 * every line, and the prune map a quantized model uses to renumber the rows it kept.
 *
 * Tokens are never turned into strings on the prediction path: a line is encoded to UTF-8 once,
 * split on fastText's separators (space, \n, \r, \t, \v, \f, NUL), and each token is hashed and
 * compared as bytes.
 */
import { FNV_START, fnvSigned, fnvStep, modExact, NgramHash } from './hash.js';
import { IdBuffer } from '../core/id-buffer.js';

export const EOS = '</s>';
export const WORD = 0;
export const LABEL = 1;

export interface DictEntry {
  /** UTF-8 bytes of the word or label, as stored in the model. */
  readonly bytes: Uint8Array;
  readonly count: number;
  readonly type: typeof WORD | typeof LABEL;
}

/** The arguments that shape features: fastText's names. */
export interface FeatureArgs {
  readonly minn: number;
  readonly maxn: number;
  readonly bucket: number;
  readonly wordNgrams: number;
  /** Label prefix, `__label__` in every model fastText writes (the prefix is not stored in the file). */
  readonly label: string;
}

const encoder = new TextEncoder();
/** At most this many cached subword rows (64 MiB of int32) per dictionary. */
const SUBWORD_CACHE_INTS = 16 << 20;
const decoder = new TextDecoder();

/** fastText's token separators: space, \n, \r, \t, \v, \f, NUL. */
const SEPARATOR = new Uint8Array(256);
for (const b of [0x20, 0x0a, 0x0d, 0x09, 0x0b, 0x0c, 0x00]) SEPARATOR[b] = 1;

export class Dictionary {
  readonly size: number;
  readonly nwords: number;
  readonly nlabels: number;
  /** Labels' strings, prefix included (`__label__en`). */
  readonly labels: readonly string[];
  readonly labelCounts: readonly number[];

  private readonly pool: Uint8Array;
  private readonly starts: Int32Array;
  private readonly types: Uint8Array;
  private readonly word2int: Int32Array;
  private readonly eosHash: number;
  private readonly eosId: number;
  private readonly labelPrefix: Uint8Array;
  /** Bytes of `<token>` while its character n-grams are hashed. */
  private scratch = new Uint8Array(256);
  /**
   * Known words' character n-gram rows, computed on first use (fastText computes every word's when
   * it loads; lazily, memory grows only with the words a corpus uses, up to SUBWORD_CACHE_INTS).
   */
  private readonly subwordCache: (Int32Array | undefined)[] = [];
  private subwordCached = 0;
  private readonly subwordScratch = new IdBuffer();
  private readonly wordHashes = new IdBuffer();
  private readonly ngram = new NgramHash();

  constructor(
    readonly entries: readonly DictEntry[],
    readonly args: FeatureArgs,
    /** Total tokens the model was trained on (stored in the file; training reads it for the learning-rate schedule). */
    readonly ntokens: number,
    /** bucket row → kept row, for pruned (quantized with -cutoff) models; undefined when not pruned. */
    readonly pruneidx?: ReadonlyMap<number, number>,
  ) {
    this.size = entries.length;
    let nwords = 0;
    let total = 0;
    for (const e of entries) {
      if (e.type === WORD) nwords++;
      total += e.bytes.length;
    }
    this.nwords = nwords;
    this.nlabels = this.size - nwords;
    this.pool = new Uint8Array(total);
    this.starts = new Int32Array(this.size + 1);
    this.types = new Uint8Array(this.size);
    let at = 0;
    entries.forEach((e, i) => {
      this.starts[i] = at;
      this.pool.set(e.bytes, at);
      at += e.bytes.length;
      this.types[i] = e.type;
    });
    this.starts[this.size] = at;
    const labels: string[] = [];
    const labelCounts: number[] = [];
    for (const e of entries) {
      if (e.type === LABEL) {
        labels.push(decoder.decode(e.bytes));
        labelCounts.push(e.count);
      }
    }
    this.labels = labels;
    this.labelCounts = labelCounts;
    this.word2int = new Int32Array(Math.max(1, Math.ceil(this.size / 0.7))).fill(-1);
    for (let i = 0; i < this.size; i++) {
      const s = this.starts[i]!;
      const e = this.starts[i + 1]!;
      this.word2int[this.find(this.pool, s, e, fnvSigned(this.pool, s, e))] = i;
    }
    const eos = encoder.encode(EOS);
    this.eosHash = fnvSigned(eos, 0, eos.length) | 0;
    this.eosId = this.getId(eos, 0, eos.length, this.eosHash);
    this.labelPrefix = encoder.encode(args.label);
  }

  /** Slot of `bytes[s, e)` in the table: where it is, or the empty slot where it would go. */
  private find(bytes: Uint8Array, s: number, e: number, h: number): number {
    const table = this.word2int;
    const n = table.length;
    const pool = this.pool;
    const starts = this.starts;
    const len = e - s;
    let slot = modExact(h >>> 0, n);
    for (;;) {
      const id = table[slot]!;
      if (id === -1) return slot;
      const ws = starts[id]!;
      if (starts[id + 1]! - ws === len) {
        let k = 0;
        while (k < len && pool[ws + k] === bytes[s + k]) k++;
        if (k === len) return slot;
      }
      slot = slot + 1 === n ? 0 : slot + 1;
    }
  }

  getId(bytes: Uint8Array, s: number, e: number, h: number): number {
    return this.word2int[this.find(bytes, s, e, h)]!;
  }

  /** Id of a word or label given as a string; -1 when absent. */
  idOf(word: string): number {
    const b = encoder.encode(word);
    return this.getId(b, 0, b.length, fnvSigned(b, 0, b.length));
  }

  word(id: number): string {
    return decoder.decode(this.pool.subarray(this.starts[id]!, this.starts[id + 1]!));
  }

  /** fastText's pushHash: an n-gram bucket becomes an input row (renumbered when pruned). */
  private pushHash(out: IdBuffer, id: number): void {
    const prune = this.pruneidx;
    if (prune !== undefined) {
      const kept = prune.get(id);
      if (kept === undefined) return;
      id = kept;
    }
    out.push(this.nwords + id);
  }

  /** Character n-grams of `bytes[s, e)` wrapped in `<` `>`, appended to `out` as input rows. */
  addCharNgrams(bytes: Uint8Array, s: number, e: number, out: IdBuffer): void {
    const { minn, maxn, bucket } = this.args;
    if (maxn <= 0 || bucket <= 0 || this.pruneidx?.size === 0) return;
    const len = e - s + 2;
    if (this.scratch.length < len) this.scratch = new Uint8Array(len * 2);
    const w = this.scratch;
    w[0] = 0x3c; // <
    w.set(bytes.subarray(s, e), 1);
    w[len - 1] = 0x3e; // >
    for (let i = 0; i < len; i++) {
      if ((w[i]! & 0xc0) === 0x80) continue; // not the first byte of a character
      let h = FNV_START;
      let j = i;
      for (let n = 1; j < len && n <= maxn; n++) {
        h = fnvStep(h, w[j++]!);
        while (j < len && (w[j]! & 0xc0) === 0x80) h = fnvStep(h, w[j++]!);
        if (n >= minn && !(n === 1 && (i === 0 || j === len))) this.pushHash(out, modExact(h >>> 0, bucket));
      }
    }
  }

  /** Input rows of one token: the word's own row (when known) and its character n-grams. */
  private addToken(bytes: Uint8Array, s: number, e: number, wid: number, isEos: boolean, out: IdBuffer): void {
    if (wid < 0) {
      if (!isEos) this.addCharNgrams(bytes, s, e, out);
    } else {
      out.push(wid);
      // `</s>` has no subwords, known or not
      if (this.args.maxn <= 0 || isEos) return;
      const cached = this.subwordCache[wid];
      if (cached !== undefined) {
        for (let k = 0; k < cached.length; k++) out.push(cached[k]!);
        return;
      }
      if (this.subwordCached >= SUBWORD_CACHE_INTS) {
        this.addCharNgrams(bytes, s, e, out);
        return;
      }
      const tmp = this.subwordScratch;
      tmp.reset();
      this.addCharNgrams(bytes, s, e, tmp);
      const rows = tmp.toInt32Array();
      this.subwordCache[wid] = rows;
      this.subwordCached += rows.length + 8;
      for (let k = 0; k < rows.length; k++) out.push(rows[k]!);
    }
  }

  private startsWithLabel(bytes: Uint8Array, s: number, e: number): boolean {
    const p = this.labelPrefix;
    if (e - s < p.length) return false;
    for (let k = 0; k < p.length; k++) if (bytes[s + k] !== p[k]) return false;
    return true;
  }

  /**
   * The input rows fastText averages for one line (`bytes[0, len)`, no newline inside) followed
   * by the `</s>` a newline would produce: words and their subwords in order, then word n-grams.
   * Labels found in the line go to `labels` (as label indices) when given, and are never features.
   * Returns the number of tokens, labels and `</s>` included, as fastText counts them.
   */
  lineFeatures(bytes: Uint8Array, len: number, out: IdBuffer, labels?: IdBuffer): number {
    out.reset();
    labels?.reset();
    const hashes = this.wordHashes;
    hashes.reset();
    let ntokens = 0;
    let i = 0;
    let sawEos = false;
    while (i < len) {
      while (i < len && SEPARATOR[bytes[i]!] === 1) i++;
      if (i >= len) break;
      const s = i;
      let h = FNV_START;
      while (i < len && SEPARATOR[bytes[i]!] === 0) h = fnvStep(h, bytes[i++]!);
      const wid = this.getId(bytes, s, i, h);
      const type = wid < 0 ? (this.startsWithLabel(bytes, s, i) ? LABEL : WORD) : this.types[wid]!;
      const isEos = h === this.eosHash && i - s === 4 && bytes[s] === 0x3c && bytes[s + 1] === 0x2f && bytes[s + 2] === 0x73 && bytes[s + 3] === 0x3e;
      ntokens++;
      if (type === WORD) {
        this.addToken(bytes, s, i, wid, isEos, out);
        hashes.push(h | 0);
      } else if (wid >= 0 && labels !== undefined) {
        labels.push(wid - this.nwords);
      }
      // a literal `</s>` ends the line for fastText as a newline does
      if (isEos) {
        sawEos = true;
        break;
      }
    }
    if (!sawEos) {
      ntokens++;
      if (this.eosId >= 0) out.push(this.eosId);
      hashes.push(this.eosHash | 0);
    }
    this.addWordNgrams(hashes, out);
    return ntokens;
  }

  private addWordNgrams(hashes: IdBuffer, out: IdBuffer): void {
    const n = this.args.wordNgrams;
    const bucket = this.args.bucket;
    if (n <= 1 || bucket <= 0 || this.pruneidx?.size === 0) return;
    const hs = hashes.data;
    const g = this.ngram;
    for (let i = 0; i < hashes.length; i++) {
      g.start(hs[i]!);
      for (let j = i + 1; j < hashes.length && j < i + n; j++) {
        g.extend(hs[j]!);
        this.pushHash(out, g.mod(bucket));
      }
    }
  }
}

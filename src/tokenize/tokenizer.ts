/**
 * The fast byte-level BPE encoder: hand-written pre-tokenizer scanners, a pre-token cache keyed
 * on UTF-16 code units, and the typed-array merge loop in bpe.ts. reference.ts is the slow,
 * readable version the tests compare it with.
 */
import { SluiceError } from '../core/errors.js';
import { bpeCoreFor, type BpeCore } from './bpe.js';
import { CodeUnits, type Units } from './code-units.js';
import { IdBuffer } from '../core/id-buffer.js';
import { PieceCache } from './piece-cache.js';
import { PreTokenizer, type Scanner } from './pretokenize.js';
import { encodeUtf8Into, utf8Bytes } from './utf8.js';
import type { Vocabulary } from './vocabulary.js';
import { escapeRegExp } from '../core/regex.js';

export interface EncodeOptions {
  /** Special tokens encoded as their ids when they occur in the text: 'all' or a list. Default: none. */
  allowedSpecial?: 'all' | Iterable<string>;
  /**
   * Special-token strings that make encode() throw when they occur (tiktoken's rule). Default:
   * 'all', meaning every special token not allowed. Pass [] to encode them as ordinary text.
   */
  disallowedSpecial?: 'all' | Iterable<string>;
}

export interface TokenizerOptions {
  /** Pre-token cache entries (default 131072; 0 disables the cache). */
  cacheEntries?: number;
}

/** ignoreBOM keeps a leading U+FEFF: the text round-trips as it was encoded. */
const utf8Decoder = new TextDecoder('utf-8', { ignoreBOM: true });

export class Tokenizer {
  readonly vocab: Vocabulary;
  private readonly core: BpeCore;
  private readonly pre: PreTokenizer;
  private readonly scanner: Scanner | undefined;
  private readonly cache: PieceCache | undefined;
  private readonly maxCached: number;
  private readonly out = new IdBuffer(1 << 14);
  private bytes = new Uint8Array(4096);
  private readonly codeUnits = new CodeUnits();
  private readonly specialBytes = new Map<number, Uint8Array>();
  private readonly specialRegexes = new Map<string, RegExp>();

  constructor(vocab: Vocabulary, opts: TokenizerOptions = {}) {
    this.vocab = vocab;
    this.core = bpeCoreFor(vocab);
    this.pre = new PreTokenizer(vocab.pattern, vocab.keepUnmatched);
    this.scanner = vocab.prefixSpace ? undefined : this.pre.scanner;
    const entries = opts.cacheEntries ?? 1 << 17;
    this.cache = entries > 0 ? new PieceCache(entries) : undefined;
    this.maxCached = this.cache?.maxPieceLength ?? 0;
    for (const [text, id] of vocab.specialTokens) this.specialBytes.set(id, utf8Bytes(text));
  }

  get name(): string {
    return this.vocab.name;
  }

  /** Number of token ids (tiktoken's n_vocab). */
  get size(): number {
    return this.vocab.size;
  }

  get sha256(): string {
    return this.vocab.sha256;
  }

  get specialTokens(): ReadonlyMap<string, number> {
    return this.vocab.specialTokens;
  }

  /** Encodes text with no special tokens: a special-token string in the text is ordinary text. */
  encodeOrdinary(text: string): Int32Array {
    this.out.reset();
    this.encodeOrdinaryInto(text, this.out);
    return this.out.toInt32Array();
  }

  /** As tiktoken's encode(): allowed special tokens become their ids; disallowed ones throw. */
  encode(text: string, opts: EncodeOptions = {}): Int32Array {
    this.out.reset();
    this.encodeInto(text, this.out, opts);
    return this.out.toInt32Array();
  }

  encodeOrdinaryInto(text: string, out: IdBuffer): void {
    this.encodeSegment(text, this.unitsFor(text), 0, text.length, out);
  }

  encodeInto(text: string, out: IdBuffer, opts: EncodeOptions = {}): void {
    const allowed = this.resolveSpecial(opts.allowedSpecial ?? []);
    const disallowedOpt = opts.disallowedSpecial ?? 'all';
    const disallowed = disallowedOpt === 'all' ? [...this.vocab.specialTokens.keys()].filter((t) => !allowed.includes(t)) : this.resolveSpecial(disallowedOpt);
    if (disallowed.length > 0) {
      const found = this.specialRegex(disallowed).exec(text);
      if (found) {
        throw new SluiceError('SLUICE_TOKENIZER', `text contains the special token ${JSON.stringify(found[0])} at offset ${found.index}, which is not allowed`, {
          hint: 'encode it as ordinary text (encodeOrdinary, or disallowedSpecial: []) or as its special id (allowedSpecial)',
        });
      }
    }
    const units = this.unitsFor(text);
    if (allowed.length === 0) {
      this.encodeSegment(text, units, 0, text.length, out);
      return;
    }
    const re = this.specialRegex(allowed);
    let start = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      this.encodeSegment(text, units, start, m.index, out);
      out.push(this.vocab.specialTokens.get(m[0])!);
      start = m.index + m[0].length;
    }
    this.encodeSegment(text, units, start, text.length, out);
  }

  private resolveSpecial(which: 'all' | Iterable<string>): string[] {
    if (which === 'all') return [...this.vocab.specialTokens.keys()];
    const list = [...which];
    for (const t of list) {
      if (!this.vocab.specialTokens.has(t)) {
        throw new SluiceError('SLUICE_TOKENIZER', `${JSON.stringify(t)} is not a special token of ${this.vocab.name}`, {
          hint: `its special tokens are ${[...this.vocab.specialTokens.keys()].join(', ') || '(none)'}`,
        });
      }
    }
    return list;
  }

  /** Leftmost match, longest token first at one position. */
  private specialRegex(tokens: string[]): RegExp {
    const key = tokens.join('\u0000');
    let re = this.specialRegexes.get(key);
    if (!re) {
      const sorted = [...tokens].sort((a, b) => b.length - a.length);
      re = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
      this.specialRegexes.set(key, re);
    }
    re.lastIndex = 0;
    return re;
  }

  /** The code units the fast path reads (in the reused buffer); undefined when the slow path runs, which converts its own segments. */
  private unitsFor(text: string): Units | undefined {
    return this.scanner === undefined ? undefined : this.codeUnits.of(text);
  }

  /** Encodes text[start, end); `units` are text's code units (unitsFor). */
  private encodeSegment(text: string, units: Units | undefined, start: number, end: number, out: IdBuffer): void {
    if (start >= end) return;
    const scanner = this.scanner;
    if (scanner === undefined || units === undefined) {
      this.encodeSegmentSlow(text, start, end, out);
      return;
    }
    const cache = this.cache;
    const maxCached = this.maxCached;
    const byteIds = this.core.byteIds;
    // The output array and length live in locals; a piece of n code units needs at most 3n ids.
    let data = out.data;
    let n = out.length;
    for (let pos = start; pos < end;) {
      const e = scanner(units, pos, end);
      const len = e - pos;
      if (n + 3 * len > data.length) {
        out.length = n;
        out.reserve(3 * len);
        data = out.data;
      }
      if (len === 1) {
        const c = units[pos]!;
        if (c < 0x80) {
          data[n++] = byteIds[c]!;
          pos = e;
          continue;
        }
      }
      if (cache !== undefined && len <= maxCached) {
        const at = cache.find(units, pos, e);
        if (at >= 0) {
          const slots = cache.slots;
          const count = slots[at]! >>> 8;
          if (count === 1) {
            data[n++] = slots[at + 1]!;
          } else {
            const values = cache.values;
            const from = slots[at + 1]!;
            for (let k = 0; k < count; k++) data[n++] = values[from + k]!;
          }
        } else {
          out.length = n;
          this.encodePiece(units, pos, e, out);
          cache.insert(out.data, n, out.length - n);
          data = out.data;
          n = out.length;
        }
      } else {
        out.length = n;
        this.encodePiece(units, pos, e, out);
        data = out.data;
        n = out.length;
      }
      pos = e;
    }
    out.length = n;
  }

  /** Patterns without a scanner, and HF's add_prefix_space. Works on a copy of the segment alone, not of the whole text. */
  private encodeSegmentSlow(text: string, start: number, end: number, out: IdBuffer): void {
    let segment = text.slice(start, end);
    if (this.vocab.prefixSpace && segment.charCodeAt(0) !== 0x20) segment = ' ' + segment;
    const units = this.codeUnits.of(segment);
    const scanner = this.pre.scanner;
    if (scanner) {
      for (let pos = 0; pos < segment.length;) {
        const next = scanner(units, pos, segment.length);
        this.encodePiece(units, pos, next, out);
        pos = next;
      }
      return;
    }
    this.pre.split(segment, 0, segment.length, (ps, pe) => this.encodePiece(units, ps, pe, out));
  }

  private encodePiece(text: Units, start: number, end: number, out: IdBuffer): void {
    const need = (end - start) * 3;
    if (need > this.bytes.length) this.bytes = new Uint8Array(Math.max(need, this.bytes.length * 2));
    const n = encodeUtf8Into(text, start, end, this.bytes);
    this.core.encodePiece(this.bytes, n, out);
  }

  /** Bytes of one token id (ordinary or special). */
  tokenBytes(id: number): Uint8Array {
    if (this.vocab.tokens.has(id)) return this.vocab.tokens.bytes(id);
    const special = this.specialBytes.get(id);
    if (special) return special;
    throw new SluiceError('SLUICE_TOKENIZER', `token id ${id} is not in ${this.vocab.name} (size ${this.size})`);
  }

  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let total = 0;
    for (let i = 0; i < ids.length; i++) total += this.tokenBytes(ids[i]!).length;
    const out = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.tokenBytes(ids[i]!);
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  /** Decodes to a string; bytes that are not valid UTF-8 (a token boundary inside a character) become U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return utf8Decoder.decode(this.decodeBytes(ids));
  }

  /** Cache statistics for benchmarks. */
  cacheStats(): { entries: number; resets: number } {
    return { entries: this.cache?.size ?? 0, resets: this.cache?.resets ?? 0 };
  }
}

/**
 * The reference byte-level BPE: slow and written to be read, in the manner of tiktoken's
 * `_educational.py`. Tokens are latin1 strings of their bytes; pre-tokenization is the pattern's
 * translated RegExp; merging rescans every pair after each merge. The tests hold the fast
 * Tokenizer to this implementation, and this implementation to tiktoken.
 */
import { SluiceError } from '../core/errors.js';
import { compilePattern } from './regex-translate.js';
import { utf8Bytes, wellFormed } from './utf8.js';
import type { Vocabulary } from './vocabulary.js';

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}

export class ReferenceTokenizer {
  /** Token bytes (as a latin1 string) -> id. */
  private readonly ids = new Map<string, number>();
  private readonly bytesOf = new Map<number, string>();
  /** For HF vocabularies: "left\0right" -> position in the merge list. */
  private readonly mergeRank: Map<string, number> | undefined;
  private readonly regex: RegExp;

  constructor(private readonly vocab: Vocabulary) {
    for (let id = 0; id < vocab.tokens.size; id++) {
      if (!vocab.tokens.has(id)) continue;
      const key = latin1(vocab.tokens.bytes(id));
      if (!this.ids.has(key)) this.ids.set(key, id);
      this.bytesOf.set(id, key);
    }
    if (vocab.mergeRule.kind === 'merges') {
      this.mergeRank = new Map();
      const pairs = vocab.mergeRule.pairs;
      for (let i = 0; i < pairs.length; i += 2) {
        const key = `${this.bytesOf.get(pairs[i]!)}\u0000${this.bytesOf.get(pairs[i + 1]!)}`;
        if (!this.mergeRank.has(key)) this.mergeRank.set(key, i / 2);
      }
    }
    this.regex = compilePattern(vocab.pattern, 'gu');
  }

  /** The pre-tokens of a text, as tiktoken's regex finds them (or HF's Split keeps them). */
  pieces(text: string): string[] {
    const pieces: string[] = [];
    let last = 0;
    for (const m of text.matchAll(this.regex)) {
      if (this.vocab.keepUnmatched && m.index > last) pieces.push(text.slice(last, m.index));
      pieces.push(m[0]);
      last = m.index + m[0].length;
    }
    if (this.vocab.keepUnmatched && last < text.length) pieces.push(text.slice(last));
    return pieces;
  }

  encodeOrdinary(text: string): number[] {
    let segment = wellFormed(text);
    if (segment === '') return [];
    if (this.vocab.prefixSpace && !segment.startsWith(' ')) segment = ' ' + segment;
    const out: number[] = [];
    for (const piece of this.pieces(segment)) {
      const bytes = latin1(utf8Bytes(piece));
      const whole = this.ids.get(bytes);
      if (this.vocab.wholePieceLookup && whole !== undefined) out.push(whole);
      else out.push(...this.bytePairMerge(bytes));
    }
    return out;
  }

  /** Encodes with the allowed special tokens as their ids (leftmost, longest first). */
  encode(text: string, allowedSpecial: readonly string[]): number[] {
    const out: number[] = [];
    let rest = text;
    for (;;) {
      let at = -1;
      let found = '';
      for (const special of allowedSpecial) {
        const i = rest.indexOf(special);
        if (i >= 0 && (at < 0 || i < at || (i === at && special.length > found.length))) {
          at = i;
          found = special;
        }
      }
      if (at < 0) break;
      out.push(...this.encodeOrdinary(rest.slice(0, at)), this.vocab.specialTokens.get(found)!);
      rest = rest.slice(at + found.length);
    }
    out.push(...this.encodeOrdinary(rest));
    return out;
  }

  /** Priority of merging two adjacent parts, or undefined if they never merge. */
  private priority(left: string, right: string): number | undefined {
    if (this.mergeRank) return this.mergeRank.get(`${left}\u0000${right}`);
    return this.ids.get(left + right);
  }

  private bytePairMerge(bytes: string): number[] {
    const parts = [...bytes];
    for (;;) {
      let best: number | undefined;
      let at = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const p = this.priority(parts[i]!, parts[i + 1]!);
        if (p !== undefined && (best === undefined || p < best)) {
          best = p;
          at = i;
        }
      }
      if (at < 0) break;
      parts.splice(at, 2, parts[at]! + parts[at + 1]!);
    }
    return parts.map((p) => {
      const id = this.ids.get(p);
      if (id === undefined) throw new SluiceError('SLUICE_TOKENIZER', `no token for bytes ${JSON.stringify(p)}`);
      return id;
    });
  }

  decode(ids: readonly number[]): string {
    const special = new Map([...this.vocab.specialTokens].map(([t, id]) => [id, latin1(utf8Bytes(t))]));
    const bytes = ids.map((id) => this.bytesOf.get(id) ?? special.get(id) ?? '').join('');
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(Buffer.from(bytes, 'latin1'));
  }
}

/**
 * Counts pre-tokens (the pieces the pattern splits text into) over a stream of documents: the
 * only thing BPE training needs from the corpus. Memory is bounded by `maxPretokens` distinct
 * pieces.
 *
 * Pruning rule: when the table holds more than `maxPretokens` pieces, every piece counted at
 * most k times is dropped, for k = 1, 2, 3, ... until the table is at most 3/4 full. A dropped
 * piece that recurs starts again from 1, so a piece's final count can be short by at most
 * (the largest k used) x (number of prunes); `stats()` reports both. Pieces that rare in the
 * stream are far below the counts that decide a 32k vocabulary.
 */
import { PreTokenizer } from './pretokenize.js';

export interface PretokenStats {
  documents: number;
  /** UTF-16 code units seen. */
  chars: number;
  pieces: number;
  distinct: number;
  prunes: number;
  /** Largest count dropped by a prune (0 if none). */
  pruneThreshold: number;
  /** Piece occurrences whose counts were dropped. */
  droppedOccurrences: number;
}

export class PretokenCounter {
  readonly counts = new Map<string, number>();
  private readonly pre: PreTokenizer;
  private documents = 0;
  private chars = 0;
  private pieces = 0;
  private prunes = 0;
  private pruneThreshold = 0;
  private droppedOccurrences = 0;

  constructor(
    pattern: string,
    readonly maxPretokens = 2_000_000,
  ) {
    this.pre = new PreTokenizer(pattern);
  }

  add(text: string): void {
    const counts = this.counts;
    let pieces = 0;
    this.pre.split(text, 0, text.length, (s, e) => {
      let key = text.slice(s, e);
      const n = counts.get(key);
      if (n === undefined) {
        // A long slice would keep the whole document alive as its parent string: copy it.
        if (key.length >= 13) key = Buffer.from(key, 'utf16le').toString('utf16le');
        counts.set(key, 1);
      } else {
        counts.set(key, n + 1);
      }
      pieces++;
    });
    this.documents++;
    this.chars += text.length;
    this.pieces += pieces;
    if (counts.size > this.maxPretokens) this.prune();
  }

  private prune(): void {
    const target = Math.floor((this.maxPretokens * 3) / 4);
    this.prunes++;
    for (let k = 1; this.counts.size > target; k++) {
      for (const [key, n] of this.counts) {
        if (n <= k) {
          this.counts.delete(key);
          this.droppedOccurrences += n;
        }
      }
      this.pruneThreshold = Math.max(this.pruneThreshold, k);
    }
  }

  stats(): PretokenStats {
    return {
      documents: this.documents,
      chars: this.chars,
      pieces: this.pieces,
      distinct: this.counts.size,
      prunes: this.prunes,
      pruneThreshold: this.pruneThreshold,
      droppedOccurrences: this.droppedOccurrences,
    };
  }
}

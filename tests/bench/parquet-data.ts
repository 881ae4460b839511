import type { Doc } from '../../src/core/doc.js';
import { mulberry32 } from '../../src/core/random.js';

/**
 * Deterministic synthetic docs for the Parquet writer benchmark: English-like text drawn
 * from a fixed vocabulary (so it compresses roughly like real text), a small JSON meta and
 * token ids with a skewed distribution like a BPE vocabulary's. Every writer process
 * regenerates exactly the same rows from the same seed, batch by batch, so no process holds
 * the whole data set and peak RSS reflects the writer.
 */

export interface BenchDataOptions {
  rows: number;
  textBytes: number;
  idsPerRow: number;
  seed?: number;
}

const SOURCES = ['web', 'books', 'wikipedia', 'code', 'reddit'];
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'ta', 'shi', 'ven', 'dor', 'pla', 'ex', 'quo', 'str', 'ing', 'al', 'er'];
const VOCAB: string[] = (() => {
  let x = 7;
  const words: string[] = [];
  for (let i = 0; i < 4096; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const n = 1 + (x % 4);
    let w = '';
    for (let j = 0; j < n; j++) w += SYLLABLES[(x >>> (8 + j * 4)) % SYLLABLES.length] ?? 'a';
    words.push(w);
  }
  return words;
})();

/** Yields the benchmark rows in batches of `batchRows` docs. */
export function* benchDocs(opts: BenchDataOptions, batchRows = 1000): Generator<Doc[]> {
  const rand = mulberry32(opts.seed ?? 42);
  for (let start = 0; start < opts.rows; start += batchRows) {
    const n = Math.min(batchRows, opts.rows - start);
    const batch: Doc[] = new Array<Doc>(n);
    for (let i = 0; i < n; i++) {
      const parts: string[] = [];
      let len = 0;
      while (len < opts.textBytes) {
        // squaring skews toward frequent words, as in natural text
        const r = rand();
        const w = VOCAB[Math.floor(r * r * VOCAB.length)] ?? 'x';
        parts.push(w);
        len += w.length + 1;
      }
      const tokens = new Int32Array(opts.idsPerRow);
      for (let j = 0; j < tokens.length; j++) {
        const r = rand();
        tokens[j] = Math.floor(r * r * 50_000);
      }
      const row = start + i;
      batch[i] = {
        id: `doc-${String(row).padStart(9, '0')}`,
        source: SOURCES[row % SOURCES.length] ?? 'web',
        text: parts.join(' ').slice(0, opts.textBytes),
        meta: { lang: 'en', score: Math.round(rand() * 1000) / 1000, url: `https://example.org/${row}` },
        tokens,
      };
    }
    yield batch;
  }
}

/** Bytes of the raw row content (text, id, source, meta JSON and 4 bytes per token id). */
export function rawRowBytes(doc: Doc): number {
  return Buffer.byteLength(doc.text) + Buffer.byteLength(doc.id) + Buffer.byteLength(doc.source) + Buffer.byteLength(JSON.stringify(doc.meta)) + 4 * (doc.tokens?.length ?? 0);
}

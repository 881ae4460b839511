/**
 * A reader's output must not depend on how its input stream is cut into chunks: every sample is
 * read through inputs that deliver it in random chunk sizes, and compared with one read.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../src/io/input.js';
import { readers } from '../../src/registry-loaded.js';
import { runReader, type ReaderResult } from '../helpers/harness.js';

const summary = (r: ReaderResult): unknown => ({
  docs: r.docs.map((d) => [d.id, d.text, d.meta]),
  invalid: r.invalid.map((x) => [x.id, x.reason]),
  skipped: r.skipped.map((x) => [x.id, x.reason]),
});

const SAMPLES: { reader: string; path: string; params?: Record<string, unknown>; runs: number }[] = [
  { reader: 'books', path: 'sample-corpora/books/pg-sample-lighthouse-ledger.txt', runs: 25 },
  { reader: 'books', path: 'sample-corpora/books/pg-sample-treatise-on-bees.txt.gz', runs: 25 },
  { reader: 'books', path: 'sample-corpora/books/on-rivers.zip', runs: 15 },
  { reader: 'reddit', path: 'sample-corpora/reddit/RC_2019-01.zst', runs: 25 },
  { reader: 'reddit', path: 'sample-corpora/reddit/RC_2019-01.zst', params: { group: 'thread' }, runs: 15 },
  { reader: 'wikipedia', path: 'sample-corpora/wikipedia/enwiki-sample-pages-articles.xml.bz2', runs: 10 },
  { reader: 'jsonl', path: 'sample-corpora/jsonl/sample.jsonl.gz', runs: 25 },
];

describe('reader output is independent of input chunking', () => {
  for (const s of SAMPLES) {
    it(`${s.reader} ${s.path}${s.params ? ` ${JSON.stringify(s.params)}` : ''}`, async () => {
      const reader = readers[s.reader]!;
      const bytes = readFileSync(s.path);
      const name = s.path.split('/').pop()!;
      const expected = summary(await runReader(reader, memoryFile(name, bytes), s.params ?? {}));
      expect((expected as { docs: unknown[] }).docs.length).toBeGreaterThan(0);
      await fc.assert(
        fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }), async (sizes) => {
          const actual = summary(await runReader(reader, memoryFile(name, bytes, sizes), s.params ?? {}));
          expect(actual).toEqual(expected);
        }),
        { numRuns: s.runs },
      );
    });
  }
});

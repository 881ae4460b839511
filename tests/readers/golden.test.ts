/**
 * Every reader on its sample corpus, compared with the expected documents, rejects and counters
 * in tests/golden/<case>.json. After an intended change, regenerate with
 * SLUICE_UPDATE_GOLDEN=1 and review the diff.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localFile } from '../../src/io/input.js';
import { readers } from '../../src/registry-loaded.js';
import { runReader } from '../helpers/harness.js';

interface GoldenCase {
  name: string;
  reader: string;
  input: string;
  params?: Record<string, unknown>;
}

const CASES: GoldenCase[] = [
  { name: 'books-modern-markers', reader: 'books', input: 'sample-corpora/books/pg-sample-lighthouse-ledger.txt' },
  { name: 'books-1990s-markers-gz', reader: 'books', input: 'sample-corpora/books/pg-sample-treatise-on-bees.txt.gz' },
  { name: 'books-no-markers-zip', reader: 'books', input: 'sample-corpora/books/on-rivers.zip' },
  { name: 'reddit-comments', reader: 'reddit', input: 'sample-corpora/reddit/RC_2019-01.zst', params: { bot_authors: ['RemindMeBot'] } },
  { name: 'reddit-submissions', reader: 'reddit', input: 'sample-corpora/reddit/RS_2019-01.zst' },
  { name: 'reddit-threads', reader: 'reddit', input: 'sample-corpora/reddit/RC_2019-01.zst', params: { group: 'thread', bot_authors: ['RemindMeBot'] } },
  { name: 'wikipedia-multistream-bz2', reader: 'wikipedia', input: 'sample-corpora/wikipedia/enwiki-sample-pages-articles.xml.bz2' },
  { name: 'jsonl-two-members', reader: 'jsonl', input: 'sample-corpora/jsonl/sample.jsonl.gz' },
  { name: 'warc-cc-sample', reader: 'warc', input: 'sample-corpora/web/CC-sample.warc.gz' },
  { name: 'wet-cc-sample', reader: 'wet', input: 'sample-corpora/web/CC-sample.warc.wet.gz' },
  { name: 'code-folder-of-repos', reader: 'code', input: 'sample-corpora/code' },
  { name: 'code-repo-tar-gz', reader: 'code', input: 'sample-corpora/code/repo-gamma.tar.gz' },
];

const update = process.env['SLUICE_UPDATE_GOLDEN'] === '1';

describe('golden outputs of the readers on sample-corpora', () => {
  for (const c of CASES) {
    it(`${c.name}: ${c.input}`, async () => {
      const reader = readers[c.reader]!;
      const r = await runReader(reader, localFile(c.input, statSync(c.input).isDirectory()), c.params ?? {});
      const actual = {
        reader: c.reader,
        input: c.input,
        params: c.params ?? {},
        docs: r.docs.map((d) => ({ id: d.id, source: d.source, meta: d.meta, text: d.text })),
        invalid: r.invalid.map((x) => ({ id: x.id, reason: x.reason, record: x.record })),
        skipped: r.skipped.map((x) => ({ id: x.id, reason: x.reason })),
        counters: r.stats.stats.stages[c.reader]?.counters ?? {},
      };
      const path = `tests/golden/${c.name}.json`;
      if (update) {
        mkdirSync('tests/golden', { recursive: true });
        writeFileSync(path, JSON.stringify(actual, null, 2) + '\n');
      }
      // a missing file fails: written on the spot, it would only compare the output with itself
      expect(existsSync(path), `${path} is missing; create it with SLUICE_UPDATE_GOLDEN=1 and review it`).toBe(true);
      const expected: unknown = JSON.parse(readFileSync(path, 'utf8'));
      expect(actual).toEqual(expected);
      expect(actual.docs.length).toBeGreaterThan(0);
    });
  }
});

/**
 * Golden files for the web and code samples: each reader's full output (documents, rejects,
 * counters) on its sample, compared with the expected JSON beside this test.
 * Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { localFile } from '../../src/io/input.js';
import { codeReader } from '../../src/readers/code.js';
import type { ReaderDefinition } from '../../src/readers/reader.js';
import { warcReader } from '../../src/readers/warc.js';
import { wetReader } from '../../src/readers/wet.js';
import { runReader } from '../helpers/harness.js';

interface GoldenCase {
  name: string;
  reader: ReaderDefinition;
  input: string;
  params?: Record<string, unknown>;
}

const CASES: GoldenCase[] = [
  { name: 'warc-cc-sample', reader: warcReader, input: 'sample-corpora/web/CC-sample.warc.gz' },
  { name: 'wet-cc-sample', reader: wetReader, input: 'sample-corpora/web/CC-sample.warc.wet.gz' },
  { name: 'code-sample-root', reader: codeReader, input: 'sample-corpora/code' },
];

const goldenPath = (name: string): string => new URL(`./golden/${name}.json`, import.meta.url).pathname;

describe('golden output of the web and code readers on their samples', () => {
  it.each(CASES)('$name', async ({ name, reader, input, params }) => {
    const r = await runReader(reader, localFile(input, statSync(input).isDirectory()), params ?? {});
    const actual = {
      input,
      params: params ?? {},
      docs: r.docs.map((d) => ({ id: d.id, source: d.source, meta: d.meta, text: d.text })),
      invalid: r.invalid.map((x) => ({ id: x.id, reason: x.reason, record: x.record })),
      skipped: r.skipped.map((s) => ({ id: s.id, reason: s.reason, ...(s.meta === undefined ? {} : { meta: s.meta }), ...(s.detail === undefined ? {} : { detail: s.detail }) })),
      counters: r.stats.stats.stages[reader.name]?.counters ?? {},
    };
    const path = goldenPath(name);
    if (process.env['UPDATE_GOLDEN'] === '1') writeFileSync(path, `${JSON.stringify(actual, null, 2)}\n`);
    expect(existsSync(path), `${path} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(actual).toEqual(JSON.parse(readFileSync(path, 'utf8')));
    expect(actual.docs.length).toBeGreaterThan(0);
  });
});

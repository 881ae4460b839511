/**
 * Under --strict the runner's ctx.invalid throws SLUICE_BAD_RECORD; readers that catch decoder
 * failures must let it through with the record it names, not report a truncated file instead.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { memoryFile, type InputFile } from '../../src/io/input.js';
import type { ReaderContext, ReaderDefinition } from '../../src/readers/reader.js';
import { readers } from '../../src/registry-loaded.js';

async function readStrict(reader: ReaderDefinition, file: InputFile, params: unknown = {}): Promise<unknown> {
  const ctx: ReaderContext = {
    file,
    source: 'test',
    stats: new StatsRecorder().stage(reader.name),
    log: silentLogger,
    signal: new AbortController().signal,
    invalid: (r) => {
      throw new SluiceError('SLUICE_BAD_RECORD', `${file.uri}:${r.record}: ${r.error}`, { file: file.uri, record: r.record });
    },
    skip: () => {},
  };
  try {
    for await (const _ of reader.read(file, reader.params.parse(params), ctx)) void _;
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('strict mode stops at the first bad record', () => {
  it('reddit: names the malformed line', async () => {
    const err = await readStrict(readers['reddit']!, memoryFile('RC_2019-01.zst', readFileSync('sample-corpora/reddit/RC_2019-01.zst')));
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).record).toBe(9);
  });

  it('wikipedia: names the page with bad bytes', async () => {
    const xml = Buffer.concat([
      Buffer.from('<mediawiki><page><title>Bad</title><ns>0</ns><id>1</id><revision><id>2</id><text>caf'),
      Buffer.from([0xe9]),
      Buffer.from('</text></revision></page></mediawiki>'),
    ]);
    const err = await readStrict(readers['wikipedia']!, memoryFile('w.xml', xml));
    expect((err as SluiceError).code).toBe('SLUICE_BAD_RECORD');
    expect((err as SluiceError).record).toBe('Bad');
  });

  it('books: names the book that is not UTF-8', async () => {
    const err = await readStrict(readers['books']!, memoryFile('b.txt', Buffer.from([0x41, 0xe9, 0x42])));
    expect((err as SluiceError).record).toBe('b.txt');
  });
});

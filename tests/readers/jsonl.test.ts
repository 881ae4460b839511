import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { compress } from 'zstd-napi';
import { jsonlReader } from '../../src/readers/jsonl.js';
import { localFile, memoryFile } from '../../src/io/input.js';
import { tempDir } from '../helpers/corpus.js';
import { runReader } from '../helpers/harness.js';

const LINES = [
  JSON.stringify({ id: 'a', text: 'alpha', url: 'https://a.example' }),
  '{"id": "b", "text": "unterminated',
  JSON.stringify({ id: 'c', body: 'no text field' }),
  '[1,2,3]',
  '',
  JSON.stringify({ text: 'no id', lang: 'en' }),
].join('\n');

describe('jsonl reader', () => {
  it('reads documents, keeps other fields in meta and rejects bad lines with file and line', async () => {
    const r = await runReader(jsonlReader, memoryFile('data/x.jsonl.gz', gzipSync(LINES), 5));
    expect(r.docs).toEqual([
      { id: 'a', text: 'alpha', source: 'jsonl', meta: { url: 'https://a.example' } },
      { id: 'data/x.jsonl.gz:6', text: 'no id', source: 'jsonl', meta: { lang: 'en' } },
    ]);
    expect(r.invalid.map((i) => [i.reason, i.record])).toEqual([
      ['bad_record', 2],
      ['bad_record', 3],
      ['bad_record', 4],
    ]);
    expect(r.invalid[0]!.error).toContain('data/x.jsonl.gz:2');
    expect(r.invalid[1]!.error).toContain('field "text" is missing');
  });

  it('uses configured field names', async () => {
    const r = await runReader(jsonlReader, memoryFile('x.jsonl', Buffer.from(JSON.stringify({ key: 7, body: 'hi' }))), { id_field: 'key', text_field: 'body' });
    expect(r.docs).toEqual([{ id: '7', text: 'hi', source: 'jsonl', meta: {} }]);
  });

  it('rejects invalid UTF-8 and keeps reading', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id":"a","text":"b'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n{"id":"z","text":"fine"}\n')]);
    const r = await runReader(jsonlReader, memoryFile('u.jsonl', bytes));
    expect(r.invalid.map((i) => i.reason)).toEqual(['invalid_utf8']);
    expect(r.docs.map((d) => d.id)).toEqual(['z']);
  });

  it('keeps the records before a truncated gzip and rejects the rest as truncated_input', async () => {
    const body = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `document number ${i} `.repeat(20) })).join('\n');
    const gz = gzipSync(body);
    const r = await runReader(jsonlReader, memoryFile('t.jsonl.gz', gz.subarray(0, Math.floor(gz.length * 0.6)), 4096));
    expect(r.docs.length).toBeGreaterThan(100);
    expect(r.docs.length).toBeLessThan(2000);
    expect(r.docs.every((d, i) => d.id === `d${i}`)).toBe(true);
    expect(r.invalid.at(-1)!.reason).toBe('truncated_input');
  });

  it('reads the first record of a file that starts with a UTF-8 BOM: plain, gzip and zstd', async () => {
    const dir = tempDir();
    const body = Buffer.from('\uFEFF' + [JSON.stringify({ id: 'first', text: 'after the BOM' }), JSON.stringify({ id: 'second', text: 'plain' })].join('\r\n') + '\r\n');
    const files = { 'bom.jsonl': body, 'bom.jsonl.gz': gzipSync(body), 'bom.jsonl.zst': compress(body) };
    for (const [name, data] of Object.entries(files)) {
      const path = join(dir, name);
      writeFileSync(path, data);
      const r = await runReader(jsonlReader, localFile(path));
      expect(r.invalid, name).toEqual([]);
      expect(
        r.docs.map((d) => [d.id, d.text]),
        name,
      ).toEqual([
        ['first', 'after the BOM'],
        ['second', 'plain'],
      ]);
    }
  });

  it('says what a non-string text field is, with the right article', async () => {
    const path = join(tempDir(), 'types.jsonl');
    const values = [null, [1, 2], { a: 1 }, 7, true];
    writeFileSync(path, values.map((text, i) => JSON.stringify({ id: `r${i}`, text })).join('\n') + '\n' + JSON.stringify({ id: 'none' }) + '\n');
    const r = await runReader(jsonlReader, localFile(path));
    expect(r.docs).toEqual([]);
    expect(r.invalid.map((i) => i.error)).toEqual([
      `field "text" is null, not a string at ${path}:1`,
      `field "text" is an array, not a string at ${path}:2`,
      `field "text" is an object, not a string at ${path}:3`,
      `field "text" is a number, not a string at ${path}:4`,
      `field "text" is a boolean, not a string at ${path}:5`,
      `field "text" is missing at ${path}:6`,
    ]);
  });
});

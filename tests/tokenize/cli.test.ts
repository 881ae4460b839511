import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { loadTokenizer } from '../../src/tokenize/load.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';

function jsonl(dir: string, name: string, records: object[]): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

const parse = (stdout: string): { id: string; input_ids?: number[]; text?: string }[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; input_ids?: number[]; text?: string });

describe('sluice tokenizer', () => {
  const dir = tempDir();
  const docs = [
    { id: 'post-1', text: 'A forum post that quotes <|endoftext|> literally.' },
    { id: 'post-2', text: 'Ünïcödé, 中文, emoji 👩🏽‍💻 and\r\nCRLF' },
  ];
  const input = jsonl(dir, 'in.jsonl', docs);

  it('encode writes {"id","input_ids"} lines; special-token strings in documents are text by default', () => {
    const r = sluice(['tokenizer', 'encode', '--tokenizer', 'cl100k_base', input]);
    expect(r.status, r.stderr).toBe(0);
    const tok = loadTokenizer({ tokenizer: 'cl100k_base' });
    expect(parse(r.stdout)).toEqual(docs.map((d) => ({ id: d.id, input_ids: Array.from(tok.encodeOrdinary(d.text)) })));
    expect(r.stdout).not.toContain('100257');
  });

  it('encode --allowed-special all maps the strings to special ids; --eos appends the end-of-text id', () => {
    const r = sluice(['tokenizer', 'encode', '-t', 'cl100k_base', '--allowed-special', 'all', '--eos', input]);
    expect(r.status, r.stderr).toBe(0);
    const [first, second] = parse(r.stdout);
    expect(first!.input_ids!.filter((id) => id === 100257).length).toBe(2);
    expect(second!.input_ids!.at(-1)).toBe(100257);
  });

  it("decode turns encode's output back into the documents", () => {
    const encoded = sluice(['tokenizer', 'encode', '-t', 'o200k_base', input]);
    const file = join(dir, 'ids.jsonl');
    writeFileSync(file, encoded.stdout);
    const r = sluice(['tokenizer', 'decode', '-t', 'o200k_base', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(parse(r.stdout)).toEqual(docs);
    expect(sluice(['tokenizer', 'decode', '-t', 'o200k_base', '--ids', '13225,2375']).stdout.trim()).toBe('Hello world');
  });

  it('info prints size, special tokens and sha256', () => {
    const r = sluice(['tokenizer', 'info', '-t', 'p50k_base']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/vocab size\s+50281/);
    expect(r.stdout).toContain('<|endoftext|>=50256');
    expect(r.stdout).toContain('94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069');
    const json = JSON.parse(sluice(['tokenizer', 'info', '-t', 'gpt2', '--json']).stdout) as { vocab_size: number; eos: { id: number } };
    expect(json).toMatchObject({ vocab_size: 50257, eos: { id: 50256 } });
  });

  it('train writes a tokenizer that info, encode and decode then use', () => {
    const corpus = jsonl(
      dir,
      'train.jsonl',
      mixedCorpus(3, 300_000).map((text, i) => ({ id: `t${i}`, text })),
    );
    const textFile = join(dir, 'notes.txt');
    writeFileSync(textFile, 'Plain text files are one document each.\n'.repeat(50));
    const out = join(dir, 'trained');
    const r = sluice(['tokenizer', 'train', '--vocab-size', '1200', '--out', out, '--special-tokens', '<|endoftext|>,<|pad|>', corpus, textFile]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('vocab size 1200 (requested 1200)');
    for (const f of ['tokenizer.tiktoken', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'sluice-tokenizer.json']) expect(existsSync(join(out, f))).toBe(true);
    expect(r.stdout).toContain('tokenizer_config.json, special_tokens_map.json');
    const info = JSON.parse(sluice(['tokenizer', 'info', '-t', out, '--json']).stdout) as { vocab_size: number; special_tokens: Record<string, number> };
    expect(info).toMatchObject({ vocab_size: 1200, special_tokens: { '<|endoftext|>': 1198, '<|pad|>': 1199 } });
    const encoded = sluice(['tokenizer', 'encode', '-t', out, input]);
    writeFileSync(join(dir, 'trained-ids.jsonl'), encoded.stdout);
    expect(parse(sluice(['tokenizer', 'decode', '-t', out, join(dir, 'trained-ids.jsonl')]).stdout)).toEqual(docs);
  });

  it('train counts and skips the bad lines of the shipped sample JSONL, naming file:line; --strict stops at the first', () => {
    const sample = join(ROOT, 'sample-corpora', 'jsonl', 'sample.jsonl.gz');
    const r = sluice(['tokenizer', 'train', '--vocab-size', '400', '--out', join(dir, 'sample-tok'), sample], { cwd: ROOT });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('warn: skipped 2 bad records (bad_record 2); --strict stops at the first:');
    expect(r.stderr).toMatch(/sample\.jsonl\.gz:6: bad_record: invalid JSON: Unterminated string/);
    expect(r.stderr).toMatch(/sample\.jsonl\.gz:9: bad_record: field "text" is missing/);
    expect(r.stdout).toMatch(/from 8 documents \(2 bad records skipped\)/);
    expect(existsSync(join(dir, 'sample-tok', 'tokenizer_config.json'))).toBe(true);

    const strict = sluice(['tokenizer', 'train', '--strict', '--vocab-size', '400', '--out', join(dir, 'sample-strict'), sample], { cwd: ROOT });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/SLUICE_BAD_RECORD.*sample\.jsonl\.gz:6: invalid JSON/);
    expect(existsSync(join(dir, 'sample-strict'))).toBe(false);
  });

  it('names the first five bad records and counts the rest; encode skips them too', () => {
    const lines = ['{"id":"ok-1","text":"fine"}', ...Array.from({ length: 7 }, (_, i) => `{"id":"bad-${i}", "text":`), '{"id":"ok-2","text":"also fine"}', '[1,2]', '{"id":"no-text"}'];
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, lines.join('\n') + '\n');
    const r = sluice(['tokenizer', 'encode', '-t', 'gpt2', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(parse(r.stdout).map((d) => d.id)).toEqual(['ok-1', 'ok-2']);
    expect(r.stderr).toContain('skipped 9 bad records (bad_record 9)');
    for (const line of [2, 3, 4, 5, 6]) expect(r.stderr).toContain(`bad.jsonl:${line}: bad_record`);
    expect(r.stderr).not.toContain('bad.jsonl:7:');
    expect(r.stderr).toContain('... and 4 more');
    const strict = sluice(['tokenizer', 'encode', '-t', 'gpt2', '--strict', file]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('bad.jsonl:2: invalid JSON');
    const none = sluice(['tokenizer', 'train', '--vocab-size', '300', '--text-field', 'body', '--out', join(dir, 'none'), file]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('no documents to train on: all 11 records were bad');
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('usage errors exit 2, a tokenizer that does not exist too, with the reason and the name it was meant to be', () => {
    expect(sluice(['tokenizer', 'frobnicate']).status).toBe(2);
    const noSize = sluice(['tokenizer', 'train', '--out', join(dir, 'x'), input]);
    expect(noSize.status).toBe(2);
    expect(noSize.stderr).toContain('needs --vocab-size');
    const missing = sluice(['tokenizer', 'info', '-t', 'cl200k_base']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('neither a standard vocabulary nor an existing path');
    expect(missing.stderr).toContain('did you mean "cl100k_base"?');
  });
});

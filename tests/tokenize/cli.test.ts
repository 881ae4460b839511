import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { loadTokenizer } from '../../src/tokenize/load.js';
import { sluice } from '../helpers/cli.js';
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
    for (const f of ['tokenizer.tiktoken', 'tokenizer.json', 'sluice-tokenizer.json']) expect(existsSync(join(out, f))).toBe(true);
    const info = JSON.parse(sluice(['tokenizer', 'info', '-t', out, '--json']).stdout) as { vocab_size: number; special_tokens: Record<string, number> };
    expect(info).toMatchObject({ vocab_size: 1200, special_tokens: { '<|endoftext|>': 1198, '<|pad|>': 1199 } });
    const encoded = sluice(['tokenizer', 'encode', '-t', out, input]);
    writeFileSync(join(dir, 'trained-ids.jsonl'), encoded.stdout);
    expect(parse(sluice(['tokenizer', 'decode', '-t', out, join(dir, 'trained-ids.jsonl')]).stdout)).toEqual(docs);
  });

  it('usage errors exit 2; a tokenizer that does not exist exits 1 with the reason', () => {
    expect(sluice(['tokenizer', 'frobnicate']).status).toBe(2);
    const noSize = sluice(['tokenizer', 'train', '--out', join(dir, 'x'), input]);
    expect(noSize.status).toBe(2);
    expect(noSize.stderr).toContain('needs --vocab-size');
    const missing = sluice(['tokenizer', 'info', '-t', 'cl200k_base']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('neither a standard vocabulary nor an existing path');
  });
});

import { describe, expect, it } from 'vitest';
// parsePipeline loads nothing: every built-in is loaded first
import '../../src/registry-loaded.js';
import { parsePipeline } from '../../src/config/load.js';
import { configError } from '../helpers/config.js';

const VALID = `
name: web-sample
inputs:
  - reader: jsonl
    paths: ["data/*.jsonl.gz"]
stages:
  - length: {min_chars: 200}
output:
  dir: out/web-sample
  shard_bytes: 256MiB
  compression: zstd
`;

describe('pipeline config', () => {
  it('accepts the documented example and fills defaults', () => {
    const cfg = parsePipeline(VALID, 'p.yaml');
    expect(cfg.name).toBe('web-sample');
    expect(cfg.inputs[0]).toMatchObject({ reader: 'jsonl', paths: ['data/*.jsonl.gz'], params: { id_field: 'id', text_field: 'text' } });
    expect(cfg.stages).toEqual([{ stage: 'length', id: 'length', params: { min_chars: 200 } }]);
    expect(cfg.output).toMatchObject({ dir: 'out/web-sample', shard_bytes: 256 * 1024 * 1024, compression: 'zstd', keep_text: true });
  });

  it('names a repeated stage uniquely', () => {
    const cfg = parsePipeline(VALID.replace('  - length: {min_chars: 200}', '  - length: {min_chars: 200}\n  - length: {max_chars: 9000}'), 'p.yaml');
    expect(cfg.stages.map((s) => s.id)).toEqual(['length', 'length#2']);
  });

  it('rejects an unknown stage parameter with its YAML path, line and a hint', () => {
    const err = configError(VALID.replace('{min_chars: 200}', '{min_char: 200}'));
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.message).toContain('stages[0].length.min_char: unknown key "min_char"');
    expect(err.message).toMatch(/p\.yaml:7:\d+/);
    expect(err.message).toContain('did you mean "min_chars"');
  });

  it('rejects an unknown top-level key with a suggestion', () => {
    const err = configError(VALID + 'outptu: {}\n');
    expect(err.message).toContain('outptu: unknown key "outptu"');
    expect(err.message).toContain('did you mean "output"');
  });

  it('rejects a value of the wrong type, naming the value', () => {
    const err = configError(VALID.replace('{min_chars: 200}', '{min_chars: "lots"}'));
    expect(err.message).toContain('stages[0].length.min_chars');
    expect(err.message).toContain('(got "lots")');
  });

  it('rejects a bad byte size', () => {
    const err = configError(VALID.replace('256MiB', '256 parsecs'));
    expect(err.message).toContain('output.shard_bytes');
    expect(err.message).toContain('not a byte size');
  });

  it('rejects an unknown reader and an unknown stage with suggestions', () => {
    const err = configError(VALID.replace('reader: jsonl', 'reader: jsnl').replace('- length:', '- lenght:'));
    expect(err.message).toContain('inputs[0].reader: unknown reader "jsnl"');
    expect(err.message).toContain('did you mean "jsonl"');
    expect(err.message).toContain('stages[0].lenght: unknown stage "lenght"');
    expect(err.message).toContain('2 problems');
  });

  it('rejects an unknown reader key', () => {
    const err = configError(VALID.replace('    paths:', '    text_feild: body\n    paths:'));
    expect(err.message).toContain('inputs[0].text_feild: unknown key "text_feild"');
    expect(err.message).toContain('did you mean "text_field"');
  });

  it('requires inputs and reports missing paths', () => {
    const err = configError('name: x\ninputs: []\noutput: {dir: out}\n');
    expect(err.message).toContain('inputs must be a non-empty list');
    const err2 = configError('name: x\ninputs: [{reader: jsonl}]\noutput: {dir: out}\n');
    expect(err2.message).toContain('inputs[0].paths');
  });

  it('reports YAML syntax errors with a line number', () => {
    const err = configError('name: x\ninputs: [\n');
    expect(err.code).toBe('SLUICE_CONFIG_PARSE');
    expect(err.message).toMatch(/p\.yaml:\d+:\d+: YAML syntax error/);
  });

  it('takes `sources:` on any stage and checks it', () => {
    const cfg = parsePipeline(VALID.replace('{min_chars: 200}', '{min_chars: 200, sources: [web, books]}'), 'p.yaml');
    expect(cfg.stages[0]).toEqual({ stage: 'length', id: 'length', params: { min_chars: 200 }, sources: ['web', 'books'] });
    const err = configError(VALID.replace('{min_chars: 200}', '{min_chars: 200, sources: web}'));
    expect(err.message).toContain('stages[0].length.sources: sources must be a non-empty list of source labels (got "web")');
  });
});

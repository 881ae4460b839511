import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_STATUSES, USAGE_ERRORS } from '../../src/cli/exit-codes.js';
import { ROOT, sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

function pipeline(dir: string, stages: string): string {
  return `name: errors-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
${stages}
output:
  dir: ${dir}/out
`;
}

/** Each line of stderr once: no `error: error[`, and no hint said twice. */
function expectSaidOnce(stderr: string): void {
  expect(stderr).not.toContain('error: error[');
  const hints = stderr.split('\n').filter((l) => l.trim().startsWith('hint:'));
  expect(new Set(hints.map((h) => h.trim())).size).toBe(hints.length);
}

describe('CLI errors: one format, one exit-code table', () => {
  it('a misspelt flag exits 2 with a did-you-mean', () => {
    const r = sluice(['run', 'pipelines/default.yaml', '--wokers', '2']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[SLUICE_USAGE\]: run: unknown option --wokers$/m);
    expect(r.stderr).toContain('hint: did you mean --workers?');
    expectSaidOnce(r.stderr);
  });

  it('a misspelt flag in --flag=value form, and one with nothing close, still get the usage', () => {
    expect(sluice(['inspect', 'x', '--limt=3']).stderr).toContain('did you mean --limit?');
    const far = sluice(['validate', 'x', '--zzzzzzzz']);
    expect(far.status).toBe(2);
    expect(far.stderr).toContain('hint: `sluice validate --help` lists its options; usage: sluice validate <pipeline.yaml>');
  });

  it('a misspelt command exits 2 with a did-you-mean', () => {
    const r = sluice(['inspct']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[SLUICE_USAGE\]: unknown command "inspct"$/m);
    expect(r.stderr).toContain('did you mean "inspect"?');
  });

  it('a missing argument is a usage error like any other', () => {
    const r = sluice(['stats']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('error[SLUICE_USAGE]: stats: missing or extra arguments\n  hint: usage: sluice stats <outdir> [--json]\n');
  });

  it('a config error shows each hint once and no `error: error[`', () => {
    const dir = tempDir();
    const r = sluice(['validate', writePipeline(dir, pipeline(dir, '  - length: {min_char: 5}'))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error\[SLUICE_CONFIG_INVALID\]: invalid pipeline/);
    expect(r.stderr.match(/did you mean "min_chars"\?/g)).toHaveLength(1);
    expectSaidOnce(r.stderr);
  });

  it('a misspelt tokenizer name is a config error: exit 2 with a did-you-mean', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 3 }]);
    const r = sluice(['validate', writePipeline(dir, pipeline(dir, '  - tokenize: {tokenizer: cl100k_bsae}'))]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error[SLUICE_CONFIG_INVALID]: tokenize.tokenizer: "cl100k_bsae" is neither a standard vocabulary nor an existing path');
    expect(r.stderr).toContain('hint: did you mean "cl100k_base"?');
    expectSaidOnce(r.stderr);
  });

  it('sluice tokenizer and sluice export take the same path: usage errors and a misspelt --tokenizer exit 2, once, with a hint', () => {
    const sub = sluice(['tokenizer', 'encdoe']);
    expect(sub.status).toBe(2);
    expect(sub.stderr).toMatch(/^error\[SLUICE_USAGE\]: tokenizer: no subcommand "encdoe"/m);
    expect(sub.stderr).toContain('usage: sluice tokenizer');
    const tok = sluice(['tokenizer', 'info', '--tokenizer', 'gtp2']);
    expect(tok.status).toBe(2);
    expect(tok.stderr).toContain('did you mean "gpt2"?');
    expect(tok.stderr.match(/did you mean/g)).toHaveLength(1);
    const exp = sluice(['export', 'megatron']);
    expect(exp.status).toBe(2);
    expect(exp.stderr).toMatch(/^error\[SLUICE_USAGE\]/m);
    expect(exp.stderr).not.toContain('error: error[');
  });

  it("README's exit-code table is the one exit-codes.ts implements", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const rows = readme
      .split('\n')
      .filter((l) => /^\| \d+ \|/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(rows.map((r) => Number(r[1]))).toEqual(EXIT_STATUSES.map((e) => e.status));
    const usageRow = rows.find((r) => r[1] === '2')!;
    expect([...usageRow[3]!.matchAll(/`(SLUICE_[A-Z_]+)`/g)].map((m) => m[1]).sort()).toEqual([...USAGE_ERRORS].sort());
    // and --help says the same statuses
    const help = sluice(['--help']).stdout;
    for (const e of EXIT_STATUSES) expect(help).toContain(`${e.status} ${e.meaning}`);
  });
});

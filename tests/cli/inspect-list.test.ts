import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

describe('sluice inspect and list say what is there', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 12, badLines: [4], chars: 150 },
      { name: 'b.jsonl.gz', docs: 12, chars: 400 },
    ]);
    const file = writePipeline(
      dir,
      `name: inspect-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 200}
  - tokenize: {tokenizer: gpt2}
output:
  dir: ${dir}/out
`,
    );
    const run = sluice(['run', file, '--workers', '1']);
    expect(run.status, run.stderr).toBe(0);
  }, 120_000);

  it("a token shard's columns are its top-level fields, not the list's inner `element`", () => {
    const shard = readdirSync(join(dir, 'out', 'shards')).find((n) => n.endsWith('.parquet'))!;
    const r = sluice(['inspect', join(dir, 'out', 'shards', shard), '-n', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('columns: id, source, text, meta, input_ids, num_tokens\n');
  });

  it('a reject without a record position prints its file alone, never `undefined`', () => {
    const rejects = join(tempDir(), 'rejects', 'code');
    mkdirSync(rejects, { recursive: true });
    const rec = { id: 'repo/big.bin', source: 'code', stage: 'code', reason: 'too_large', kind: 'rejected', file: '/src/repo', text: '', meta: {} };
    writeFileSync(join(rejects, 'docs-0-00000.jsonl'), JSON.stringify(rec) + '\n');
    const r = sluice(['inspect', rejects]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('- repo/big.bin [code: too_large] (/src/repo)');
    expect(r.stdout).not.toContain('undefined');
  });

  it('--reason with a reason no reject has exits 2 and names the reasons present', () => {
    const r = sluice(['inspect', join(dir, 'out', 'rejects'), '--reason', 'too_shrt']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('error[SLUICE_USAGE]: no rejected documents with reason "too_shrt"');
    expect(r.stderr).toContain('hint: did you mean "too_short"? reasons present: bad_record, too_short');
    const ok = sluice(['inspect', join(dir, 'out', 'rejects'), '--reason', 'bad_record']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`[jsonl: bad_record] (${dir}/a.jsonl.gz:4)`);
  });

  it('list shows byte sizes as sizes with their defaults', () => {
    const r = sluice(['list', 'readers']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('    max_line_bytes: size = 256MiB\n');
    expect(r.stdout).toContain('    max_file_bytes: size = 1MiB\n');
    expect(r.stdout).toContain('    max_record_bytes: size = 16MiB\n');
    expect(r.stdout).not.toMatch(/: any\b/);
    expect(r.stdout).not.toContain('number | string');
  });
});

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { run, TRACE } from '../../helpers/faults.js';

function setup(stages = ''): { dir: string; file: string; out: string } {
  const dir = tempDir();
  writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 30 }]);
  const out = join(dir, 'out');
  const file = writePipeline(dir, `name: edges\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/a.jsonl.gz"]\n${stages ? `stages:\n${stages}` : ''}output:\n  dir: ${out}\n`);
  return { dir, file, out };
}

describe('run options and outcomes users trip over', () => {
  it('resuming a different configuration is a configuration error: exit 2', async () => {
    const { dir, file, out } = setup();
    expect((await run(['run', file])).status).toBe(0);
    const other = writePipeline(dir, `name: edges\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/a.jsonl.gz"]\nstages:\n  - length: {min_chars: 5}\noutput:\n  dir: ${out}\n`, 'other.yaml');
    const r = await run(['run', other]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('SLUICE_RESUME_MISMATCH');
    expect(r.stderr).toContain('configuration changed');
  }, 60_000);

  it('refuses --workers 0 and --world 0', async () => {
    const { file } = setup();
    for (const flag of ['--workers', '--world']) {
      const r = await run(['run', file, flag, '0']);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${flag} must be at least 1`);
    }
  });

  it('refuses a URL as output instead of writing a local folder named after its scheme', async () => {
    const { dir, file } = setup();
    const r = await run(['run', file, '--out', 's3://bucket/x'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('is a URL');
    expect(r.stderr).not.toMatch(TRACE);
    expect(readdirSync(dir).filter((n) => n.startsWith('s3'))).toEqual([]);
  });

  it('warns when every document was rejected', async () => {
    const { file, out } = setup('  - length: {min_chars: 1000000}\n');
    const r = await run(['run', file]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('the dataset is empty');
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  }, 60_000);
});

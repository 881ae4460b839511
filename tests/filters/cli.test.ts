/**
 * The filters through the built CLI: data files (punctuation, stop words, word lists) must load
 * from dist/ (tsc does not copy them) and the stages must run inside the real runner.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'sluice-filters-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('filters from dist/', () => {
  it.skipIf(!existsSync(cli))('run in a pipeline with their data files and balance the ledger', async () => {
    const pipeline = join(dir, 'filters.yaml');
    writeFileSync(
      pipeline,
      [
        'name: filters-cli',
        'inputs:',
        '  - reader: jsonl',
        `    paths: [${join(root, 'tests/filters/fixtures/web.jsonl')}]`,
        '    source: web',
        'stages:',
        '  - language: {keep: [en, zh, ja, de, fr, es, ru, ar, pt, it, ko]}',
        '  - gopher_repetition:',
        '  - gopher_quality:',
        '  - c4: {filter_no_terminal_punct: false}',
        '  - fineweb:',
        '  - c4_badwords:',
        `  - url_blocklist: {domain_files: [${join(root, 'tests/filters/fixtures/lists/domains.txt')}]}`,
        'output:',
        `  dir: ${join(dir, 'out')}`,
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    await promisify(execFile)(process.execPath, [cli, 'run', pipeline, '--out', out, '--rank', '0', '--world', '1', '--phase', 'docs-0'], { cwd: dir, timeout: 60_000 });
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as {
      ledger: { docs_in: number; kept: number; rejected: number; balanced: boolean };
      stages: Record<string, { rejected: Record<string, number>; modified: number }>;
    };
    expect(stats.ledger).toMatchObject({ docs_in: 36, balanced: true });
    expect(stats.stages['gopher_quality']?.rejected).toEqual({ gopher_short_doc: 6, gopher_enough_stop_words: 1, gopher_too_many_end_ellipsis: 1 });
    expect(stats.stages['c4_badwords']?.rejected).toEqual({ document_removed_with_badwords: 1 });
    expect(stats.stages['c4']?.modified).toBeGreaterThan(0);
    expect(stats.ledger.kept).toBe(18);
  });
});

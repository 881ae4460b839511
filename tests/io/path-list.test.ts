import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
// parsePipeline loads nothing: every built-in is loaded first
import '../../src/registry-loaded.js';
import { parsePipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';
import { expandPath, isPathList, resolveAgainst } from '../../src/io/resolve.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-paths-'));
mkdirSync(join(dir, 'data', 'seg'), { recursive: true });
for (const n of ['a', 'b', 'c']) writeFileSync(join(dir, 'data', 'seg', `${n}.jsonl`), `{"text":"${n}"}\n`);
writeFileSync(join(dir, 'data', 'list.paths'), '# segment files\nseg/a.jsonl\n\nseg/b.jsonl\n');
writeFileSync(join(dir, 'crawl.paths.gz'), gzipSync('data/seg/c.jsonl\ndata/seg/a.jsonl\n'));
writeFileSync(join(dir, 'broken.paths'), 'seg/a.jsonl\nseg/missing.jsonl\n');
writeFileSync(join(dir, 'empty.paths'), '# nothing\n\n');
// saved by a Windows editor: a UTF-8 BOM before the first path
writeFileSync(join(dir, 'data', 'bom.paths'), '\uFEFFseg/b.jsonl\r\nseg/c.jsonl\r\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('path lists', () => {
  it('recognises .paths and compressed .paths.* names', () => {
    expect(['x.paths', 'warc.paths.gz', 'a.paths.zst', 'https://h/x/wet.paths.gz?sig=1'].map(isPathList)).toEqual([true, true, true, true]);
    expect(['x.path', 'paths.txt', 'x.paths.tar'].map(isPathList)).toEqual([false, false, false]);
  });

  it('resolves relative lines against the list directory by default', async () => {
    const files = await expandPath({ pattern: join(dir, 'data', 'list.paths'), yamlPath: 'inputs[0].paths[0]' }, false);
    expect(files.map((f) => f.uri)).toEqual([join(dir, 'data', 'seg', 'a.jsonl'), join(dir, 'data', 'seg', 'b.jsonl')]);
  });

  it('reads a list that starts with a UTF-8 BOM', async () => {
    const files = await expandPath({ pattern: join(dir, 'data', 'bom.paths'), yamlPath: 'inputs[0].paths[0]' }, false);
    expect(files.map((f) => f.uri)).toEqual([join(dir, 'data', 'seg', 'b.jsonl'), join(dir, 'data', 'seg', 'c.jsonl')]);
  });

  it('resolves the list and its lines against base_url when set', async () => {
    const files = await expandPath({ pattern: 'crawl.paths.gz', yamlPath: 'inputs[0].paths[0]', baseUrl: dir }, false);
    expect(files.map((f) => f.uri)).toEqual([join(dir, 'data', 'seg', 'c.jsonl'), join(dir, 'data', 'seg', 'a.jsonl')]);
  });

  it('names the list and line of a missing entry', async () => {
    const err = await expandPath({ pattern: join(dir, 'broken.paths'), yamlPath: 'inputs[1].paths[0]', baseUrl: join(dir, 'data') }, false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe('SLUICE_INPUT_MISSING');
    expect((err as SluiceError).message).toContain(`inputs[1].paths[0] (${join(dir, 'broken.paths')}:2)`);
  });

  it('rejects an empty list rather than running on nothing', async () => {
    await expect(expandPath({ pattern: join(dir, 'empty.paths'), yamlPath: 'inputs[0].paths[0]' }, false)).rejects.toThrow(/names no inputs/);
  });

  it('joins URL bases as directories', () => {
    expect(resolveAgainst('https://data.commoncrawl.org', 'crawl-data/CC-MAIN-2024-10/a.warc.gz')).toBe('https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-10/a.warc.gz');
    expect(resolveAgainst('https://h/x/y', 'z.gz')).toBe('https://h/x/y/z.gz');
    expect(resolveAgainst('https://h/x/', 'https://other/z.gz')).toBe('https://other/z.gz');
    expect(resolveAgainst('/data', 'seg/a')).toBe('/data/seg/a');
  });
});

describe('base_url in a pipeline', () => {
  const yaml = (extra: string): string => `name: t\ninputs:\n  - reader: jsonl\n    paths: [crawl.paths.gz]\n${extra}\nstages: []\noutput: {dir: out/t}\n`;

  it('is an input key beside reader, paths and source', () => {
    const config = parsePipeline(yaml('    base_url: https://data.commoncrawl.org/'), 'p.yaml');
    expect(config.inputs[0]!.base_url).toBe('https://data.commoncrawl.org/');
    expect(config.inputs[0]!.params).not.toHaveProperty('base_url');
  });

  it('must be a non-empty string', () => {
    expect(() => parsePipeline(yaml('    base_url: ""'), 'p.yaml')).toThrow(/base_url/);
  });
});

/**
 * Plugins end to end: pipelines/plugin-example.yaml (a TypeScript reader and filter under
 * pipelines/plugins/) run in-process and through the CLI with two worker processes, `sluice list`
 * with a pipeline, and the ways a plugin can be wrong (fixtures under tests/plugins/fixtures/).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';
import { silentLogger } from '../../src/core/log.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { RejectRecord } from '../../src/runner/rejects.js';
import { runPipeline } from '../../src/runner/run.js';
import type { TaskMarker } from '../../src/runner/marker.js';
import { CLI, ROOT, sluice } from '../helpers/cli.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

const EXAMPLE = join(ROOT, 'pipelines', 'plugin-example.yaml');
const FIXTURES = join(ROOT, 'tests', 'plugins', 'fixtures');

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

async function rejectsOf(out: string, stage: string): Promise<RejectRecord[]> {
  const dir = join(out, 'rejects', stage);
  const records: RejectRecord[] = [];
  for (const f of readdirSync(dir)) for await (const r of readJsonl<RejectRecord>(join(dir, f))) records.push(r);
  return records;
}

/** What the example's sample input must give (sample-corpora/tsv/, README there). */
async function expectExampleOutput(out: string): Promise<void> {
  const stats = readJson<StatsFile>(join(out, 'stats.json'));
  const { ledger } = stats;
  expect(ledger.docs_in).toBe(ledger.kept + ledger.rejected + ledger.duplicates);
  expect(ledger).toEqual({ docs_in: 13, kept: 8, rejected: 5, duplicates: 0, balanced: true });
  expect(stats.stages['tsv']!.rejected).toEqual({ bad_record: 1 });
  expect(stats.stages['max_line_length']).toMatchObject({ in: 12, out: 9, rejected: { line_too_long: 3 } });
  expect(stats.stages['length']!.rejected).toEqual({ too_short: 1 });
  const rejects = await rejectsOf(out, 'max_line_length');
  expect(rejects.map((r) => r.id).sort()).toEqual(['n04', 'n07', 'n10']);
  for (const r of rejects) {
    expect(r.reason).toBe('line_too_long');
    expect(r.stage).toBe('max_line_length');
  }
  const rows = await readDataset(out);
  expect(rows.map((r) => r['id']).sort()).toEqual(['n01', 'n02', 'n03', 'n06', 'n08', 'n09', 'n11', 'n12']);
  const n02 = rows.find((r) => r['id'] === 'n02')!;
  expect(n02['source']).toBe('notes');
  expect(n02['text']).toContain('by the shed.\nThey sulked'); // the reader unescapes \n
  expect(JSON.parse(n02['meta'] as string)).toEqual({ topic: 'garden' });
}

/** A pipeline in its own temp folder over a small JSONL, with `plugins` and `stages` as given. */
function fixturePipeline(plugins: string[], stages: string, reader = 'jsonl'): { dir: string; file: string } {
  const dir = tempDir('sluice-plugin-');
  const lines = Array.from({ length: 6 }, (_, i) => JSON.stringify({ id: `d${i}`, text: `document number ${i} with a few words of text` }));
  writePipeline(dir, lines.join('\n') + '\n', 'a.jsonl');
  const file = writePipeline(
    dir,
    `name: fixture
plugins: [${plugins.map((p) => JSON.stringify(p)).join(', ')}]
inputs:
  - reader: ${reader}
    paths: ["${dir}/*.jsonl"]
stages:
${stages}
output:
  dir: ${dir}/out
`,
  );
  return { dir, file };
}

async function loadError(file: string): Promise<SluiceError> {
  const err = await loadPipeline(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof SluiceError)) throw new Error(`expected a SluiceError, got ${String(err)}`);
  return err;
}

describe('plugins: the example pipeline', () => {
  it('runs in-process: the TypeScript reader and filter load from plugins:, the ledger balances, rejects carry the filter reason', async () => {
    const out = join(tempDir('sluice-plugin-example-'), 'out');
    const result = await runPipeline({ pipelineFile: EXAMPLE, out, workers: 1, fresh: true, log: silentLogger });
    expect(result.report?.manifest.rows).toBe(8);
    expect(result.prepared.loaded.plugins?.map((p) => p.label)).toEqual(['./plugins/tsv-reader.ts', './plugins/max-line-length.ts']);
    await expectExampleOutput(out);
  });

  it('runs through the CLI with --workers 2: each worker process loads the plugins itself', async () => {
    const out = join(tempDir('sluice-plugin-example-'), 'out');
    const r = spawnSync(process.execPath, [CLI, 'run', EXAMPLE, '--out', out, '--workers', '2', '--fresh'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    await expectExampleOutput(out);
    // two input files, two tasks: one in the leader (the first lane), one in a forked worker, which loaded the plugins itself
    const markers = readdirSync(join(out, '.sluice', 'tasks', 'docs-0')).map((f) => readJson<TaskMarker>(join(out, '.sluice', 'tasks', 'docs-0', f)));
    expect(markers).toHaveLength(2);
    expect(markers.filter((m) => m.pid === r.pid)).toHaveLength(1);
    expect(markers.filter((m) => m.pid !== r.pid)).toHaveLength(1);
  });

  it('sluice list with a pipeline shows its plugins, marked with the plugin they come from', () => {
    const flag = sluice(['list', '--pipeline', EXAMPLE]);
    expect(flag.status, flag.stderr).toBe(0);
    expect(flag.stdout).toContain('reader tsv: tab-separated values with a header row');
    expect(flag.stdout).toMatch(/reader tsv: .*\[plugin \.\/plugins\/tsv-reader\.ts\]/);
    expect(flag.stdout).toMatch(/stage max_line_length: .*\[plugin \.\/plugins\/max-line-length\.ts\]\n {4}max_chars: integer = 1000/);
    expect(flag.stdout).toContain('stage length: '); // built-ins stay listed, unmarked
    const positional = sluice(['list', 'stages', EXAMPLE]);
    expect(positional.status, positional.stderr).toBe(0);
    expect(positional.stdout).toContain('stage max_line_length:');
    expect(positional.stdout).not.toContain('reader tsv');
    expect(sluice(['list']).stdout).not.toContain('stage max_line_length');
  });
});

describe('plugins: failures', () => {
  it('a missing module is an error naming the entry, its resolved path and where the pipeline lists it', async () => {
    const { file } = fixturePipeline(['./no-such-plugin.js'], '  - length: {min_chars: 1}');
    const err = await loadError(file);
    expect(err.code).toBe('SLUICE_PLUGIN');
    expect(err.message).toMatch(/pipeline\.yaml:2:\d+: plugins\[0\]: plugin \.\/no-such-plugin\.js: module not found: .*no-such-plugin\.js does not exist/);
    const missingPackage = await loadError(fixturePipeline(['sluice-no-such-package'], '  - length: {min_chars: 1}').file);
    expect(missingPackage.message).toContain('cannot find package "sluice-no-such-package"');
    // through the CLI: a usage-class error, exit 2
    const r = sluice(['validate', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('error[SLUICE_PLUGIN]');
  });

  it('a module that fails to import, or exports nothing usable, is an error naming the plugin path', async () => {
    const threw = await loadError(fixturePipeline([join(FIXTURES, 'throws-on-import.mjs')], '  - length: {min_chars: 1}').file);
    expect(threw.code).toBe('SLUICE_PLUGIN');
    expect(threw.message).toContain(`${join(FIXTURES, 'throws-on-import.mjs')}) failed to import: this module refuses to load`);
    const nothing = await loadError(fixturePipeline([join(FIXTURES, 'nothing.mjs')], '  - length: {min_chars: 1}').file);
    expect(nothing.message).toContain(`(${join(FIXTURES, 'nothing.mjs')}): the default export is neither a definition`);
  });

  it('a name clashing with a built-in or with another plugin is an error naming both', async () => {
    const builtin = await loadError(fixturePipeline([join(FIXTURES, 'clash-builtin.mjs')], '  - length: {min_chars: 1}').file);
    expect(builtin.code).toBe('SLUICE_PLUGIN');
    expect(builtin.message).toContain(`clash-builtin.mjs) defines stage "length", which clashes with the built-in stage "length"`);
    const two = await loadError(fixturePipeline([join(FIXTURES, 'dup-a.mjs'), join(FIXTURES, 'dup-b.mjs')], '  - dup_stage').file);
    expect(two.message).toContain('plugins[1]');
    expect(two.message).toMatch(/dup-b\.mjs \(.*dup-b\.mjs\) defines stage "dup_stage", which clashes with stage "dup_stage" of plugin .*dup-a\.mjs/);
  });

  it("params are validated by the plugin's schema like a built-in's: unknown keys rejected with a hint, even without .strict()", async () => {
    const example = readFileSync(EXAMPLE, 'utf8').replace('{max_chars: 300, max_long_fraction: 0.2}', '{max_char: 300, max_long_fraction: 2}');
    const dir = tempDir('sluice-plugin-');
    const file = writePipeline(dir, example.replace(/\.\/plugins\//g, `${join(ROOT, 'pipelines', 'plugins')}/`));
    const err = await loadError(file);
    expect(err.code).toBe('SLUICE_CONFIG_INVALID');
    expect(err.message).toContain('stages[0].max_line_length.max_char: unknown key "max_char"');
    expect(err.message).toContain('hint: did you mean "max_chars"?');
    expect(err.message).toMatch(/stages\[0\]\.max_line_length\.max_long_fraction: .*\(got 2\)/);
    const loose = await loadError(fixturePipeline([join(FIXTURES, 'boom.mjs')], '  - boom: {after: 1, aftr: 2}').file);
    expect(loose.message).toContain('stages[0].boom.aftr: unknown key "aftr"');
  });

  it('a plugin stage is unknown to a pipeline that does not list its plugin', async () => {
    await loadPipeline(fixturePipeline([join(FIXTURES, 'boom.mjs')], '  - boom').file);
    const err = await loadError(fixturePipeline([], '  - boom').file);
    expect(err.message).toContain('unknown stage "boom"');
    expect(err.message).toContain(`comes from plugin ${join(FIXTURES, 'boom.mjs')}`);
  });

  it('an error thrown inside a plugin stage names the plugin and the stage instance, in-process and from a worker', async () => {
    const { dir, file } = fixturePipeline([join(FIXTURES, 'boom.mjs')], '  - boom: {after: 100}\n  - boom: {after: 2}');
    const err = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SluiceError);
    const message = (err as SluiceError).describe();
    expect(message).toContain(`plugin ${join(FIXTURES, 'boom.mjs')}, stage "boom#2" failed: TypeError: kaboom at document 3`);
    expect(message).toMatch(/--> .*boom\.mjs:\d+:\d+/);

    const r = sluice(['run', file, '--workers', '2', '--out', join(dir, 'out-cli'), '--fresh']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('error[SLUICE_PLUGIN_FAILED]');
    expect(r.stderr).toContain(`stage "boom#2" failed: TypeError: kaboom at document 3`);
  });

  it('an error thrown by a plugin stage while building names the plugin and the instance', async () => {
    const { file } = fixturePipeline([join(FIXTURES, 'bad-build.mjs')], '  - bad_build');
    const err = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).toContain(`plugin ${join(FIXTURES, 'bad-build.mjs')}, stage "bad_build" (build) failed: cannot open the model file`);
  });
});

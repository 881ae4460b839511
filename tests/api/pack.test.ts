/**
 * sluice as an installed package: `npm pack`, install the tarball into a fresh package, then a
 * TypeScript program that imports only `sluice` and `sluice/loader` (a filter plugin made with
 * defineFilter, a pipeline built as an object, runPipeline over a tiny JSONL, the dataloader over
 * the output) is type-checked against the installed .d.ts files and run with plain node.
 *
 * Install: `npm install --offline` from npm's cache, which the project's own `npm ci` filled; if
 * something is not cached it retries with `--prefer-offline` (the registry for what is missing).
 * Install scripts are skipped (--ignore-scripts): the one native dependency, zstd-napi, would need
 * node-gyp and Node's headers from nodejs.org, so it is linked from the project's node_modules,
 * where `npm ci` built it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { tempDir } from '../helpers/corpus.js';

const dir = tempDir('sluice-pack-');
const app = join(dir, 'app');
const NATIVE = ['zstd-napi'];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function npm(args: string[], cwd: string): { status: number | null; out: string } {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', timeout: 150_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const PLUGIN = `import { defineFilter, drop, z } from 'sluice';

/** Drops documents that are mostly capital letters. */
export default defineFilter({
  name: 'no_shouting',
  summary: 'drop documents whose letters are mostly upper case',
  params: z.object({ max_upper_fraction: z.number().min(0).max(1).default(0.5) }).strict(),
  create(params) {
    return (doc) => {
      const letters = doc.text.replace(/[^A-Za-z]/g, '');
      const upper = letters.replace(/[^A-Z]/g, '').length;
      return letters.length > 0 && upper / letters.length > params.max_upper_fraction ? drop('shouting', { upper }) : undefined;
    };
  },
});
`;

const MAIN = `import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPipelineObject, loadTokenizer, runPipeline, silentLogger, SluiceError, writePipelineFile, type Doc, type RunResult } from 'sluice';
import { TokenLoader, type Batch } from 'sluice/loader';

const dir = process.argv[2]!;
const docs: Pick<Doc, 'id' | 'text'>[] = [
  { id: 'a', text: 'The river rose overnight and covered the lower meadow with a thin sheet of water.' },
  { id: 'b', text: 'THIS IS ALL SHOUTING AND SHOULD NOT SURVIVE THE FILTER AT ALL.' },
  { id: 'c', text: 'By noon the water had drained back, leaving a line of reeds along the fence.' },
];
writeFileSync(join(dir, 'docs.jsonl'), docs.map((d) => JSON.stringify(d)).join('\\n') + '\\n');

const pipeline = {
  name: 'consumer',
  plugins: ['./no-shouting.js'],
  inputs: [{ reader: 'jsonl', paths: [join(dir, 'docs.jsonl')] }],
  stages: [{ no_shouting: { max_upper_fraction: 0.5 } }, { tokenize: { tokenizer: 'cl100k_base', eos: true } }],
  output: { dir: join(dir, 'out') },
};
const loaded = await loadPipelineObject(pipeline, { baseDir: dir });
let badKey = '';
try {
  await loadPipelineObject({ ...pipeline, stages: [{ no_shouting: { max_upper: 1 } }] }, { baseDir: dir });
} catch (err) {
  if (err instanceof SluiceError) badKey = err.code;
}
// the object itself, run with two worker processes that receive it (and load its plugin) themselves
const result: RunResult = await runPipeline({ pipeline, baseDir: dir, workers: 2, log: silentLogger });
// and the same object written as a file, as a Slurm run would need it
const file = join(dir, 'pipeline.yaml');
await writePipelineFile({ ...pipeline, output: { dir: join(dir, 'out-file') } }, file);
const fromFile: RunResult = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
const stats = JSON.parse(readFileSync(join(dir, 'out', 'stats.json'), 'utf8')) as { ledger: Record<string, unknown> };
const loader = await TokenLoader.open(join(dir, 'out'), { seqLen: 8, batch: 2, shuffleBuffer: 1 });
const batch: Batch = loader.next();
const tokenizer = loadTokenizer({ tokenizer: 'cl100k_base' });
console.log(JSON.stringify({
  plugins: loaded.plugins?.map((p) => p.label),
  badKey,
  rows: result.report?.manifest.rows,
  rowsFromFile: fromFile.report?.manifest.rows,
  ledger: stats.ledger,
  batch: [batch.rows, batch.cols],
  text: tokenizer.decode(batch.tokens.subarray(0, 4)),
}));
loader.close();
`;

describe('the npm package', () => {
  it('packs only dist (with the filter data), the schema, README and package.json; installs; a TypeScript consumer type-checks and runs', () => {
    expect(existsSync(join(ROOT, 'dist', 'index.js')) && existsSync(join(ROOT, 'dist', 'index.d.ts')), 'dist/ must be built (the test setup builds it unless SLUICE_SKIP_BUILD=1)').toBe(true);
    const packed = npm(['pack', '--pack-destination', dir, '--json', '--ignore-scripts'], ROOT);
    expect(packed.status, packed.out).toBe(0);
    const info = JSON.parse(packed.out.slice(packed.out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    const files = info[0]!.files.map((f) => f.path);
    const outside = files.filter((f) => !(f.startsWith('dist/') || ['README.md', 'package.json', 'pipelines/sluice.schema.json'].includes(f)));
    expect(outside).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    for (const f of [
      'dist/filters/data/stop-words.json',
      'dist/filters/data/url/banned_words.txt',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/loader/index.js',
      'dist/loader/index.d.ts',
      'dist/cli/main.js',
      'pipelines/sluice.schema.json',
    ])
      expect(files).toContain(f);
    expect(files.some((f) => f.startsWith('dist/') && /\.test\.|\/tests?\//.test(f))).toBe(false);

    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'sluice-consumer', private: true, type: 'module' }));
    const tarball = join(dir, info[0]!.filename);
    const base = ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', '--omit=dev', tarball];
    let installed = npm([...base, '--offline'], app);
    if (installed.status !== 0) installed = npm([...base, '--prefer-offline'], app);
    expect(installed.status, installed.out).toBe(0);
    for (const name of NATIVE) {
      rmSync(join(app, 'node_modules', name), { recursive: true, force: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name), 'dir');
    }

    writeFileSync(join(app, 'no-shouting.ts'), PLUGIN);
    writeFileSync(join(app, 'main.ts'), MAIN);
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: '.',
          rootDir: '.',
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
          skipLibCheck: true,
        },
        files: ['main.ts', 'no-shouting.ts'],
      }),
    );
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: app, encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    // the installed sluice is the one used, not this checkout
    expect(readFileSync(join(app, 'node_modules', 'sluice', 'package.json'), 'utf8')).toContain('"name": "sluice"');

    const run = execFileSync(process.execPath, [join(app, 'main.js'), app], { cwd: app, encoding: 'utf8' });
    const got = JSON.parse(run.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(got).toMatchObject({
      plugins: ['./no-shouting.js'],
      badKey: 'SLUICE_CONFIG_INVALID',
      rows: 2,
      rowsFromFile: 2,
      ledger: { docs_in: 3, kept: 2, rejected: 1, duplicates: 0, balanced: true },
      batch: [2, 9],
    });
    expect(typeof got['text']).toBe('string');
  }, 180_000);
});

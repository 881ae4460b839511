import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/corpus.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DEPCRUISE = join(ROOT, 'node_modules/.bin/depcruise');
const CONFIG = join(ROOT, '.config/dependency-cruiser.cjs');

const TSCONFIG = JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src/**/*.ts'] });

/** A tree that respects every layer: cli → runner → config → readers → extract (a listed sibling edge) → io → core. */
const CLEAN: Record<string, string> = {
  'src/core/errors.ts': 'export class SluiceError extends Error {}\n',
  'src/core/size.ts': "import { SluiceError } from './errors.js';\nexport const size = (n: number): number => { if (n < 0) throw new SluiceError(); return n; };\n",
  'src/io/input.ts': "import { size } from '../core/size.js';\nexport const open = (n: number): number => size(n);\n",
  'src/extract/html.ts': 'export const strip = (s: string): string => s;\n',
  'src/readers/warc.ts': "import { open } from '../io/input.js';\nimport { strip } from '../extract/html.js';\nexport const read = (s: string): string => strip(s) + open(1);\n",
  'src/registry.ts': "import { read } from './readers/warc.js';\nexport const readers = { warc: read };\n",
  'src/config/load.ts': "import { readers } from '../registry.js';\nexport const load = (): string[] => Object.keys(readers);\n",
  'src/runner/layout.ts': "import type { SluiceError } from '../core/errors.js';\nexport const pad = (n: number): string => String(n);\nexport type Failure = SluiceError;\n",
  'src/runner/run.ts': "import { load } from '../config/load.js';\nimport { pad } from './layout.js';\nexport const run = (): string => pad(load().length);\n",
  'src/cli/main.ts': "import { run } from '../runner/run.js';\nconsole.log(run());\n",
  'src/index.ts': "export { run } from './runner/run.js';\nexport { SluiceError } from './core/errors.js';\n",
};

function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const dir = tempDir('sluice-layers-');
  for (const [path, text] of Object.entries({ ...files, 'tsconfig.json': TSCONFIG })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const r = spawnSync(DEPCRUISE, ['src', '--config', CONFIG, '--output-type', 'err'], { cwd: dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

// each case starts depcruise (about 1-2 s on an idle machine, more on a busy CI runner)
describe('import layers (make lint: .config/dependency-cruiser.cjs)', { timeout: 120_000 }, () => {
  it('passes a tree that respects the layers', () => {
    const r = cruise(CLEAN);
    expect(r.output).toContain('no dependency violations found');
    expect(r.status).toBe(0);
  });

  it('fails on an import cycle, naming no-circular', () => {
    const r = cruise({
      ...CLEAN,
      'src/runner/run.ts': "import { work } from './worker.js';\nexport const run = (): number => work();\nexport const jobs = 2;\n",
      'src/runner/worker.ts': "import { jobs } from './run.js';\nexport const work = (): number => jobs;\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/error no-circular: src\/runner\/(run|worker)\.ts/);
  });

  it('fails on core importing runner, naming core-layer', () => {
    const r = cruise({ ...CLEAN, 'src/core/errors.ts': "import { pad } from '../runner/layout.js';\nexport class SluiceError extends Error {}\nexport const id = pad(1);\n" });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('error core-layer: src/core/errors.ts → src/runner/layout.ts');
  });

  it('counts type-only imports, unlisted sibling edges and imports of an entry point', () => {
    const r = cruise({
      ...CLEAN,
      'src/io/input.ts': "import type { Failure } from '../runner/layout.js';\nexport const open = (n: number): number => n;\nexport type F = Failure;\n",
      'src/extract/html.ts': "import { read } from '../readers/warc.js';\nexport const strip = (s: string): string => s;\nexport const again = read;\n",
      'src/cli/main.ts': "import { run } from '../index.js';\nconsole.log(run());\n",
    });
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('error io-layer: src/io/input.ts → src/runner/layout.ts');
    expect(r.output).toContain('error domain-sibling: src/extract/html.ts → src/readers/warc.ts');
    expect(r.output).toContain('error not-to-entry-point: src/cli/main.ts → src/index.ts');
  });
});

/**
 * The bundled copies of zod and yaml the build writes to dist/vendor/ (.config/bundle-vendor.mjs):
 * one file each, the package's own named exports, and a zod that works with schemas of the
 * installed copy (a plugin that imports `zod` itself, see src/plugins/README.md).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z as installed } from 'zod';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** Every package src/vendor/ re-exports, which the build bundles. */
const PACKAGES = readdirSync(join(ROOT, 'src', 'vendor'))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.slice(0, -'.ts'.length));

const vendored = (name: string): Promise<Record<string, unknown>> => import(pathToFileURL(join(ROOT, 'dist', 'vendor', `${name}.js`)).href) as Promise<Record<string, unknown>>;

describe('dist/vendor', () => {
  it('bundles zod and yaml', () => expect(PACKAGES.sort()).toEqual(['yaml', 'zod']));

  it.each(PACKAGES)('%s is one self-contained file with the named exports of the package', async (name) => {
    const source = readFileSync(join(ROOT, 'dist', 'vendor', `${name}.js`), 'utf8');
    // bundled: no import of the package's own files or of the package itself
    expect(source).not.toMatch(new RegExp(`from ['"](${name}|\\.\\.?/)`));
    const bundle = await vendored(name);
    const original = (await import(name)) as Record<string, unknown>;
    const names = (m: Record<string, unknown>): string[] =>
      Object.keys(m)
        .filter((k) => k !== 'default')
        .sort();
    expect(names(bundle)).toEqual(names(original));
  });

  it('parses YAML as the installed package does, positions included', async () => {
    const yaml = (await vendored('yaml')) as unknown as typeof import('yaml');
    const installedYaml = await import('yaml');
    const text = 'name: t\nstages:\n  - length: {min_chars: 50}\n  - c4: {}\n';
    const counter = new yaml.LineCounter();
    const doc = yaml.parseDocument(text, { lineCounter: counter });
    expect(doc.toJS()).toEqual(installedYaml.parse(text));
    const stages = doc.get('stages') as { items: { range: [number, number, number] }[] };
    expect(counter.linePos(stages.items[1]!.range[0])).toEqual({ line: 4, col: 5 });
  });

  it('the bundled zod validates, nests and describes schemas of the installed copy, and shares its registry', async () => {
    const { z } = (await vendored('zod')) as unknown as { z: typeof installed };
    const params = installed.object({ max_chars: installed.number().int().min(1).default(100).describe('longest line kept') }).strict();
    expect(z.object({ inner: params }).parse({ inner: {} })).toEqual({ inner: { max_chars: 100 } });
    expect(() => z.object({ inner: params }).parse({ inner: { max_char: 5 } })).toThrow();
    const json = z.toJSONSchema(params, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, { description?: string; default?: unknown }> };
    expect(json.properties['max_chars']).toMatchObject({ description: 'longest line kept', default: 100 });
    expect(z.globalRegistry).toBe(installed.globalRegistry);
  });
});

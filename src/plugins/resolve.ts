/**
 * Where a `plugins:` entry points. Paths (`./x.js`, `../x.ts`, `/abs/x.mjs`) resolve against the
 * pipeline file's folder; anything else is a package name (optionally with a subpath, `pkg/stages`)
 * looked up the way Node's ESM resolver does from that folder: the package's own name (self
 * reference) or `node_modules/<name>` in the folder and each one above, then its `exports` with
 * the conditions `node`, `import`, `default`, else `main`, else `index.js`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SluiceError } from '../core/errors.js';
import type { PluginRef } from '../registry.js';

const CONDITIONS = new Set(['node', 'import', 'default']);

/** A plugin entry is a path when it starts with `./`, `../` or `/` (or is absolute on this platform). */
export function isPathSpecifier(spec: string): boolean {
  return spec.startsWith('./') || spec.startsWith('../') || spec === '.' || spec === '..' || isAbsolute(spec);
}

function fail(spec: string, message: string, hint: string): never {
  throw new SluiceError('SLUICE_PLUGIN', `plugin ${spec}: ${message}`, { hint });
}

interface PackageJson {
  name?: unknown;
  main?: unknown;
  exports?: unknown;
}

function readPackageJson(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

/** Resolves one `exports` target (string, condition object or array) under the ESM conditions. */
function target(value: unknown, star: string | undefined): string | undefined {
  if (typeof value === 'string') return star === undefined ? value : value.replaceAll('*', star);
  if (Array.isArray(value)) {
    for (const v of value) {
      const t = target(v, star);
      if (t !== undefined) return t;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [cond, v] of Object.entries(value)) if (CONDITIONS.has(cond)) return target(v, star);
  }
  return undefined;
}

function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  const isSubpathMap = typeof exportsField === 'object' && exportsField !== null && !Array.isArray(exportsField) && Object.keys(exportsField).some((k) => k.startsWith('.'));
  if (!isSubpathMap) return subpath === '.' ? target(exportsField, undefined) : undefined;
  const map = exportsField as Record<string, unknown>;
  if (Object.hasOwn(map, subpath)) return target(map[subpath], undefined);
  for (const [key, value] of Object.entries(map)) {
    const star = key.indexOf('*');
    if (star < 0) continue;
    const before = key.slice(0, star);
    const after = key.slice(star + 1);
    if (subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= key.length - 1) {
      return target(value, subpath.slice(before.length, subpath.length - after.length));
    }
  }
  return undefined;
}

/** The entry file of `subpath` ('.' or './x') in the package at `dir`. */
function packageEntry(spec: string, dir: string, pkg: PackageJson, subpath: string): string {
  if (pkg.exports !== undefined) {
    const t = exportTarget(pkg.exports, subpath);
    if (t === undefined)
      fail(
        spec,
        `${join(dir, 'package.json')} does not export "${subpath}" for import`,
        'plugins are imported as ES modules: the package needs an `exports` entry with an `import` or `default` condition',
      );
    return resolve(dir, t);
  }
  if (subpath !== '.') return resolve(dir, subpath);
  if (typeof pkg.main === 'string') {
    const main = resolve(dir, pkg.main);
    if (existsSync(main) && statSync(main).isFile()) return main;
    for (const ext of ['.js', '/index.js']) if (existsSync(main + ext)) return main + ext;
    return main;
  }
  return join(dir, 'index.js');
}

function splitPackage(spec: string): { name: string; subpath: string } | undefined {
  const parts = spec.split('/');
  const scoped = spec.startsWith('@');
  if (scoped && parts.length < 2) return undefined;
  const name = scoped ? `${parts[0]}/${parts[1]}` : parts[0]!;
  const rest = parts.slice(scoped ? 2 : 1).join('/');
  if (name === '' || name.includes('\\')) return undefined;
  return { name, subpath: rest === '' ? '.' : `./${rest}` };
}

function resolvePackage(spec: string, baseDir: string): string {
  const parsed = splitPackage(spec);
  if (!parsed) fail(spec, 'is neither a path (start it with ./ or /) nor a package name', 'write a path relative to the pipeline file, e.g. ./plugins/my-stages.js, or an installed package name');
  for (let dir = resolve(baseDir); ; dir = dirname(dir)) {
    // the package the pipeline file lives in may import itself by name, as Node allows when it has exports
    const own = readPackageJson(join(dir, 'package.json'));
    if (own && own.name === parsed.name && own.exports !== undefined) return packageEntry(spec, dir, own, parsed.subpath);
    const pkgDir = join(dir, 'node_modules', parsed.name);
    const pkg = readPackageJson(join(pkgDir, 'package.json'));
    if (pkg) return packageEntry(spec, pkgDir, pkg, parsed.subpath);
    if (dirname(dir) === dir) break;
  }
  fail(
    spec,
    `cannot find package "${parsed.name}" from ${baseDir} (searched node_modules in that folder and every folder above)`,
    `install it beside the pipeline (npm install ${parsed.name}), or name the module by path: ./path/to/plugin.js`,
  );
}

/** The module a `plugins:` entry names, resolved from the pipeline's folder; checks that the file exists. */
export function resolvePlugin(spec: string, baseDir: string): PluginRef {
  const path = isPathSpecifier(spec) ? resolve(baseDir, spec) : resolvePackage(spec, baseDir);
  if (!existsSync(path) || !statSync(path).isFile()) {
    fail(
      spec,
      `module not found: ${path} does not exist`,
      isPathSpecifier(spec) ? `plugin paths are relative to the pipeline file's folder (${baseDir})` : 'the package is installed but its entry file is missing: is it built?',
    );
  }
  return { id: pathToFileURL(path).href, label: spec, path };
}

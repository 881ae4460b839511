/**
 * Word lists, punctuation sets and blocklists live as files under src/filters/data/, never as
 * tables in code. The build (`npm run build`) copies them to dist/filters/data/, so they are found
 * beside this module in both layouts, src/filters/ (vitest, tsx) and dist/filters/ (the package).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SluiceError } from '../core/errors.js';

let dataDir: string | undefined;

/** Absolute path of the data directory; throws with a hint if the build left it out. */
function filterDataDir(): string {
  if (dataDir !== undefined) return dataDir;
  const dir = fileURLToPath(new URL('./data/', import.meta.url));
  if (existsSync(dir)) return (dataDir = dir);
  throw new SluiceError('SLUICE_INTERNAL', `filter data directory not found: ${dir}`, {
    hint: 'the build copies src/filters/data/ to dist/filters/data/: rebuild with `npm run build` (or reinstall sluice)',
  });
}

function filterDataPath(name: string): string {
  return filterDataDir() + name;
}

const jsonCache = new Map<string, unknown>();

/** Parsed JSON data file, read once per process. */
export function readFilterJson<T>(name: string): T {
  let value = jsonCache.get(name);
  if (value === undefined) {
    value = JSON.parse(readFileSync(filterDataPath(name), 'utf8')) as unknown;
    jsonCache.set(name, value);
  }
  return value as T;
}

/** One entry per line; blank lines and lines starting with `#` (comments) are skipped. */
function parseListFile(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    out.push(line);
  }
  return out;
}

export function readFilterList(name: string): string[] {
  return parseListFile(readFileSync(filterDataPath(name), 'utf8'));
}

/**
 * A list file a pipeline names in a stage's `key` param (relative to the pipeline file),
 * parsed like `parseListFile`; a missing or unreadable file is a config error.
 */
export function readPipelineList(file: string, configDir: string, stage: string, key: string): string[] {
  const path = isAbsolute(file) ? file : join(configDir, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${stage}: cannot read ${key} (${path})`, { file: path, cause: err, hint: 'paths are relative to the pipeline file' });
  }
  return parseListFile(text);
}

const require = createRequire(import.meta.url);

/** A file shipped inside an npm dependency (e.g. `naughty-words/en.json`), or undefined if absent. */
export function packageDataPath(specifier: string): string | undefined {
  try {
    return require.resolve(specifier);
  } catch {
    return undefined;
  }
}

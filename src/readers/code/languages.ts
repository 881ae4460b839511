import { extname, posix } from 'node:path';
import table from './languages.json' with { type: 'json' };

/** The data tables of languages.json, typed. */
interface LanguageTable {
  extensions: Record<string, string>;
  filenames: Record<string, string>;
  filename_prefixes: Record<string, string>;
  shebangs: Record<string, string>;
  binary_extensions: string[];
  lock_files: string[];
  minified_suffixes: string[];
  skip_dirs: Record<string, string[]>;
}

const t: LanguageTable = table;
const extensions = new Map(Object.entries(t.extensions));
const filenames = new Map(Object.entries(t.filenames));
const prefixes = Object.entries(t.filename_prefixes);
const shebangs = new Map(Object.entries(t.shebangs));
const binaryExtensions = new Set(t.binary_extensions);
const lockFiles = new Set(t.lock_files);
const minifiedSuffixes = t.minified_suffixes;

/** Folder name -> skip reason (`vcs_dir`, `vendored_dir`, `build_dir`). */
export const DEFAULT_SKIP_DIRS: ReadonlyMap<string, string> = new Map(Object.entries(t.skip_dirs).flatMap(([reason, names]) => names.map((n): [string, string] => [n, reason])));

/**
 * Language of a file: well-known file name, then name prefix (Dockerfile.dev), then extension,
 * then the interpreter named by a `#!` line. `undefined` when none applies.
 */
export function languageOf(path: string, firstLine?: string): string | undefined {
  const name = posix.basename(path);
  const byName = filenames.get(name);
  if (byName !== undefined) return byName;
  for (const [prefix, language] of prefixes) if (name.startsWith(prefix)) return language;
  const ext = extname(name).toLowerCase();
  if (ext !== '') {
    const byExt = extensions.get(ext);
    if (byExt !== undefined) return byExt;
  }
  if (firstLine?.startsWith('#!')) {
    // "#!/usr/bin/env python3 -u" or "#!/bin/bash"
    const words = firstLine.slice(2).trim().split(/\s+/);
    const program = words[0]?.endsWith('/env') ? words.find((w, i) => i > 0 && !w.startsWith('-')) : words[0];
    const interpreter = program === undefined ? undefined : posix.basename(program).replace(/[\d.]+$/, '');
    if (interpreter !== undefined) return shebangs.get(interpreter) ?? shebangs.get(posix.basename(program!));
  }
  return undefined;
}

export function isBinaryName(path: string): boolean {
  return binaryExtensions.has(extname(path).toLowerCase());
}

export function isLockFile(path: string): boolean {
  return lockFiles.has(posix.basename(path));
}

export function isMinifiedName(path: string): boolean {
  const name = posix.basename(path).toLowerCase();
  return minifiedSuffixes.some((s) => name.endsWith(s));
}

import { stat } from 'node:fs/promises';
import fg from 'fast-glob';
import { SluiceError } from '../core/errors.js';
import { localFile, type InputFile } from './input.js';

/** Opens remote inputs (http, https); registered by the remote-input module so core stays free of network code. */
export type RemoteOpener = (url: string) => InputFile;
const remoteOpeners = new Map<string, RemoteOpener>();

export function registerRemote(scheme: string, opener: RemoteOpener): void {
  remoteOpeners.set(scheme, opener);
}

export interface PathEntry {
  /** As written in the pipeline. */
  pattern: string;
  /** YAML path of the entry, for errors: `inputs[0].paths[1]`. */
  yamlPath: string;
}

const GLOB_CHARS = /[*?[\]{}]/;

/**
 * Expands one `paths` entry into inputs: a URL, a glob (fast-glob), a file, or a directory
 * (for readers that walk trees). A missing file or a glob with no match is an error naming
 * the entry, never an empty run.
 */
export async function expandPath(entry: PathEntry, acceptsDirectories: boolean): Promise<InputFile[]> {
  const { pattern, yamlPath } = entry;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(pattern)?.[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== 'file') {
    const opener = remoteOpeners.get(scheme);
    if (!opener) {
      throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: no handler for ${scheme}:// inputs ("${pattern}")`, {
        path: yamlPath,
        hint: `supported schemes: ${[...remoteOpeners.keys(), 'file'].join(', ')}`,
      });
    }
    return [opener(pattern)];
  }
  const local = scheme === 'file' ? pattern.slice('file://'.length) : pattern;
  if (GLOB_CHARS.test(local)) {
    const matches = await fg(local, { onlyFiles: !acceptsDirectories, dot: false, followSymbolicLinks: true, markDirectories: false, objectMode: true, stats: false });
    if (matches.length === 0) {
      throw new SluiceError('SLUICE_INPUT_NO_MATCH', `${yamlPath}: the glob "${pattern}" matches no ${acceptsDirectories ? 'files or directories' : 'files'}`, {
        path: yamlPath,
        hint: 'globs are relative to the directory sluice runs in (usually the repository root)',
      });
    }
    return matches.map((m) => localFile(m.path, m.dirent.isDirectory())).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(local)).isDirectory();
  } catch (err) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: input file "${pattern}" does not exist`, {
      path: yamlPath,
      file: pattern,
      hint: 'paths are relative to the directory sluice runs in (usually the repository root)',
      cause: err,
    });
  }
  if (isDirectory && !acceptsDirectories) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: "${pattern}" is a directory, and this reader reads files`, {
      path: yamlPath,
      file: pattern,
      hint: `use a glob such as "${pattern.replace(/\/$/, '')}/*"`,
    });
  }
  return [localFile(local, isDirectory)];
}

import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { decodeStream } from './decompress.js';
import { localFile, type InputFile } from './input.js';
import { splitLines } from './lines.js';

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
  /**
   * The input's `base_url`: relative entries of `paths` and of path lists resolve against it.
   * A URL (`https://data.commoncrawl.org/`) or a local directory.
   */
  baseUrl?: string;
}

const GLOB_CHARS = /[*?[\]{}]/;
const URL_SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

/**
 * A `paths` entry whose name ends in `.paths` (optionally `.gz`, `.zst`, `.bz2`) is a path list,
 * as Common Crawl publishes them (`warc.paths.gz`): one path or URL per line, blank lines and
 * `#` comments ignored. Relative lines resolve against `base_url`, else against the list's own
 * directory or URL.
 */
export const PATH_LIST_NAME = /\.paths(\.(gz|zst|bz2))?$/i;

export function isPathList(location: string): boolean {
  return PATH_LIST_NAME.test(location.replace(/[?#].*$/, ''));
}

function schemeOf(location: string): string | undefined {
  return URL_SCHEME.exec(location)?.[1]?.toLowerCase();
}

function isAbsolute(location: string): boolean {
  return schemeOf(location) !== undefined || location.startsWith('/');
}

/** `relative` resolved against a URL or local directory; a URL base always counts as a directory. */
export function resolveAgainst(base: string, relative: string): string {
  if (isAbsolute(relative)) return relative;
  const scheme = schemeOf(base);
  if (scheme !== undefined && scheme !== 'file') return new URL(relative, base.endsWith('/') ? base : `${base}/`).href;
  return join(scheme === 'file' ? base.slice('file://'.length) : base, relative);
}

function directoryOf(location: string): string {
  const scheme = schemeOf(location);
  if (scheme !== undefined && scheme !== 'file') return new URL('.', location).href;
  return dirname(scheme === 'file' ? location.slice('file://'.length) : location);
}

function remoteFile(url: string, scheme: string, yamlPath: string): InputFile {
  const opener = remoteOpeners.get(scheme);
  if (!opener) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: no handler for ${scheme}:// inputs ("${url}")`, {
      path: yamlPath,
      hint: `supported schemes: ${[...remoteOpeners.keys(), 'file'].join(', ')}`,
    });
  }
  return opener(url);
}

/**
 * What makes two inputs one: a local file is its absolute, normalized path, so `a.jsonl`,
 * `./a.jsonl`, `/data/a.jsonl` and overlapping globs name one input; anything else is its URL.
 * `uri` itself stays as written: it names documents (ids, `meta.file`), which must not depend
 * on where the inputs happen to live.
 */
export function inputIdentity(file: InputFile): string {
  return file.localPath === undefined ? file.uri : resolve(file.localPath);
}

/** One URL or local path, taken literally (no glob expansion). */
async function literalInput(location: string, yamlPath: string, acceptsDirectories: boolean): Promise<InputFile> {
  const scheme = schemeOf(location);
  if (scheme !== undefined && scheme !== 'file') return remoteFile(location, scheme, yamlPath);
  const local = scheme === 'file' ? location.slice('file://'.length) : location;
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(local)).isDirectory();
  } catch (err) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: input file "${location}" does not exist`, {
      path: yamlPath,
      file: location,
      hint: 'paths are relative to the directory sluice runs in (usually the repository root), or to base_url',
      cause: err,
    });
  }
  if (isDirectory && !acceptsDirectories) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `${yamlPath}: "${location}" is a directory, and this reader reads files`, {
      path: yamlPath,
      file: location,
      hint: `use a glob such as "${location.replace(/\/$/, '')}/*"`,
    });
  }
  return localFile(local, isDirectory);
}

/** The inputs a path list names, in list order (the runner sorts units afterwards). */
async function expandPathList(location: string, entry: PathEntry, acceptsDirectories: boolean): Promise<InputFile[]> {
  const list = await literalInput(location, entry.yamlPath, false);
  const base = entry.baseUrl ?? directoryOf(location);
  const files: InputFile[] = [];
  const { bytes } = await decodeStream(list.open(), list.uri);
  for await (const line of splitLines(bytes, { maxLineBytes: 64 * 1024 })) {
    const text = line.text.trim();
    if (line.tooLong) {
      throw new SluiceError('SLUICE_INPUT_READ', `${entry.yamlPath}: line ${line.lineNo} of the path list ${list.uri} is ${line.bytes} bytes long`, {
        path: entry.yamlPath,
        file: list.uri,
        record: line.lineNo,
        hint: 'a path list holds one path or URL per line; is this really a path list?',
      });
    }
    if (text === '' || text.startsWith('#')) continue;
    files.push(await literalInput(resolveAgainst(base, text), `${entry.yamlPath} (${list.uri}:${line.lineNo})`, acceptsDirectories));
  }
  if (files.length === 0) {
    throw new SluiceError('SLUICE_INPUT_NO_MATCH', `${entry.yamlPath}: the path list ${list.uri} names no inputs`, { path: entry.yamlPath, file: list.uri });
  }
  return files;
}

/**
 * Expands one `paths` entry into inputs: a URL, a glob (fast-glob), a file, a directory (for
 * readers that walk trees) or a path list. A missing file or a glob with no match is an error
 * naming the entry, never an empty run.
 */
export async function expandPath(entry: PathEntry, acceptsDirectories: boolean): Promise<InputFile[]> {
  const { yamlPath } = entry;
  const pattern = entry.baseUrl === undefined ? entry.pattern : resolveAgainst(entry.baseUrl, entry.pattern);
  if (isPathList(pattern)) return expandPathList(pattern, entry, acceptsDirectories);
  const scheme = schemeOf(pattern);
  if (scheme !== undefined && scheme !== 'file') {
    if (GLOB_CHARS.test(new URL(pattern).pathname)) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `${yamlPath}: "${pattern}" is a URL with glob characters; remote globs are not supported`, {
        path: yamlPath,
        hint: 'list the URLs, or put them in a path list (a file ending in .paths or .paths.gz, one per line)',
      });
    }
    return [remoteFile(pattern, scheme, yamlPath)];
  }
  const local = scheme === 'file' ? pattern.slice('file://'.length) : pattern;
  if (GLOB_CHARS.test(local)) {
    const { default: fg } = await import('fast-glob'); // only globs need it
    const matches = await fg(local, { onlyFiles: !acceptsDirectories, dot: false, followSymbolicLinks: true, markDirectories: false, objectMode: true, stats: false });
    if (matches.length === 0) {
      throw new SluiceError('SLUICE_INPUT_NO_MATCH', `${yamlPath}: the glob "${pattern}" matches no ${acceptsDirectories ? 'files or directories' : 'files'}`, {
        path: yamlPath,
        hint: 'globs are relative to the directory sluice runs in (usually the repository root)',
      });
    }
    return matches.map((m) => localFile(m.path, m.dirent.isDirectory())).sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }
  return [await literalInput(pattern, yamlPath, acceptsDirectories)];
}

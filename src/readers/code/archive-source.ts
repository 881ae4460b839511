import { Readable } from 'node:stream';
import type * as tar from 'tar-stream';
import type * as yauzl from 'yauzl';
import { errorMessage } from '../../core/errors.js';
import { decodeStream } from '../../io/decompress.js';
import type { InputFile } from '../../io/input.js';
import { readAll } from '../../io/read-bytes.js';
import { openZip } from '../../io/zip.js';
import { rethrowUnlessDamage } from '../strict.js';
import { isLicenceFile } from './licence.js';
import { FACT_FILE_LIMIT, skippedAncestor, type DirPolicy, type RepoFacts, type RepoItem, type RepoSource } from './repo-source.js';

/** An archive entry with its path inside the archive (no trailing slash). */
interface ArchiveEntry {
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'special';
  size: number;
}

/**
 * GitHub and most release tarballs wrap a repository in one top-level folder (`repo-main/`).
 * Returns that folder's name + '/' when every entry is inside it, else ''.
 */
export function commonPrefix(names: readonly string[]): string {
  let top: string | undefined;
  let nested = false;
  for (const name of names) {
    const slash = name.indexOf('/');
    const first = slash === -1 ? name : name.slice(0, slash);
    if (top === undefined) top = first;
    else if (top !== first) return '';
    if (slash !== -1 && slash < name.length - 1) nested = true;
  }
  return top !== undefined && nested ? `${top}/` : '';
}

function factsFrom(files: Map<string, string>): RepoFacts {
  const facts: RepoFacts = { licenceTexts: [] };
  for (const [path, text] of [...files].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (isLicenceFile(path)) facts.licenceTexts.push(text);
    else if (path === 'package.json') facts.packageJson = text;
    else if (path === 'Cargo.toml') facts.cargoToml = text;
  }
  return facts;
}

/** Whether a file at depth <= 2 could be a root fact file once the common prefix is known. */
function maybeFactFile(name: string): boolean {
  const parts = name.split('/');
  if (parts.length > 2) return false;
  const base = parts[parts.length - 1]!;
  return isLicenceFile(base) || base === 'package.json' || base === 'Cargo.toml';
}

/** Items from archive entries: skipped folders tallied (one item each, at the end), the rest passed through. */
class SkipTally {
  private readonly dirs = new Map<string, { reason: string; files: number }>();
  constructor(private readonly policy: DirPolicy) {}

  /** True when the path lies in a skipped folder (and is counted there). */
  swallow(path: string, isFile: boolean): boolean {
    const hit = skippedAncestor(isFile ? path : `${path}/x`, this.policy);
    if (hit === undefined) return false;
    const t = this.dirs.get(hit.dir) ?? { reason: hit.reason, files: 0 };
    if (isFile) t.files++;
    this.dirs.set(hit.dir, t);
    return true;
  }

  items(): RepoItem[] {
    return [...this.dirs].map(([path, t]) => ({ kind: 'skipped_dir', path, reason: t.reason, files: t.files }));
  }
}

// ---------------------------------------------------------------- tar

type TarEntry = AsyncIterable<Buffer> & { header: tar.Header; resume(): void };

async function* tarEntries(file: InputFile): AsyncIterable<TarEntry> {
  const { bytes } = await decodeStream(file.open(), file.uri);
  const source = Readable.from(bytes);
  const { default: tarStream } = await import('tar-stream'); // only tar repositories need it
  const extract = tarStream.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract as unknown as AsyncIterable<TarEntry>) yield entry;
  } finally {
    source.destroy();
  }
}

function tarType(h: tar.Header): ArchiveEntry['type'] {
  if (h.type === 'file' || h.type === 'contiguous-file') return 'file';
  if (h.type === 'directory') return 'directory';
  if (h.type === 'symlink' || h.type === 'link') return 'symlink';
  return 'special';
}

/** A repository packed as a tar (plain, gzip, zstd or bzip2). Read twice: facts first, then files. */
export function tarSource(file: InputFile, name: string, policy: DirPolicy): RepoSource {
  let prefix = '';
  return {
    name,
    async facts(): Promise<RepoFacts> {
      const names: string[] = [];
      const candidates = new Map<string, string>();
      try {
        for await (const entry of tarEntries(file)) {
          const h = entry.header;
          const n = h.name.replace(/^\.\//, '').replace(/\/$/, '');
          if (n !== '') names.push(n);
          if (tarType(h) === 'file' && (h.size ?? 0) <= FACT_FILE_LIMIT && maybeFactFile(n)) candidates.set(n, (await readAll(entry)).toString('utf8'));
          else entry.resume();
        }
      } catch {
        // a damaged archive is reported when its items are read
      }
      prefix = commonPrefix(names);
      const root = new Map<string, string>();
      for (const [n, text] of candidates) if (n.startsWith(prefix)) root.set(n.slice(prefix.length), text);
      return factsFrom(root);
    },
    async *items(): AsyncIterable<RepoItem> {
      const tally = new SkipTally(policy);
      try {
        for await (const entry of tarEntries(file)) {
          const h = entry.header;
          const type = tarType(h);
          const path = h.name.replace(/^\.\//, '').replace(/\/$/, '').slice(prefix.length);
          if (path === '' || type === 'directory' || tally.swallow(path, true)) {
            entry.resume();
            continue;
          }
          if (type !== 'file') {
            entry.resume();
            yield { kind: 'special', path, reason: type === 'symlink' ? 'symlink' : 'special_file' };
            continue;
          }
          let read = false;
          const size = h.size ?? 0;
          yield {
            kind: 'file',
            path,
            size,
            read: () => {
              read = true;
              return readAll(entry);
            },
          };
          if (!read) entry.resume();
        }
      } catch (err) {
        rethrowUnlessDamage(err);
        yield* tally.items();
        yield { kind: 'damaged', error: errorMessage(err) };
        return;
      }
      yield* tally.items();
    },
  };
}

// ---------------------------------------------------------------- zip

async function openZipFile(file: InputFile): Promise<yauzl.ZipFile> {
  // the central directory is at the end: an input without random access is read into memory
  return openZip(file.localPath !== undefined ? { path: file.localPath } : { buffer: await readAll(file.open()) });
}

function allZipEntries(zip: yauzl.ZipFile): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (e: yauzl.Entry) => {
      entries.push(e);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', reject);
    zip.readEntry();
  });
}

function zipType(e: yauzl.Entry): ArchiveEntry['type'] {
  if (e.fileName.endsWith('/')) return 'directory';
  const mode = (e.externalFileAttributes >>> 16) & 0o170000;
  if (mode === 0o120000) return 'symlink';
  if (mode !== 0 && mode !== 0o100000) return 'special';
  return 'file';
}

async function readZipEntry(zip: yauzl.ZipFile, e: yauzl.Entry): Promise<Buffer> {
  return readAll(await zip.openReadStreamPromise(e));
}

/** A repository packed as a zip: the central directory gives every entry up front. */
export function zipSource(file: InputFile, name: string, policy: DirPolicy): RepoSource {
  let opened: Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[]; prefix: string }> | undefined;
  const open = (): Promise<{ zip: yauzl.ZipFile; entries: yauzl.Entry[]; prefix: string }> =>
    (opened ??= (async () => {
      const zip = await openZipFile(file);
      const entries = await allZipEntries(zip);
      return { zip, entries, prefix: commonPrefix(entries.map((e) => e.fileName.replace(/\/$/, ''))) };
    })());
  return {
    name,
    async facts(): Promise<RepoFacts> {
      const { zip, entries, prefix } = await open();
      const root = new Map<string, string>();
      for (const e of entries) {
        const path = e.fileName.slice(prefix.length);
        if (zipType(e) === 'file' && !path.includes('/') && maybeFactFile(path) && e.uncompressedSize <= FACT_FILE_LIMIT) {
          root.set(path, (await readZipEntry(zip, e)).toString('utf8'));
        }
      }
      return factsFrom(root);
    },
    async *items(): AsyncIterable<RepoItem> {
      const { zip, entries, prefix } = await open();
      const tally = new SkipTally(policy);
      try {
        for (const e of entries) {
          const type = zipType(e);
          const path = e.fileName.slice(prefix.length).replace(/\/$/, '');
          if (path === '' || type === 'directory' || tally.swallow(path, true)) continue;
          if (type !== 'file') {
            yield { kind: 'special', path, reason: type === 'symlink' ? 'symlink' : 'special_file' };
            continue;
          }
          yield { kind: 'file', path, size: e.uncompressedSize, read: () => readZipEntry(zip, e) };
        }
        yield* tally.items();
      } finally {
        zip.close();
      }
    },
  };
}

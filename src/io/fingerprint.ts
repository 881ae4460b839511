/**
 * What identifies one version of an input, recorded in a run's plan so that a rerun can tell an
 * edited input from the one the finished tasks read: size and mtime for files, a digest of every
 * file's path, size and mtime for trees, ETag / Last-Modified / length for http. With `content`,
 * also a SHA-256 of the bytes (`--verify-inputs`), which catches edits that keep size and mtime.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

// a type alias so it is assignable to JSON values in the plan
export type InputFingerprint = {
  size?: number;
  mtime_ms?: number;
  /** Trees: number of files and SHA-256 of their sorted `path size mtime` lines. */
  files?: number;
  tree_sha256?: string;
  etag?: string;
  last_modified?: string;
  /** SHA-256 of the bytes (of a tree: of each file's path and bytes in path order). */
  sha256?: string;
};

async function hashInto(hash: ReturnType<typeof createHash>, bytes: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of bytes) hash.update(chunk);
}

export async function sha256Of(bytes: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  await hashInto(hash, bytes);
  return hash.digest('hex');
}

export async function fileFingerprint(path: string, content: boolean): Promise<InputFingerprint> {
  const st = await stat(path);
  const fp: InputFingerprint = { size: st.size, mtime_ms: Math.round(st.mtimeMs) };
  if (content) fp.sha256 = await sha256Of(createReadStream(path));
  return fp;
}

/** Every regular file under `root` (following links to files), sorted by path. */
async function treeFiles(root: string): Promise<{ rel: string; size: number; mtime: number }[]> {
  const out: { rel: string; size: number; mtime: number }[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (entry.isDirectory()) continue;
    // Node 20.19 names the parent `parentPath` (older: `path`)
    const full = join((entry as { parentPath?: string }).parentPath ?? entry.path, entry.name);
    const st = await stat(full).catch(() => undefined);
    if (!st?.isFile()) continue;
    out.push({ rel: relative(root, full), size: st.size, mtime: Math.round(st.mtimeMs) });
  }
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

export async function treeFingerprint(root: string, content: boolean): Promise<InputFingerprint> {
  const files = await treeFiles(root);
  const listing = createHash('sha256');
  for (const f of files) listing.update(`${f.rel}\u0000${f.size}\u0000${f.mtime}\n`);
  const fp: InputFingerprint = { files: files.length, size: files.reduce((s, f) => s + f.size, 0), tree_sha256: listing.digest('hex') };
  if (content) {
    const hash = createHash('sha256');
    for (const f of files) {
      hash.update(`${f.rel}\u0000${f.size}\n`);
      await hashInto(hash, createReadStream(join(root, f.rel)));
    }
    fp.sha256 = hash.digest('hex');
  }
  return fp;
}

/**
 * How `now` differs from `then`, in words; empty when they agree. Only facts both sides have are
 * compared: a server that stopped sending an ETag is not a change, and a content hash is compared
 * only when both runs computed one.
 */
export function fingerprintChanges(then: InputFingerprint, now: InputFingerprint): string[] {
  const changes: string[] = [];
  const differs = <K extends keyof InputFingerprint>(key: K): boolean => then[key] !== undefined && now[key] !== undefined && then[key] !== now[key];
  if (differs('size')) changes.push(`size ${then.size} -> ${now.size} bytes`);
  if (differs('files')) changes.push(`${then.files} -> ${now.files} files`);
  if (differs('mtime_ms')) changes.push(`modified ${new Date(then.mtime_ms!).toISOString()} -> ${new Date(now.mtime_ms!).toISOString()}`);
  if (differs('tree_sha256') && !differs('files') && !differs('size')) changes.push('a file in the tree was modified');
  if (differs('etag')) changes.push(`ETag ${then.etag} -> ${now.etag}`);
  if (differs('last_modified')) changes.push(`Last-Modified ${then.last_modified} -> ${now.last_modified}`);
  if (differs('sha256')) changes.push('content SHA-256 differs');
  return changes;
}

/** A file's size and SHA-256 (hex). */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Size and SHA-256 of a file on disk, read back (verify, the crash bench); writers hash as they write. */
export async function fileDigest(path: string): Promise<FileDigest> {
  const st = await stat(path);
  return { bytes: st.size, sha256: await sha256Of(createReadStream(path)) };
}

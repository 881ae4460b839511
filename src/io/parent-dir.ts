/**
 * Creating a file whose directory may not exist yet: try first, and create the directory only
 * when the attempt says it is missing (ENOENT). A run writes thousands of files into a few dozen
 * directories (task markers, logs, rejects, dedup work files), and a `mkdir -p` before each was
 * one syscall round trip per file for a directory that nearly always existed.
 */
import { mkdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

function missingDir(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Runs `create`, which makes the file `path`; if its directory is missing, creates it and runs `create` again. */
export async function inParentDir<T>(path: string, create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (!missingDir(err)) throw err;
    await mkdir(dirname(path), { recursive: true });
    return create();
  }
}

/** `inParentDir` for synchronous file creation. */
export function inParentDirSync<T>(path: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    if (!missingDir(err)) throw err;
    mkdirSync(dirname(path), { recursive: true });
    return create();
  }
}

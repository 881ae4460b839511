import { rename, rm, writeFile, link, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pathExists } from './exists.js';
import { outputError } from './output-error.js';
import { inParentDir } from './parent-dir.js';

/** Matches every temp name `tempPathFor` and `taskTempPathFor` give (and the shard writer's). */
export const TEMP_NAME = /^\..+\.tmp$/;

/** Temp name beside the target: same filesystem (so rename is atomic) and hidden from globs. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * Temp name beside the target that depends on the target alone (`.<name>.tmp`), for a file that
 * one task alone writes: the task's next attempt removes what a killed attempt left by name,
 * without listing a folder that holds a file of every task. Two processes writing the same target
 * at once would share it, so anything else takes `tempPathFor`.
 */
export function taskTempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp`);
}

/** Writes the whole file under a temp name, then renames it into place: readers never see half a file. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPathFor(path);
  try {
    await inParentDir(tmp, () => writeFile(tmp, data));
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw outputError(path, err);
  }
}

/**
 * Creates `path` with `data` only if it does not exist yet, atomically (link fails on an existing
 * target). Returns false when another process got there first.
 */
export async function createFileExclusive(path: string, data: string | Uint8Array): Promise<boolean> {
  // the usual case for a rerun or a worker: no temp copy to write, which a full disk would refuse
  if (await pathExists(path)) return false;
  const tmp = tempPathFor(path);
  try {
    await inParentDir(tmp, () => writeFile(tmp, data));
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw outputError(path, err);
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

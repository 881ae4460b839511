import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { fromSystemError } from '../core/system-error.js';

const HINT = '--out (or output.dir) names a directory, created if missing: choose another path or move the file away';

/**
 * Fails early, naming the path, when the output directory cannot be one: it is an existing
 * file, or a file sits where one of its parent directories would have to be created. A missing
 * directory is fine (the run creates it).
 */
export async function checkOutputDir(dir: string): Promise<void> {
  for (let path = dir; ; path = dirname(path)) {
    let isDirectory: boolean;
    try {
      isDirectory = (await stat(path)).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // not there yet: what matters is the nearest part of the path that exists
      if (code === 'ENOENT' && dirname(path) !== path) continue;
      // ENOTDIR: a file further up, which the next step up finds and names
      if (code === 'ENOTDIR') continue;
      throw fromSystemError(err, 'SLUICE_OUTPUT', path) ?? err;
    }
    if (isDirectory) return;
    const what = path === dir ? `output directory ${dir} is a file, not a directory` : `cannot create output directory ${dir}: ${path} is a file, not a directory`;
    throw new SluiceError('SLUICE_OUTPUT', what, { file: path, hint: HINT });
  }
}

const URL_OUTPUT = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The absolute output directory for `dir` (--out or output.dir), refusing URLs, which sluice cannot write to. */
export function resolveOutputDir(dir: string): string {
  if (URL_OUTPUT.test(dir)) {
    throw new SluiceError('SLUICE_USAGE', `output directory "${dir}" is a URL; sluice writes to local (or network-mounted) directories only`, {
      hint: 'write to a local directory and copy it afterwards (e.g. aws s3 sync, gsutil rsync)',
    });
  }
  return resolve(dir);
}

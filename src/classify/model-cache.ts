/**
 * One loaded model per process (each worker is a process): stages and language backends that
 * name the same file, by the same or another relative path, share it. A file changed on disk
 * since it was loaded is loaded again.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { loadModel, type FastTextModel } from './model-file.js';

const cache = new Map<string, { stamp: string; model: FastTextModel }>();

/** The model at `file` (relative to `baseDir`), loaded once per process. */
export function cachedModel(file: string, baseDir: string): FastTextModel {
  const path = isAbsolute(file) ? file : resolve(baseDir, file);
  let stamp: string;
  try {
    const st = statSync(path);
    stamp = `${st.size}:${st.mtimeMs}`;
  } catch (err) {
    throw new SluiceError('SLUICE_INPUT_MISSING', `fastText model ${path} does not exist`, {
      file: path,
      cause: err,
      hint: 'paths in a pipeline are relative to the pipeline file; train one with `sluice classifier train`',
    });
  }
  const hit = cache.get(path);
  if (hit?.stamp === stamp) return hit.model;
  const model = loadModel(path);
  cache.set(path, { stamp, model });
  return model;
}

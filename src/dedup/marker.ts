import { readFileSync } from 'node:fs';
import { SluiceError } from '../core/errors.js';

/**
 * Reads a small JSON file that a pass writes last, as its completion marker (a task's collect
 * manifest, an edge or removal index, a round's status). Missing or unreadable means that pass
 * has not finished: SLUICE_ARTEFACT with `notFinished` and the reason.
 */
export function readMarker<T>(path: string, notFinished: string, hint = 'run the phases in order; a rerun resumes where it stopped'): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new SluiceError('SLUICE_ARTEFACT', `${notFinished} (${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { file: path, hint });
  }
}

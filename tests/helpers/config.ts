// parsePipeline loads nothing: every built-in is loaded first
import '../../src/registry-loaded.js';
import { parsePipeline } from '../../src/config/load.js';
import { SluiceError } from '../../src/core/errors.js';

/** The SluiceError that parsing `yaml` (as `p.yaml`) raises; fails the test when the pipeline is accepted. */
export function configError(yaml: string): SluiceError {
  try {
    parsePipeline(yaml, 'p.yaml');
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error('expected the pipeline to be rejected');
}

import { SluiceError } from '../core/errors.js';
import { pathExists } from '../io/exists.js';
import { usageError, type ParsedArgs } from './args.js';
import { OutputLayout } from '../runner/layout.js';
import { OutputLock } from '../runner/lock.js';
import { removeScratch } from '../runner/scratch.js';
import type { CliIO } from './command.js';
import { spec } from './specs/clean.js';

/** `sluice clean` (options and help in specs/clean.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [dir, ...extra] = args.positionals;
  if (!dir || extra.length > 0) throw usageError(spec);
  const layout = new OutputLayout(dir);
  if (!(await pathExists(layout.manifest))) {
    throw new SluiceError('SLUICE_USAGE', `${dir} has no manifest.json: the run has not finished, and resuming it needs its scratch`, {
      file: layout.manifest,
      hint: 'finish the run first (rerun the same `sluice run` command), or discard it with `sluice run --fresh`',
    });
  }
  // a run resuming in this directory at the same time would read the spills being removed
  const lock = await OutputLock.acquire(layout.dir, { kind: 'run', onLost: () => undefined, log: io.log });
  try {
    const freed = await removeScratch(layout);
    io.out(`${dir}: removed ${(freed.bytes / 1e6).toFixed(1)} MB of scratch (${freed.paths.join(', ')})`);
    return 0;
  } finally {
    await lock.release();
  }
}

import { availableParallelism } from 'node:os';
import type { CommandSpec } from '../args.js';

/** `sluice run`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'run',
  usage:
    'sluice run <pipeline.yaml> [--out DIR] [--workers N] [--rank R --world W [--phase P]] [--executor local|slurm [slurm options]] [--strict] [--fresh] [--verify-inputs] [--allow-changed-inputs]',
  summary: 'Run a pipeline: read the inputs, apply the stages, write shards, manifest, stats and rejects. A rerun resumes: finished tasks are skipped.',
  options: {
    out: { type: 'string', short: 'o' },
    workers: { type: 'string', short: 'j' },
    rank: { type: 'string' },
    world: { type: 'string' },
    phase: { type: 'string' },
    strict: { type: 'boolean' },
    fresh: { type: 'boolean' },
    'allow-changed-inputs': { type: 'boolean' },
    'verify-inputs': { type: 'boolean' },
    executor: { type: 'string' },
    partition: { type: 'string' },
    time: { type: 'string' },
    'cpus-per-task': { type: 'string' },
    mem: { type: 'string' },
    'max-running': { type: 'string' },
    'sbatch-arg': { type: 'string', multiple: true },
    workdir: { type: 'string' },
  },
  help: [
    '-o, --out DIR         output directory (overrides output.dir)',
    `-j, --workers N       parallel worker processes (default: CPU cores, here ${availableParallelism()})`,
    '--rank R --world W    run only task R of W, as a scheduler array task would',
    '--phase P             with --rank: which phase (see `sluice validate` for the list)',
    '--strict              fail on the first bad input record instead of rejecting it',
    '--fresh               discard an earlier output in DIR first instead of resuming (only a sluice',
    '                      output or an empty directory; never one holding inputs or the current directory)',
    '--verify-inputs       also record (and on resume compare) a SHA-256 of every input, not only size and mtime',
    '--allow-changed-inputs  resume although inputs changed: their tasks and every later phase run again',
    '--executor E          local (default) or slurm: one job array per phase, chained by afterok (see README: Slurm)',
    '--world W             without --rank: split the inputs into W tasks (overrides runner.tasks)',
    'slurm options (override executor.slurm in the pipeline):',
    '  --partition P --time T --cpus-per-task N --mem M',
    '  --max-running N       array tasks of a phase running at once (%N)',
    '  --sbatch-arg ARG      extra sbatch argument (repeatable)',
    '  --workdir DIR         shared working directory of the submitter and the array tasks',
  ],
};

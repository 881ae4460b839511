import { availableParallelism } from 'node:os';
import { runPipeline } from '../runner/run.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { trapInterrupts } from '../runner/interrupt.js';
import type { SlurmFlags } from '../runner/slurm/options.js';
import { intOption, listOption, stringOption, type ParsedArgs } from './args.js';
import type { Command } from './command.js';
import { renderStats } from './render-stats.js';

export const runCommand: Command = {
  spec: {
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
  },
  async run(args, io) {
    const [pipelineFile, ...extra] = args.positionals;
    if (!pipelineFile || extra.length > 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
    const rank = intOption(args.values, 'rank');
    const world = intOption(args.values, 'world');
    if (rank !== undefined && world === undefined) {
      io.log.error('--rank needs --world');
      return 2;
    }
    const workers = intOption(args.values, 'workers');
    if (workers !== undefined && workers < 1) throw new SluiceError('SLUICE_USAGE', `--workers must be at least 1 (got ${workers})`);
    if (world !== undefined && world < 1) throw new SluiceError('SLUICE_USAGE', `--world must be at least 1 (got ${world})`);
    const interrupts = trapInterrupts();
    const executor = executorOption(args.values);
    const out = stringOption(args.values, 'out');
    const phase = stringOption(args.values, 'phase');
    const run = runPipeline({
      pipelineFile,
      ...(out !== undefined ? { out } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(rank !== undefined ? { rank } : {}),
      ...(world !== undefined ? { world } : {}),
      ...(phase !== undefined ? { phase } : {}),
      strict: Boolean(args.values['strict']),
      fresh: Boolean(args.values['fresh']),
      allowChangedInputs: Boolean(args.values['allow-changed-inputs']),
      verifyInputs: Boolean(args.values['verify-inputs']),
      ...(executor === undefined ? {} : { executor }),
      slurm: slurmFlags(args.values),
      log: io.log,
      signal: interrupts.signal,
    });
    let result: Awaited<typeof run>;
    try {
      result = await run;
    } catch (err) {
      if (interrupts.received === undefined) throw err;
      // one line, no trace; a read stuck on a FIFO or a stalled server must not keep the process alive
      process.stderr.write(`${err instanceof SluiceError && err.code === 'SLUICE_INTERRUPTED' ? err.message : `interrupted: ${errorMessage(err)}`}\n`);
      interrupts.exit();
      return interrupts.exitCode();
    } finally {
      interrupts.dispose();
    }
    if (result.report) {
      const { manifest } = result.report;
      io.out(renderStats(result.report.stats));
      io.out(`\nwrote ${manifest.shards.length} shard(s), ${manifest.rows.toLocaleString('en-US')} rows to ${result.prepared.layout.dir}`);
      if (manifest.rows === 0) io.log.warn('every document was rejected or removed: the dataset is empty (see the tables above and rejects/)');
    }
    return 0;
  },
};

function executorOption(values: ParsedArgs['values']): 'local' | 'slurm' | undefined {
  const v = stringOption(values, 'executor');
  if (v === undefined || v === 'local' || v === 'slurm') return v;
  throw new SluiceError('SLUICE_USAGE', `--executor must be local or slurm (got "${v}")`);
}

function slurmFlags(values: ParsedArgs['values']): SlurmFlags {
  const flags: SlurmFlags = {};
  const partition = stringOption(values, 'partition');
  const time = stringOption(values, 'time');
  const cpus = intOption(values, 'cpus-per-task');
  const mem = stringOption(values, 'mem');
  const maxRunning = intOption(values, 'max-running');
  const sbatchArgs = listOption(values, 'sbatch-arg');
  const workdir = stringOption(values, 'workdir');
  if (partition !== undefined) flags.partition = partition;
  if (time !== undefined) flags.time = time;
  if (cpus !== undefined) flags.cpus_per_task = cpus;
  if (mem !== undefined) flags.mem = mem;
  if (maxRunning !== undefined) flags.max_running = maxRunning;
  if (sbatchArgs !== undefined) flags.sbatch_args = sbatchArgs;
  if (workdir !== undefined) flags.workdir = workdir;
  return flags;
}

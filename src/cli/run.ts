import { runPipeline } from '../runner/run.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { trapInterrupts } from '../runner/interrupt.js';
import type { SlurmFlags } from '../runner/slurm/options.js';
import { intOption, listOption, stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/run.js';
import { renderStats } from './render-stats.js';

/** `sluice run` (options and help in specs/run.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [pipelineFile, ...extra] = args.positionals;
  if (!pipelineFile || extra.length > 0) throw usageError(spec);
  const rank = intOption(args.values, 'rank');
  const world = intOption(args.values, 'world');
  if (rank !== undefined && world === undefined) {
    throw usageError(spec, '--rank needs --world');
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
    keepScratch: Boolean(args.values['keep-scratch']),
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
}

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

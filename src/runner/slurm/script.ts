import type { SlurmOptions } from '../../config/slurm.js';

/** Everything one phase's batch script needs; each array task runs one sluice task. */
export interface PhaseScript {
  pipelineName: string;
  /** Absolute paths: the compute nodes share the filesystem but not the submitter's working directory. */
  pipelineFile: string;
  outDir: string;
  /** The sluice CLI module and the node options it needs (tsx when sluice runs from its sources). */
  cli: { module: string; execArgv: readonly string[] };
  node: string;
  workdir: string;
  phase: string;
  /** Tasks of this phase, for the log header. */
  tasks: number;
  world: number;
  /** Array index i runs rank offset + i (non-zero only past the cluster's MaxArraySize). */
  offset: number;
  logDir: string;
  /** Marks the jobs of one submission, so a rerun can tell them from unrelated jobs with a reused id. */
  comment: string;
  strict: boolean;
  options: SlurmOptions;
}

/** Single-quoted for sh: safe for any path. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function jobName(pipelineName: string, phase: string): string {
  return `sluice-${pipelineName}-${phase}`.replace(/[^A-Za-z0-9_.+-]/g, '_');
}

/**
 * The batch script of one phase. Static options are #SBATCH lines, so the file alone shows how
 * the tasks ran; the array list and the dependency differ per submit and go on sbatch's command line.
 */
export function phaseScript(s: PhaseScript): string {
  const o = s.options;
  const directives: string[] = [
    `--job-name=${jobName(s.pipelineName, s.phase)}`,
    // past MaxArraySize the index is not the rank, so such chunks log by rank from inside the script
    s.offset === 0 ? `--output=${s.logDir}/%a.log` : `--output=${s.logDir}/slurm-%A_%a.out`,
    '--open-mode=truncate',
    `--chdir=${s.workdir}`,
    '--ntasks=1',
    `--cpus-per-task=${o.cpus_per_task}`,
    ...(o.partition === undefined ? [] : [`--partition=${o.partition}`]),
    ...(o.time === undefined ? [] : [`--time=${o.time}`]),
    ...(o.mem === undefined ? [] : [`--mem=${o.mem}`]),
    // a failed upstream phase cancels this one instead of leaving it pending forever
    '--kill-on-invalid-dep=yes',
    `--comment=${s.comment}`,
    ...o.sbatch_args,
  ];
  const command = [
    shellQuote(s.node),
    ...s.cli.execArgv.map(shellQuote),
    shellQuote(s.cli.module),
    'run',
    shellQuote(s.pipelineFile),
    '--out',
    shellQuote(s.outDir),
    '--phase',
    shellQuote(s.phase),
    '--rank',
    '"$rank"',
    '--world',
    String(s.world),
    ...(s.strict ? ['--strict'] : []),
  ].join(' ');
  return [
    '#!/bin/bash',
    `# sluice: phase ${s.phase} of pipeline "${s.pipelineName}" (${s.pipelineFile}), ${s.tasks} task(s), output ${s.outDir}.`,
    '# Written and submitted by `sluice run --executor slurm` as `sbatch --array=<ranks> [--dependency=afterok:<previous phase>] <this file>`.',
    ...directives.map((d) => `#SBATCH ${d}`),
    'set -eu',
    `rank=$((SLURM_ARRAY_TASK_ID + ${s.offset}))`,
    ...(s.offset === 0 ? [] : [`exec >${shellQuote(s.logDir)}/"$rank".log 2>&1`]),
    `echo "sluice: ${s.phase} task $rank of ${s.tasks}: job \${SLURM_ARRAY_JOB_ID}_\${SLURM_ARRAY_TASK_ID} on \${SLURMD_NODENAME:-$(hostname)} at $(date -u +%Y-%m-%dT%H:%M:%SZ)"`,
    ...o.setup,
    `exec ${command}`,
    '',
  ].join('\n');
}

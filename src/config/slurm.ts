import { z } from '../vendor/zod.js';

/** `D-HH:MM:SS` and its shorter forms, as sbatch --time accepts them. */
const TIME_RE = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$/;
/** sbatch --mem: a whole number with an optional K/M/G/T suffix (default megabytes). */
const MEM_RE = /^\d+[KMGT]?$/;

/** The `executor.slurm` section of a pipeline; each key has a `sluice run` flag that overrides it. */
export const slurmOptionsSchema = z
  .object({
    partition: z.string().min(1).optional().describe("sbatch --partition (default: the cluster's default partition)"),
    time: z.string().regex(TIME_RE, 'not a Slurm time limit (examples: 30, 1:30:00, 2-00:00:00)').optional().describe('time limit of each array task, sbatch --time (e.g. 4:00:00)'),
    cpus_per_task: z.number().int().positive().default(1).describe('CPUs of each array task, sbatch --cpus-per-task'),
    mem: z.string().regex(MEM_RE, 'not a Slurm memory size (examples: 4G, 500M, 16000)').optional().describe('memory of each array task, sbatch --mem (e.g. 8G)'),
    max_running: z.number().int().positive().optional().describe('array tasks of one phase running at once (the %N of --array)'),
    sbatch_args: z.array(z.string().min(1)).default([]).describe('extra sbatch arguments, e.g. ["--account=data", "--qos=long"]'),
    workdir: z
      .string()
      .min(1)
      .optional()
      .describe(
        'shared working directory: the submitting process and every array task work there, so relative input and output paths mean the same files on every node (default: where sluice run starts)',
      ),
    setup: z.array(z.string()).default([]).describe('shell lines each array task runs before sluice, e.g. ["module load nodejs/20"]'),
    node: z.string().min(1).optional().describe('node binary on the compute nodes (default: the one running sluice run, by absolute path)'),
    poll_seconds: z.number().positive().default(5).describe('how often squeue is polled'),
    marker_grace_seconds: z
      .number()
      .nonnegative()
      .default(120)
      .describe('how long a task that left the queue may take for its completion marker to appear on this machine (NFS caches directory entries for up to 60 s)'),
  })
  .strict();

/** The pipeline's `executor:` section. */
export const executorSchema = z
  .object({
    type: z.enum(['local', 'slurm']).default('local').describe('where `sluice run` runs the tasks (--executor overrides)'),
    slurm: slurmOptionsSchema.prefault({}),
  })
  .strict();

export type SlurmOptions = z.output<typeof slurmOptionsSchema>;
export type ExecutorConfig = z.output<typeof executorSchema>;

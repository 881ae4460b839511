import { slurmOptionsSchema, type SlurmOptions } from '../../config/slurm.js';
import { SluiceError } from '../../core/errors.js';

export type { SlurmOptions };

/** Flag values from the command line; each replaces the YAML's value. */
export type SlurmFlags = Partial<Pick<SlurmOptions, 'partition' | 'time' | 'cpus_per_task' | 'mem' | 'max_running' | 'workdir'>> & { sbatch_args?: string[] };

/** YAML options with command-line flags applied (extra sbatch args are appended), validated again. */
export function withFlags(options: SlurmOptions, flags: SlurmFlags): SlurmOptions {
  const merged: Record<string, unknown> = { ...options };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) merged[k] = k === 'sbatch_args' ? [...options.sbatch_args, ...(v as string[])] : v;
  const parsed = slurmOptionsSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const flag = `--${String(issue.path[0] ?? '').replace(/_/g, '-')}`;
  throw new SluiceError('SLUICE_USAGE', `${flag}: ${issue.message} (got ${JSON.stringify(merged[String(issue.path[0])])})`);
}

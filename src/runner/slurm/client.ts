import { execFile } from 'node:child_process';
import { SluiceError } from '../../core/errors.js';
import { parseSqueue, SQUEUE_FORMAT, taskRecords, type QueueEntry, type TaskRecord } from './status.js';

interface Output {
  stdout: string;
  stderr: string;
}

class CommandFailed extends Error {
  constructor(
    readonly command: string,
    readonly code: number | string | null,
    readonly stderr: string,
  ) {
    super(`${command} failed (${code}): ${stderr.trim() || '(no output)'}`);
  }
}

/** The Slurm user commands sluice calls, each with a timeout, errors carrying what the command said. */
export class SlurmClient {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  private run(command: string, args: string[], timeoutMs = 60_000): Promise<Output> {
    return new Promise((resolve, reject) => {
      execFile(command, args, { env: this.env, timeout: timeoutMs, maxBuffer: 256 << 20, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ stdout, stderr });
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          return reject(
            new SluiceError('SLUICE_EXECUTOR', `${command} not found: this machine has no Slurm client commands`, {
              hint: 'run `sluice run --executor slurm` on a login node of the cluster (or install slurm-client), or use the local executor',
            }),
          );
        }
        reject(new CommandFailed(command, code ?? null, stderr || err.message));
      });
    });
  }

  private async runOrThrow(command: string, args: string[]): Promise<Output> {
    try {
      return await this.run(command, args);
    } catch (err) {
      if (err instanceof CommandFailed) {
        throw new SluiceError('SLUICE_EXECUTOR', `\`${command} ${args.join(' ')}\` failed: ${err.stderr.trim() || `exit ${String(err.code)}`}`, {
          hint: /configuration (source|file)/.test(err.stderr)
            ? 'the Slurm commands cannot read slurm.conf: set SLURM_CONF to its path'
            : 'check the sbatch options (executor.slurm in the pipeline, or the flags)',
        });
      }
      throw err;
    }
  }

  /** Submits a batch script; returns the job id (`--parsable` prints `id` or `id;cluster`). */
  async sbatch(args: string[]): Promise<string> {
    const { stdout } = await this.runOrThrow('sbatch', ['--parsable', ...args]);
    const id = stdout.trim().split(';')[0]!;
    if (!/^\d+$/.test(id)) throw new SluiceError('SLUICE_EXECUTOR', `sbatch printed "${stdout.trim()}" instead of a job id`);
    return id;
  }

  /**
   * Array tasks of these jobs in any state. Ids slurmctld no longer knows (purged after MinJobAge)
   * are left out; when it knows none of them, squeue fails with "Invalid job id", which means [].
   */
  async queue(jobIds: readonly string[]): Promise<QueueEntry[]> {
    if (jobIds.length === 0) return [];
    try {
      const { stdout } = await this.run('squeue', ['-h', '-r', '-t', 'all', '-j', jobIds.join(','), '-o', SQUEUE_FORMAT]);
      return parseSqueue(stdout);
    } catch (err) {
      if (err instanceof CommandFailed && /Invalid job id/i.test(err.stderr)) return [];
      throw err;
    }
  }

  /** Exit codes and nodes of an array's tasks (scontrol is the only user command that has them without accounting). */
  async tasks(jobId: string): Promise<TaskRecord[]> {
    try {
      const { stdout } = await this.run('scontrol', ['-o', 'show', 'job', jobId]);
      return taskRecords(stdout);
    } catch (err) {
      if (err instanceof CommandFailed) return [];
      throw err;
    }
  }

  async cancel(jobIds: readonly string[]): Promise<void> {
    if (jobIds.length === 0) return;
    try {
      await this.run('scancel', [...jobIds]);
    } catch (err) {
      if (!(err instanceof CommandFailed)) throw err;
    }
  }

  /** The cluster's MaxArraySize: array indices must stay below it (Slurm's default is 1001). */
  async maxArraySize(): Promise<number> {
    const { stdout } = await this.runOrThrow('scontrol', ['show', 'config']);
    const m = /^MaxArraySize\s*=\s*(\d+)/m.exec(stdout);
    return m ? Number(m[1]) : 1001;
  }
}

export function isTransientFailure(err: unknown): boolean {
  return err instanceof CommandFailed;
}

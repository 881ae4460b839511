/**
 * `sluice run --executor slurm`: each phase of the pipeline becomes one Slurm job array (one array
 * task per sluice task), chained with afterok dependencies; this process watches them and, once
 * every task's completion marker exists, finalizes the run exactly as a local run does.
 *
 * Each array task runs the same entry point any scheduler can use:
 *   sluice run P.yaml --out DIR --phase P --rank $SLURM_ARRAY_TASK_ID --world W
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SluiceError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { cliEntry } from '../entry-points.js';
import type { ExecuteContext, Executor } from '../executor.js';
import { OutputLayout } from '../layout.js';
import type { PreparedRun } from '../prepare.js';
import { unfinishedRanks } from '../marker.js';
import { arraySpec, chunkRanks } from './array-spec.js';
import { SlurmClient } from './client.js';
import { monitorSubmission, type MonitorResult } from './monitor.js';
import type { SlurmOptions } from './options.js';
import { phaseScript } from './script.js';
import { classify } from './status.js';
import { commentOf, readSubmission, slurmDir, taskLogDir, writeSubmission, type Submission, type SubmittedArray } from './submission.js';

/**
 * Submits (or re-attaches to jobs an earlier invocation left in the queue) and watches until every
 * task's marker exists. With `workdir` set, the leader runs from it, as the array tasks do, so
 * relative paths mean the same files everywhere.
 */
export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  readonly workdir: string | undefined;
  private earlier: { submission: Submission; active: string[] } | undefined;

  constructor(
    private readonly options: SlurmOptions,
    private readonly client: SlurmClient = new SlurmClient(),
  ) {
    this.workdir = options.workdir;
  }

  async check(outDir: string, opts: { fresh: boolean }): Promise<void> {
    const submission = await readSubmission(new OutputLayout(outDir));
    const active = submission ? await activeArrays(this.client, submission) : [];
    if (active.length > 0 && opts.fresh) {
      throw new SluiceError('SLUICE_EXECUTOR', `jobs ${active.join(', ')} of an earlier submit still run in ${outDir}; --fresh would delete their output under them`, {
        hint: `wait for them, or cancel them first: scancel ${active.join(' ')}`,
      });
    }
    if (submission) this.earlier = { submission, active };
  }

  async execute(prepared: PreparedRun, ctx: ExecuteContext): Promise<void> {
    const { layout, phases } = prepared;
    let submission: Submission;
    if (this.earlier && this.earlier.active.length > 0) {
      ctx.log.info(`jobs ${this.earlier.active.join(', ')} from an earlier submit are still queued or running: watching them instead of submitting again`);
      submission = this.earlier.submission;
    } else {
      if (!('file' in ctx.pipeline)) throw new SluiceError('SLUICE_INTERNAL', 'the Slurm executor needs a pipeline file');
      const submitted = await submitPhases({ prepared, pipelineFile: ctx.pipeline.file, options: this.options, client: this.client, strict: ctx.strict, log: ctx.log });
      if (!submitted) return;
      submission = submitted;
    }
    const result = await monitorSubmission({
      client: this.client,
      layout,
      phases: phases.map((p) => ({ id: p.id, tasks: p.tasks })),
      submission,
      pollSeconds: this.options.poll_seconds,
      markerGraceSeconds: this.options.marker_grace_seconds,
      log: ctx.log,
      signal: ctx.signal,
    });
    if (result.failed.length > 0 || result.cancelledUpstream.size > 0) throw failureError(result);
  }
}

/** Arrays of `submission` that still have tasks pending or running. */
async function activeArrays(client: SlurmClient, submission: Submission): Promise<string[]> {
  const entries = await client.queue(submission.arrays.map((a) => a.jobId));
  const live = entries.filter((e) => e.comment === commentOf(submission.token) && ['pending', 'running'].includes(classify(e.state, e.reason)));
  return [...new Set(live.map((e) => e.jobId))];
}

interface SubmitPlan {
  prepared: PreparedRun;
  pipelineFile: string;
  options: SlurmOptions;
  client: SlurmClient;
  strict: boolean;
  log: Logger;
}

/**
 * One array per phase holding only the tasks without a completion marker, each waiting (afterok)
 * for the arrays submitted just before it in this same call: never for ids from an earlier call,
 * which Slurm may have purged, and a dependency on an unknown id counts as satisfied.
 * Returns undefined when there is nothing left to run.
 */
async function submitPhases(plan: SubmitPlan): Promise<Submission | undefined> {
  const { prepared, options, client, log } = plan;
  const { layout, phases, world } = prepared;
  const submission: Submission = { version: 1, token: randomBytes(6).toString('hex'), submitted: new Date().toISOString(), arrays: [] };
  let maxArraySize: number | undefined;
  let previous: string[] = [];
  try {
    for (const phase of phases) {
      const ranks = await unfinishedRanks(layout, phase, log);
      if (ranks.length === 0) continue;
      maxArraySize ??= await client.maxArraySize();
      await mkdir(taskLogDir(layout, phase.id), { recursive: true });
      const ids: string[] = [];
      for (const chunk of chunkRanks(ranks, maxArraySize)) {
        const script = join(slurmDir(layout), chunk.offset === 0 ? `${phase.id}.sbatch` : `${phase.id}+${chunk.offset}.sbatch`);
        await mkdir(slurmDir(layout), { recursive: true });
        await writeFile(
          script,
          phaseScript({
            pipelineName: prepared.loaded.config.name,
            pipelineFile: plan.pipelineFile,
            outDir: layout.dir,
            cli: cliEntry(),
            node: options.node ?? process.execPath,
            workdir: process.cwd(),
            phase: phase.id,
            tasks: phase.tasks,
            world,
            offset: chunk.offset,
            logDir: taskLogDir(layout, phase.id),
            comment: commentOf(submission.token),
            strict: plan.strict,
            options,
          }),
          { mode: 0o755 },
        );
        const array = arraySpec(chunk.indices, options.max_running);
        const args = [`--array=${array}`, ...(previous.length > 0 ? [`--dependency=afterok:${previous.join(':')}`] : []), script];
        const jobId = await client.sbatch(args);
        const entry: SubmittedArray = { phase: phase.id, jobId, offset: chunk.offset, ranks: chunk.indices.map((i) => i + chunk.offset), array, after: previous, script };
        submission.arrays.push(entry);
        await writeSubmission(layout, submission);
        ids.push(jobId);
        log.info(`${phase.id}: submitted ${entry.ranks.length} of ${phase.tasks} task(s) as job ${jobId} (--array=${array}${previous.length > 0 ? `, after ${previous.join(',')}` : ''})`);
      }
      previous = ids;
    }
  } catch (err) {
    const ids = submission.arrays.map((a) => a.jobId);
    if (ids.length > 0) {
      log.warn(`submitting failed: cancelling jobs ${ids.join(', ')} submitted so far`);
      await client.cancel(ids);
    }
    throw err;
  }
  if (submission.arrays.length === 0) return undefined;
  log.info(`task logs: ${layout.logsDir}/<phase>/<rank>.log`);
  return submission;
}

function failureError(result: MonitorResult): SluiceError {
  const lines: string[] = [];
  const failed = [...result.failed].sort((a, b) => (a.phase === b.phase ? a.rank - b.rank : a.phase < b.phase ? -1 : 1));
  for (const f of failed) {
    const how = [f.state, f.exitCode === undefined ? undefined : f.signal ? `signal ${f.signal}` : `exit ${f.exitCode}`, f.node && `node ${f.node}`].filter(Boolean).join(', ');
    lines.push(`  ${f.phase} task ${f.rank} (job ${f.jobId}_${f.index}): ${how}${f.reason && f.reason !== 'None' && f.reason !== 'NonZeroExitCode' ? ` (${f.reason})` : ''}`);
    lines.push(`    log: ${f.log}`);
    for (const l of f.tail) lines.push(`    | ${l}`);
  }
  const cancelled = [...result.cancelledUpstream].map(([phase, n]) => `${phase} ${n}`);
  if (cancelled.length > 0) lines.push(`  cancelled because an earlier phase failed: ${cancelled.join(', ')} task(s)`);
  const head = failed.length > 0 ? `${failed.length} Slurm task(s) failed` : 'Slurm tasks were cancelled';
  return new SluiceError('SLUICE_TASK_FAILED', `${head}:\n${lines.join('\n')}`, {
    hint: 'fix the cause and run the same command again: finished tasks are kept, only unfinished ones are resubmitted (after editing an input file, add --allow-changed-inputs)',
  });
}

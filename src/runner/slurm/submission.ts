import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import type { OutputLayout } from '../layout.js';

/** One sbatch --array call: ranks `offset + index` of one phase. */
export interface SubmittedArray {
  phase: string;
  jobId: string;
  offset: number;
  /** The ranks this array runs. */
  ranks: number[];
  array: string;
  /** Job ids this array waits for (afterok), all from the same submission. */
  after: string[];
  script: string;
}

/** What one `sluice run --executor slurm` submitted; a rerun reads it to avoid submitting twice. */
export interface Submission {
  version: 1;
  /** Also in every job's --comment, so a reused job id of another job is not mistaken for ours. */
  token: string;
  submitted: string;
  arrays: SubmittedArray[];
}

export function slurmDir(layout: OutputLayout): string {
  return join(layout.stateDir, 'slurm');
}

export function submissionFile(layout: OutputLayout): string {
  return join(slurmDir(layout), 'submission.json');
}

export function taskLogDir(layout: OutputLayout, phase: string): string {
  return join(layout.logsDir, phase);
}

/** Where array task `rank` of `phase` writes its output. */
export function taskLog(layout: OutputLayout, phase: string, rank: number): string {
  return join(taskLogDir(layout, phase), `${rank}.log`);
}

export function commentOf(token: string): string {
  return `sluice:${token}`;
}

export async function readSubmission(layout: OutputLayout): Promise<Submission | undefined> {
  try {
    return JSON.parse(await readFile(submissionFile(layout), 'utf8')) as Submission;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function writeSubmission(layout: OutputLayout, submission: Submission): Promise<void> {
  await writeFileAtomic(submissionFile(layout), JSON.stringify(submission, null, 2) + '\n');
}

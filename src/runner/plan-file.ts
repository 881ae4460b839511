/**
 * `.sluice/plan.json`: what a run committed to on its first start (plan.ts writes and checks it).
 * Apart from plan.ts so reading a run's state loads no reader or stage.
 */
import { readFile } from 'node:fs/promises';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { ByteRange } from '../io/byte-range.js';
import type { InputFingerprint } from '../io/fingerprint.js';
import type { OutputLayout } from './layout.js';

/** One unit of input work: a file, URL or tree, tagged with the `inputs[]` entry it came from. */
export interface Unit {
  input: number;
  uri: string;
  isDirectory: boolean;
  /** Set when the unit is one piece of a large file (`runner.split_bytes`): its bytes, and its first line number or `kind: bz2-streams`. */
  range?: ByteRange;
  /** The version of the input the run was planned with (absent for stdin and plans of older versions). */
  fingerprint?: InputFingerprint;
}

/** What a run committed to on its first start; reruns must agree with it to resume. */
export interface Plan {
  version: 1;
  name: string;
  config_sha256: string;
  world: number;
  units: Unit[];
  phases: { id: string; tasks: number }[];
  created: string;
}

export async function readPlan(layout: OutputLayout): Promise<Plan | undefined> {
  try {
    return JSON.parse(await readFile(layout.plan, 'utf8')) as Plan;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SluiceError('SLUICE_RESUME_MISMATCH', `${layout.plan} is unreadable: ${errorMessage(err)}`, { file: layout.plan, hint: 'rerun with --fresh to start over' });
  }
}

/**
 * V8's tiering when every core runs a lane. V8 compiles hot functions on background threads,
 * which is free while a core is idle; when `--workers` fills every core, each lane's compiler
 * threads take time from the lanes themselves, and every lane compiles the same code again. A
 * larger interrupt budget (V8 optimises a function after more of its bytecode has run: 1 MiB
 * instead of 66 KiB) makes each process compile only what is hot for longer, once its type
 * feedback has settled. The e2e bench's rows `full, 2 workers, lanes' budget / V8's default`
 * measure it (2 workers on a 2-core machine, 10 MB: 5.65 -> 4.89 s of CPU); one-off runs over
 * 43 MB gave 11.4 -> 9.5 s of CPU and 6.6 -> 5.5 s of wall time, and background-thread CPU per
 * process 1.9 -> 0.9-1.0 s; over 172 MB the same within noise. With a core to spare (1 worker)
 * the compiles cost no wall time and the later tier-up adds some (main thread +0.6 s on 43 MB,
 * one-off), so the default stays.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

const BUSY_CORES_INTERRUPT_BUDGET = 1 << 20;
const FLAG = '--interrupt-budget';

/** Whether the user set the budget already (node flags or NODE_OPTIONS): theirs stands. */
function userSetBudget(): boolean {
  return process.execArgv.some((a) => a.startsWith(FLAG)) || (process.env['NODE_OPTIONS'] ?? '').includes(FLAG);
}

/** The V8 flags for each of `workers` lanes on `cores` cores: the larger budget when the lanes fill every core. */
export function laneJitFlags(workers: number, cores = availableParallelism()): string[] {
  if (workers < 2 || workers < cores || userSetBudget()) return [];
  return [`${FLAG}=${BUSY_CORES_INTERRUPT_BUDGET}`];
}

/** Sets `laneJitFlags` in this process (the leader, before its first task) and returns them for the workers it forks. */
export function applyLaneJitFlags(workers: number): string[] {
  const flags = laneJitFlags(workers);
  for (const flag of flags) setFlagsFromString(flag);
  return flags;
}

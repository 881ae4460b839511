/** Shared by the fault tests (tests/runner/faults): spawn the CLI asynchronously, look for leftovers. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, ROOT } from './cli.js';
import { readDataset } from './parquet.js';

export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Started {
  child: ChildProcess;
  /** Output so far. */
  stderr(): string;
  done: Promise<Finished>;
}

/** Starts the CLI in its own process group (a test can signal it and its workers together). */
export function start(args: string[], opts: { cwd?: string } = {}): Started {
  const t0 = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: opts.cwd ?? ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<Finished>((resolve) => child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - t0 })));
  return { child, stderr: () => stderr, done };
}

export function run(args: string[], opts: { cwd?: string } = {}): Promise<Finished> {
  return start(args, opts).done;
}

/** Polls until `cond` holds; fails the test with `what` after `ms`. */
export async function waitFor(cond: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Every file under `dir` (relative paths). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile());
}

/** Temp files of atomic writes that a finished run must not leave behind. */
export function leftoverTemps(dir: string): string[] {
  return filesUnder(dir).filter((p) => /(^|\/)\.[^/]+\.tmp$/.test(p) || p.endsWith('.stale'));
}

export function markerCount(out: string, phase = 'docs-0'): number {
  const d = join(out, '.sluice', 'tasks', phase);
  return existsSync(d) ? readdirSync(d).filter((n) => n.endsWith('.json')).length : 0;
}

/** The text of a task's completion marker (its `started` time tells whether a rerun ran it again). */
export function markerText(out: string, phase: string, rank: number): string | undefined {
  const p = join(out, '.sluice', 'tasks', phase, `${String(rank).padStart(5, '0')}.json`);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

export async function sortedIds(out: string): Promise<string[]> {
  return (await readDataset(out, ['id'])).map((r) => r['id'] as string).sort();
}

/** Parquet shard files and their bytes, for byte-identical comparisons. */
export function shardBytes(out: string): Map<string, Buffer> {
  const dir = join(out, 'shards');
  return new Map(
    readdirSync(dir)
      .filter((n) => n.endsWith('.parquet'))
      .sort()
      .map((n) => [n, readFileSync(join(dir, n))]),
  );
}

/** No stack frame, no unhandled-error report: what a user must never see. */
export const TRACE = /^\s+at .+[:(]|Unhandled 'error' event|ERR_STREAM_DESTROYED|internal error/m;

/**
 * One writer per output directory. A run holds `<out>/.sluice.lock` from before it touches the
 * directory until it exits; a second run fails at once and names the holder.
 *
 * The lock file is created with link(2) from a temp file (createFileExclusive): link is atomic on
 * local filesystems and on NFS, where O_EXCL was not always honoured, so two hosts cannot both win.
 * A holder that died is detected two ways:
 *   - same host: its pid is gone, or the pid now belongs to a process started at another time;
 *   - another host (a Slurm submitter on a login node, a job on a compute node): the holder touches
 *     the file every HEARTBEAT_MS, and a lock whose mtime is older than STALE_MS is stale.
 * The heartbeat also checks that the file still names this holder; if another run took it over
 * (after wrongly judging it stale), `onLost` fires so this run stops instead of writing beside it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SluiceError, errorMessage } from '../core/errors.js';
import { createFileExclusive } from '../io/atomic.js';

export const HEARTBEAT_MS = 30_000;
export const STALE_MS = 5 * 60_000;

/** What the lock file says about its holder. */
export interface LockHolder {
  token: string;
  /** `run`: a local run (it and its workers write); `slurm`: a submitter whose array tasks write. */
  kind: 'run' | 'slurm';
  host: string;
  pid: number;
  /** Start time of the holder process (Linux /proc clock ticks), so a reused pid is not mistaken for it. */
  pid_start?: string;
  started: string;
  command: string;
}

export function lockPath(outDir: string): string {
  return join(outDir, '.sluice.lock');
}

/** Fields 3 onwards of /proc/<pid>/stat, or undefined where there is no /proc (or no such process). */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields resume after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Start time of `pid` (field 22 of /proc/<pid>/stat, in clock ticks since boot). */
function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a killed process its parent has not reaped yet (a zombie) still answers kill(0)
  const state = procStat(pid)?.[0];
  return state !== 'Z' && state !== 'X';
}

/** Why `holder` no longer holds the lock, or undefined while it may still be running. */
export function staleReason(holder: LockHolder, mtimeMs: number, now = Date.now()): string | undefined {
  if (holder.host === hostname()) {
    if (!pidAlive(holder.pid)) return `process ${holder.pid} is gone`;
    const start = processStart(holder.pid);
    if (holder.pid_start !== undefined && start !== undefined && start !== holder.pid_start) return `process ${holder.pid} is another process now`;
    return undefined;
  }
  const age = now - mtimeMs;
  return age > STALE_MS ? `its heartbeat stopped ${Math.round(age / 1000)} s ago` : undefined;
}

export function describeHolder(h: LockHolder): string {
  return `${h.kind === 'slurm' ? 'a Slurm submitter' : 'a run'} (pid ${h.pid} on ${h.host}, since ${h.started}: ${h.command})`;
}

/** The holder and mtime of the lock, or undefined when there is none. */
export async function readLock(outDir: string): Promise<{ holder: LockHolder; mtimeMs: number } | undefined> {
  const path = lockPath(outDir);
  try {
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    return { holder: JSON.parse(text) as LockHolder, mtimeMs: st.mtimeMs };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if (err instanceof SyntaxError) {
      // a lock being written is never seen half-written (link of a complete file), so this is damage
      throw new SluiceError('SLUICE_LOCKED', `${path} is not a sluice lock file`, { file: path, hint: 'if no run is writing to this directory, delete the file' });
    }
    throw err;
  }
}

export class OutputLock {
  private timer: NodeJS.Timeout | undefined;
  private released = false;
  private readonly releaseOnExit = (): void => this.releaseSync();

  private constructor(
    readonly path: string,
    readonly holder: LockHolder,
    private readonly onLost: (why: string) => void,
  ) {}

  /**
   * Takes the lock of `outDir` (creating the directory), breaking a stale one; throws
   * SLUICE_LOCKED naming the holder when another live run has it.
   */
  static async acquire(outDir: string, opts: { kind: LockHolder['kind']; onLost: (why: string) => void; log?: { warn(msg: string): void } }): Promise<OutputLock> {
    const path = lockPath(outDir);
    const start = processStart(process.pid);
    const holder: LockHolder = {
      token: randomBytes(8).toString('hex'),
      kind: opts.kind,
      host: hostname(),
      pid: process.pid,
      ...(start === undefined ? {} : { pid_start: start }),
      started: new Date().toISOString(),
      command: process.argv.slice(1).join(' '),
    };
    await mkdir(outDir, { recursive: true });
    for (let attempt = 0; attempt < 5; attempt++) {
      if (await createFileExclusive(path, JSON.stringify(holder, null, 2) + '\n')) {
        const lock = new OutputLock(path, holder, opts.onLost);
        lock.start();
        return lock;
      }
      const existing = await readLock(outDir);
      if (!existing) continue; // released between our attempt and the read
      const why = staleReason(existing.holder, existing.mtimeMs);
      if (why === undefined) {
        throw new SluiceError('SLUICE_LOCKED', `${outDir} is in use by ${describeHolder(existing.holder)}`, {
          file: path,
          hint: 'wait for that run to finish, or write to another directory with --out; if you are sure it is dead on another host, delete the lock file',
        });
      }
      opts.log?.warn(`breaking the stale lock of ${describeHolder(existing.holder)}: ${why}`);
      await breakLock(path, existing.holder.token);
    }
    throw new SluiceError('SLUICE_LOCKED', `could not take the lock ${path}: other runs keep taking it`, { file: path });
  }

  private start(): void {
    process.on('exit', this.releaseOnExit);
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Touches the lock (for other hosts' staleness check) and makes sure it is still ours. */
  private async beat(): Promise<void> {
    if (this.released) return;
    try {
      const text = await readFile(this.path, 'utf8');
      if ((JSON.parse(text) as LockHolder).token !== this.holder.token) throw new Error('another run holds it now');
      const now = new Date();
      await utimes(this.path, now, now);
    } catch (err) {
      if (this.released) return;
      this.stopTimer();
      this.onLost(`lost the lock ${this.path}: ${errorMessage(err)}`);
    }
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stopTimer();
    process.off('exit', this.releaseOnExit);
    try {
      if ((JSON.parse(await readFile(this.path, 'utf8')) as LockHolder).token === this.holder.token) await unlink(this.path);
    } catch {
      // already gone, or another run's now: not ours to remove
    }
  }

  /** For process.exit paths (a second Ctrl-C), where no promise runs any more. */
  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if ((JSON.parse(readFileSync(this.path, 'utf8')) as LockHolder).token === this.holder.token) unlinkSync(this.path);
    } catch {
      // as above
    }
  }
}

/**
 * Removes a stale lock without removing a fresh one another process created meanwhile: the file
 * is renamed to a private name first (atomic), and put back if it turns out not to be the stale one.
 */
async function breakLock(path: string, staleToken: string): Promise<void> {
  const aside = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  let token: string | undefined;
  try {
    token = (JSON.parse(await readFile(aside, 'utf8')) as LockHolder).token;
  } catch {
    token = undefined;
  }
  if (token !== undefined && token !== staleToken) {
    // someone else's live lock: give it back (link fails if yet another run took the name meanwhile)
    await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return;
  }
  await unlink(aside).catch(() => undefined);
}

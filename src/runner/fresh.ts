/**
 * `--fresh` discards an earlier output, and only that: a directory that is empty or holds nothing
 * but what sluice writes. Never the current directory, one above it, or one holding an input or
 * the pipeline file. The old output is moved aside inside the directory (a rename, so a crash
 * cannot leave it half deleted) and removed once the new plan is written.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, rename, rm } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { TEMP_NAME } from '../io/atomic.js';
import type { OutputLayout } from './layout.js';

/** Top-level names sluice itself writes in an output directory (`fetched`: the fetch stage's WARC files, src/fetch/). */
const OWN_ENTRIES = new Set(['shards', 'rejects', 'fetched', 'manifest.json', 'stats.json', 'report-data.json', 'report.html', 'compare.html', '.sluice', '.sluice.lock']);
const DISCARDED = '.sluice-discarded-';

function isOwn(name: string): boolean {
  return OWN_ENTRIES.has(name) || name.startsWith(DISCARDED) || TEMP_NAME.test(name);
}

async function real(path: string): Promise<string> {
  return realpath(path).catch(() => resolve(path));
}

function within(dir: string, path: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function refuse(dir: string, why: string, hint: string): SluiceError {
  return new SluiceError('SLUICE_USAGE', `--fresh refuses to delete ${dir}: ${why}`, { file: dir, hint });
}

/**
 * Throws unless `--fresh` may discard `layout.dir`. `protectedPaths`: local inputs and the pipeline
 * file, none of which may lie inside it.
 */
export async function checkFreshTarget(layout: OutputLayout, protectedPaths: readonly string[]): Promise<void> {
  let names: string[];
  try {
    names = await readdir(layout.dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const dir = await real(layout.dir);
  const cwd = await real(process.cwd());
  if (within(dir, cwd)) {
    throw refuse(layout.dir, dir === cwd ? 'it is the current directory' : 'the current directory is inside it', 'write the output to a directory of its own, e.g. --out out/NAME');
  }
  for (const p of protectedPaths) {
    const path = await real(p);
    if (within(dir, path)) throw refuse(layout.dir, `it holds ${relative(dir, path) || path}, an input of this run`, 'write the output to a directory of its own');
  }
  const foreign = names.filter((n) => !isOwn(n)).sort();
  if (foreign.length === 0) return;
  const isOutput = names.includes('.sluice');
  const list = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, and ${foreign.length - 5} more` : '');
  throw refuse(
    layout.dir,
    isOutput ? `besides a sluice output it holds files sluice did not write (${list})` : `it is not a sluice output directory (it holds ${list})`,
    isOutput ? 'move those files elsewhere first, or write to another directory with --out' : 'point --out at an empty or new directory, or at an earlier sluice output',
  );
}

/** Moves the old output's entries into a hidden folder beside them (removeDiscarded deletes it). */
export async function moveAside(layout: OutputLayout): Promise<void> {
  const names = (await readdir(layout.dir).catch((): string[] => [])).filter((n) => isOwn(n) && n !== '.sluice.lock' && !n.startsWith(DISCARDED));
  if (names.length === 0) return;
  const aside = join(layout.dir, `${DISCARDED}${randomBytes(4).toString('hex')}`);
  await mkdir(aside);
  for (const n of names) await rename(join(layout.dir, n), join(aside, n));
}

/** Removes every moved-aside old output (also those a crash left behind); call with the lock held. */
export async function removeDiscarded(layout: OutputLayout): Promise<void> {
  const names = await readdir(layout.dir).catch((): string[] => []);
  await Promise.all(names.filter((n) => n.startsWith(DISCARDED)).map((n) => rm(join(layout.dir, n), { recursive: true, force: true })));
}

/**
 * Deletes temp files that interrupted writes left anywhere in the output (shards, rejects, spills,
 * dedup work files, the plan). Only safe while no task runs: with the lock held, before the tasks
 * start or after every task finished.
 */
export async function removeTempFiles(layout: OutputLayout): Promise<number> {
  let removed = 0;
  const sweep = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (depth === 0 && !isOwn(e.name)) continue;
        if (e.name.startsWith(DISCARDED)) continue;
        await sweep(path, depth + 1);
      } else if (TEMP_NAME.test(e.name) || /^\.sluice\.lock\..+\.stale$/.test(e.name)) {
        await rm(path, { force: true });
        removed++;
      }
    }
  };
  await sweep(layout.dir, 0);
  return removed;
}

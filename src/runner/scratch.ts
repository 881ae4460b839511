/**
 * What a finished run no longer needs: the documents spilled between phases and the stages'
 * scratch (dedup keys, signatures, clusters), often as large as the shards themselves. They are
 * removed once the manifest is written (`--keep-scratch` keeps them, `sluice clean OUT` removes
 * them later). A note is written first, so a crash halfway through still tells resume and
 * `verify` that the spills are gone on purpose, and a later rerun that must redo any task redoes
 * them all, since the phases after a barrier read every task's scratch.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { pathExists } from '../io/exists.js';
import type { OutputLayout } from './layout.js';

export interface ScratchRemoval {
  removed: string;
  bytes: number;
  paths: string[];
}

async function sizeOf(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const name of await readdir(path)) total += await sizeOf(join(path, name));
  return total;
}

/** Removes the spills and stage scratch of a finished run; returns what was freed. */
export async function removeScratch(layout: OutputLayout): Promise<ScratchRemoval> {
  const dirs = [layout.spillDir, layout.workDir];
  let bytes = 0;
  for (const d of dirs) bytes += await sizeOf(d);
  const note: ScratchRemoval = { removed: new Date().toISOString(), bytes, paths: ['.sluice/spill', '.sluice/work'] };
  await writeFileAtomic(layout.scratchRemoved, JSON.stringify(note, null, 2) + '\n');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
  return note;
}

export function scratchWasRemoved(layout: OutputLayout): Promise<boolean> {
  return pathExists(layout.scratchRemoved);
}

/** Before a rerun writes new scratch, the note must go: the new spills are real again. */
export async function forgetScratchRemoval(layout: OutputLayout): Promise<void> {
  await rm(layout.scratchRemoved, { force: true });
}

/**
 * What an interrupted attempt of a task leaves in the output, and how it goes.
 *
 * A task's next attempt removes its own leftovers by name (`cleanTaskOutputs`), so the rerun
 * neither loses nor duplicates documents. By name, not by listing: `shards/`, each
 * `rejects/<stage>/` and the spill folder hold a file of every task, and a listing per task made a
 * phase of W tasks read about W^2 names. Once every task has finished, finalize lists those folders
 * once (`removeUnclaimedOutputs`) and removes what no task marker claims: a run's shards and
 * rejects are then exactly what its manifest and markers say, whatever an attempt left.
 */
import { readdir, unlink } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { TEMP_NAME, taskTempPathFor } from '../io/atomic.js';
import { outputError } from '../io/output-error.js';
import { shardFileName } from '../shard/shard-name.js';
import type { OutputLayout } from './layout.js';
import type { TaskMarker } from './marker.js';

/** Removes `path`; false when there was nothing to remove. */
async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw outputError(path, err);
  }
}

/** A file and the temp name its writer gives it while it is written (`taskTempPathFor`). */
async function removeWithTemp(path: string): Promise<boolean> {
  const [file, temp] = await Promise.all([removeIfPresent(path), removeIfPresent(taskTempPathFor(path))]);
  return file || temp;
}

async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}

/**
 * Removes whatever an interrupted attempt of docs task `rank` of `phase` left: its shards (numbered
 * from 0 without gaps, so the first number with neither a shard nor its temp file ends them), its
 * rejects file in each stage's folder, its spill, and the temp files of each.
 */
export async function cleanTaskOutputs(layout: OutputLayout, phase: string, rank: number): Promise<void> {
  const prefix = layout.shardPrefix(rank);
  let seq = 0;
  while (await removeWithTemp(join(layout.shardsDir, shardFileName(prefix, seq)))) seq++;
  const rejectName = layout.rejectsFileName(phase, rank);
  const stages = await subfolders(layout.rejectsDir);
  await Promise.all(stages.map((stage) => removeWithTemp(join(layout.rejectsDir, stage, rejectName))));
  await removeWithTemp(layout.spill(phase, rank));
}

/** Names `shardPrefix` and `shardFileName` give, and `rejectsFileName`: the only names the sweep may remove besides temp files. */
const SHARD_NAME = /^part-\d+-\d+\.parquet$/;
const REJECTS_NAME = /^.+-\d+\.jsonl\.zst$/;

/**
 * Removes from `shards/` and `rejects/<stage>/` the temp files and the task outputs that no marker
 * claims: an attempt's extra shard or rejects file that its task's rerun did not write again, and
 * temp files of writes a kill cut short. Returns their paths, relative to the output directory.
 * Only safe once every task has finished; safe to run twice, or from two processes at once.
 */
export async function removeUnclaimedOutputs(layout: OutputLayout, markers: ReadonlyMap<string, readonly TaskMarker[]>, finalPhase: string): Promise<string[]> {
  const shards = new Set((markers.get(finalPhase) ?? []).flatMap((m) => m.shards.map((s) => s.path)));
  const rejects = new Set<string>();
  for (const list of markers.values()) {
    // markers of older versions hold absolute paths
    for (const m of list) for (const r of m.rejects) rejects.add(isAbsolute(r.path) ? relative(layout.rejectsDir, r.path) : r.path);
  }
  const removed: string[] = [];
  const sweep = async (dir: string, label: string, claimed: (name: string) => boolean, outputName: RegExp): Promise<void> => {
    const names = await readdir(dir).catch((): string[] => []);
    for (const name of names) {
      if (!(TEMP_NAME.test(name) || (outputName.test(name) && !claimed(name)))) continue;
      if (await removeIfPresent(join(dir, name))) removed.push(`${label}/${name}`);
    }
  };
  await sweep(layout.shardsDir, 'shards', (name) => shards.has(name), SHARD_NAME);
  for (const stage of await subfolders(layout.rejectsDir)) {
    await sweep(join(layout.rejectsDir, stage), `rejects/${stage}`, (name) => rejects.has(join(stage, name)), REJECTS_NAME);
  }
  return removed;
}

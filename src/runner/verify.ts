/**
 * Checks that what a finished task recorded is still on disk, byte for byte: its shards, rejects
 * and spill, by size and SHA-256 against its marker; and for a whole output, that the manifest
 * agrees with the shards. Used by resume (a damaged task runs again) and by `sluice verify`.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { fileDigest } from '../io/fingerprint.js';
import type { Manifest } from './finalize.js';
import type { OutputLayout } from './layout.js';
import { readPlan } from './plan-file.js';
import { readMarker, type TaskMarker } from './marker.js';
import { scratchWasRemoved } from './scratch.js';

export interface OutputProblem {
  /** The file concerned, relative to the output directory where it lies inside it. */
  file: string;
  problem: string;
  phase?: string;
  rank?: number;
}

export interface VerifyOptions {
  /** Hash every file (else sizes only, for quick checks such as `sluice stats`). */
  checksums: boolean;
  /** The finished run's spills were removed on purpose (scratch.ts): their absence is no problem. */
  scratchRemoved?: boolean;
}

interface Expected {
  path: string;
  bytes?: number;
  sha256?: string;
}

/** The files a marker says its task wrote, as absolute paths (without its spill once the run's scratch was removed). */
export function markerFiles(layout: OutputLayout, marker: TaskMarker, scratchRemoved = false): Expected[] {
  const files: Expected[] = marker.shards.map((s) => ({ path: join(layout.shardsDir, s.path), bytes: s.bytes, sha256: s.sha256 }));
  for (const r of marker.rejects) files.push({ path: isAbsolute(r.path) ? r.path : join(layout.rejectsDir, r.path), bytes: r.bytes, sha256: r.sha256 });
  if (marker.spill && !scratchRemoved) files.push({ path: join(layout.stateDir, marker.spill.path), bytes: marker.spill.bytes, sha256: marker.spill.sha256 });
  return files;
}

/** `path` relative to the output directory when it lies inside it, as users see it in `ls`. */
function shown(layout: OutputLayout, path: string): string {
  const rel = relative(layout.dir, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

async function checkFile(f: Expected, opts: VerifyOptions): Promise<string | undefined> {
  let size: number;
  try {
    size = (await stat(f.path)).size;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'is missing' : `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  if (f.bytes !== undefined && size !== f.bytes) return `is ${size} bytes, ${f.bytes} were written`;
  if (opts.checksums && f.sha256 !== undefined) {
    const { sha256 } = await fileDigest(f.path);
    if (sha256 !== f.sha256) return `has SHA-256 ${sha256.slice(0, 12)}..., ${f.sha256.slice(0, 12)}... was written`;
  }
  return undefined;
}

/** Problems with the files of one finished task; empty when all are intact. */
export async function verifyMarker(layout: OutputLayout, marker: TaskMarker, opts: VerifyOptions): Promise<OutputProblem[]> {
  const problems: OutputProblem[] = [];
  for (const f of markerFiles(layout, marker, opts.scratchRemoved)) {
    const problem = await checkFile(f, opts);
    if (problem !== undefined) problems.push({ file: shown(layout, f.path), problem, phase: marker.phase, rank: marker.rank });
  }
  return problems;
}

export interface VerifyReport {
  problems: OutputProblem[];
  tasks: number;
  files: number;
  complete: boolean;
}

/**
 * Everything `sluice verify OUT` checks: every task of the plan finished and its files intact,
 * the manifest present and its shards identical to the files, and no shard the manifest omits.
 */
export async function verifyOutput(layout: OutputLayout, given: VerifyOptions): Promise<VerifyReport> {
  const opts: VerifyOptions = { ...given, scratchRemoved: given.scratchRemoved ?? (await scratchWasRemoved(layout)) };
  const problems: OutputProblem[] = [];
  const plan = await readPlan(layout);
  if (!plan) return { problems: [{ file: '.sluice/plan.json', problem: 'is missing: this is not a sluice output directory' }], tasks: 0, files: 0, complete: false };
  let tasks = 0;
  let files = 0;
  let complete = true;
  // `path sha256` of every shard a marker vouched for: the manifest check need not read them again
  const checked = new Set<string>();
  for (const phase of plan.phases) {
    for (let rank = 0; rank < phase.tasks; rank++) {
      const marker = await readMarker(layout, phase.id, rank);
      if (!marker) {
        complete = false;
        problems.push({ file: shown(layout, layout.taskMarker(phase.id, rank)), problem: 'is missing: the task has not finished', phase: phase.id, rank });
        continue;
      }
      tasks++;
      files += markerFiles(layout, marker, opts.scratchRemoved).length;
      problems.push(...(await verifyMarker(layout, marker, opts)));
      for (const s of marker.shards) checked.add(`shards/${s.path} ${s.sha256}`);
    }
  }
  problems.push(...(await verifyManifest(layout, opts, checked)));
  return { problems, tasks, files, complete };
}

/**
 * The manifest's shards against the files in `shards/`. Entries in `checked` (`path sha256`, as a
 * task's marker recorded them and verifyMarker already read them) are not read a second time.
 */
export async function verifyManifest(layout: OutputLayout, opts: VerifyOptions, checked: ReadonlySet<string> = new Set()): Promise<OutputProblem[]> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(layout.manifest, 'utf8')) as Manifest;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return [{ file: 'manifest.json', problem: code === 'ENOENT' ? 'is missing: the run has not finished' : `is unreadable (${code ?? String(err)})` }];
  }
  const problems: OutputProblem[] = [];
  const listed = new Set<string>();
  for (const s of manifest.shards) {
    listed.add(s.path);
    if (checked.has(`${s.path} ${s.sha256}`)) continue;
    const problem = await checkFile({ path: join(layout.dir, s.path), bytes: s.bytes, sha256: s.sha256 }, opts);
    if (problem !== undefined) problems.push({ file: s.path, problem: `${problem} (manifest.json)` });
  }
  const names = await readdir(layout.shardsDir).catch((): string[] => []);
  for (const n of names.filter((n) => n.endsWith('.parquet') && !n.startsWith('.'))) {
    if (!listed.has(`shards/${n}`)) problems.push({ file: `shards/${n}`, problem: 'is not listed in manifest.json' });
  }
  return problems;
}

export function describeProblems(problems: OutputProblem[], limit = 20): string {
  const lines = problems.slice(0, limit).map((p) => `  ${p.file} ${p.problem}${p.phase === undefined ? '' : ` (task ${p.phase}/${p.rank})`}`);
  if (problems.length > limit) lines.push(`  ... and ${problems.length - limit} more`);
  return lines.join('\n');
}

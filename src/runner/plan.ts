import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { LoadedPipeline } from '../config/load.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { defaultStepTasks } from '../core/step-tasks.js';
import { createFileExclusive, writeFileAtomic } from '../io/atomic.js';
import { fingerprintChanges, type InputFingerprint } from '../io/fingerprint.js';
import { lineAlignedRanges, lineNumbersAt, type ByteRange } from '../io/byte-range.js';
import { streamAlignedRanges } from '../io/bz2-streams.js';
import { detectCodec, type Codec } from '../io/decompress.js';
import { zstdLineRanges } from '../io/zstd-frames.js';
import { expandPath, inputIdentity } from '../io/resolve.js';
import type { InputFile } from '../io/input.js';
import type { SplitKind } from '../readers/reader.js';
import { isDecompressDamage } from '../readers/strict.js';
import { readers } from '../registry.js';
import type { OutputLayout } from './layout.js';
import { buildPipeline, fuseBarriers, phasesOf, type BuiltPipeline, type PhaseSpec } from './pipeline.js';
import { fileSafeName } from '../core/file-safe-name.js';
import { readPlan, type Plan, type Unit } from './plan-file.js';

export type { Plan, Unit } from './plan-file.js';

export interface ResolvedUnit extends Unit {
  file: InputFile;
}

/** Every input entry expanded, sorted by uri so the split is the same on every machine. */
export async function resolveUnits(loaded: LoadedPipeline, known?: Plan): Promise<ResolvedUnit[]> {
  const units: ResolvedUnit[] = [];
  const seen = new Set<string>();
  for (const [i, input] of loaded.config.inputs.entries()) {
    const reader = readers[input.reader]!;
    for (const [j, pattern] of input.paths.entries()) {
      const files = await expandPath({ pattern, yamlPath: `inputs[${i}].paths[${j}]`, ...(input.base_url === undefined ? {} : { baseUrl: input.base_url }) }, reader.acceptsDirectories ?? false);
      for (const file of files) {
        const key = `${i}\u0000${inputIdentity(file)}`;
        if (seen.has(key)) continue;
        seen.add(key);
        units.push({ input: i, uri: file.uri, isDirectory: file.isDirectory, file });
      }
    }
  }
  units.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.input - b.input));
  const splitKind = (u: ResolvedUnit): SplitKind | undefined => readers[loaded.config.inputs[u.input]!.reader]!.splittable;
  return splitLargeFiles(units, loaded.config.runner.split_bytes ?? DEFAULT_SPLIT_BYTES, splitKind, known);
}

/** Pieces of this size let two workers share a 40 MB file evenly, and keep each task's overhead small against its work. */
export const DEFAULT_SPLIT_BYTES = 8 * 1024 * 1024;

async function codecOf(path: string): Promise<Codec> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await fh.read(head, 0, 4, 0);
    return detectCodec(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The codecs a file may have to be cut as pieces of each kind. */
const CODECS_OF_KIND: Record<SplitKind, readonly Codec[]> = { lines: ['none', 'zstd'], 'bz2-streams': ['bzip2'] };

/** Pieces of one file, or undefined to keep it whole (a single zstd frame or bzip2 stream, or zstd that does not decode). */
async function piecesOf(path: string, size: number, splitBytes: number, kind: SplitKind, codec: Codec): Promise<ByteRange[] | undefined> {
  if (kind === 'bz2-streams') {
    const ranges = await streamAlignedRanges(path, size, splitBytes);
    return ranges.length > 1 ? ranges : undefined;
  }
  if (codec === 'none') return lineAlignedRanges(path, size, splitBytes);
  try {
    return await zstdLineRanges(path, size, splitBytes);
  } catch (err) {
    // read whole, the file's reader reports the damage where it is, with the records before it
    if (isDecompressDamage(err)) return undefined;
    throw err;
  }
}

/**
 * Each large local file of a splittable reader becomes several units, one per piece: an
 * uncompressed file of a line-oriented reader at line starts (io/byte-range.ts), a multi-frame
 * zstd file of such a reader at frame starts (io/zstd-frames.ts: concatenated frames, the seekable
 * format), a bzip2 file of a reader that reads concatenated streams at stream starts
 * (io/bz2-streams.ts). A single zstd frame or bzip2 stream stays one piece. Other files stay
 * whole: gzip and a single zstd frame have no point to start decoding from other than their
 * beginning, bzip2 blocks inside one stream start at bit offsets, and formats whose records span
 * lines or files (WARC, trees) have no line to cut at.
 */
async function splitLargeFiles(units: ResolvedUnit[], splitBytes: number, splitKind: (unit: ResolvedUnit) => SplitKind | undefined, known?: Plan): Promise<ResolvedUnit[]> {
  if (splitBytes <= 0) return units;
  const planned = plannedPieces(known);
  // a file the plan kept whole stays whole: reading it whole is right whatever it holds now, and a
  // scheduler's task, which plans again from the same plan, then stats none of the run's inputs
  const plannedWhole = new Set((known?.units ?? []).filter((u) => !u.range).map(unitKey));
  const out: ResolvedUnit[] = [];
  for (const unit of units) {
    const path = unit.file.localPath;
    const kind = path === undefined || unit.isDirectory ? undefined : splitKind(unit);
    if (kind !== undefined && plannedWhole.has(unitKey(unit))) {
      out.push(unit);
      continue;
    }
    const reuse = kind === undefined ? undefined : await samePieces(unit, planned.get(unitKey(unit)));
    if (reuse) {
      for (const range of reuse) out.push({ ...unit, range: { ...range } });
      continue;
    }
    const size = kind === undefined ? undefined : await unit.file.size();
    if (path === undefined || kind === undefined || size === undefined || size <= splitBytes) {
      out.push(unit);
      continue;
    }
    const codec = await codecOf(path);
    if (!CODECS_OF_KIND[kind].includes(codec)) {
      out.push(unit);
      continue;
    }
    // a single-stream bzip2 or single-frame zstd file is one unit as it was; line pieces of an
    // uncompressed file keep their range (and line number) even when there is one
    const ranges = await piecesOf(path, size, splitBytes, kind, codec);
    if (ranges === undefined) out.push(unit);
    else for (const range of ranges) out.push({ ...unit, range });
  }
  return out;
}

/** A file of one input: what a plan's pieces and whole files are looked up by. */
function unitKey(u: Pick<Unit, 'input' | 'uri'>): string {
  return `${u.input}\u0000${u.uri}`;
}

/** The pieces a committed plan cut each file into, by input and uri. */
function plannedPieces(known: Plan | undefined): Map<string, Unit[]> {
  const byFile = new Map<string, Unit[]>();
  for (const u of known?.units ?? []) {
    if (!u.range) continue;
    const key = unitKey(u);
    const pieces = byFile.get(key);
    if (pieces) pieces.push(u);
    else byFile.set(key, [u]);
  }
  return byFile;
}

/**
 * The plan's pieces of this file when the file is still the version the plan fingerprinted:
 * every process that joins a run (workers, scheduler tasks, a resume) takes the cuts from the
 * plan instead of finding them again, which for a large dump means reading around every cut.
 */
async function samePieces(unit: ResolvedUnit, planned: Unit[] | undefined): Promise<NonNullable<Unit['range']>[] | undefined> {
  const fp = planned?.[0]?.fingerprint;
  if (!planned || fp === undefined || !unit.file.fingerprint) return undefined;
  if (fingerprintChanges(fp, await unit.file.fingerprint({ content: false })).length > 0) return undefined;
  return planned.map((u) => u.range!);
}

/**
 * Fills in the first line number of every line piece that has none (pieces taken from the plan by
 * resolveUnits carry theirs) by counting the file's newlines once. Ids of records without one, and
 * the line numbers in rejects, are then those of reading the file whole. Stream pieces have none.
 * A plan's numbers are never taken for freshly cut pieces: an edited file can be cut at the same
 * offsets with other lines before them.
 */
export async function numberPieces(units: ResolvedUnit[]): Promise<void> {
  const byFile = new Map<string, { path: string; ranges: NonNullable<Unit['range']>[] }>();
  for (const u of units) {
    if (!u.range || u.range.kind === 'bz2-streams' || u.range.firstLine !== undefined) continue;
    const entry = byFile.get(u.uri) ?? { path: u.file.localPath!, ranges: [] };
    entry.ranges.push(u.range);
    byFile.set(u.uri, entry);
  }
  for (const { path, ranges } of byFile.values()) {
    ranges.sort((a, b) => a.start - b.start);
    const lines = await lineNumbersAt(
      path,
      ranges.map((r) => r.start),
    );
    ranges.forEach((r, i) => (r.firstLine = lines[i]!));
  }
}

export interface RunShape {
  units: ResolvedUnit[];
  world: number;
  pipeline: BuiltPipeline;
  phases: PhaseSpec[];
}

/**
 * What a run decides before it writes anything: the input units, the task count, the built stages
 * and the phases. `known`: the plan of the run this one resumes or joins, whose phases it keeps (a
 * sluice with other defaults may have started it): its dedup steps' task counts, and whether
 * barriers in a row share one pass (fuseBarriers).
 */
export async function planRun(loaded: LoadedPipeline, layout: OutputLayout, units: ResolvedUnit[], world: number | undefined, log: Logger, known?: Plan): Promise<RunShape> {
  const w = world ?? defaultWorld(loaded, units.length);
  const planned = known?.config_sha256 === configHash(loaded) ? known.phases : undefined;
  // a run with a plan of the same config (workers, scheduler tasks, resumes) need not stat its inputs
  const byDefault = planned === undefined ? defaultStepTasks(w, await unitBytes(units)) : defaultStepTasks(w);
  const built = await buildPipeline(loaded, layout, w, log, (id) => (planned === undefined ? undefined : plannedStepTasks(planned, id)) ?? byDefault);
  const fuse = planned === undefined ? loaded.config.runner.fuse_barriers !== false : planned.filter((p) => p.id.startsWith('docs-')).length < built.segments.length;
  const pipeline = fuse ? fuseBarriers(built) : built;
  return { units, world: w, pipeline, phases: phasesOf(pipeline, w) };
}

/** The task count of barrier stage `id`'s first step in a plan's phases, if it has one. */
function plannedStepTasks(phases: Plan['phases'], id: string): number | undefined {
  const prefix = fileSafeName(`${id}.`);
  return phases.find((p) => p.id.startsWith(prefix))?.tasks;
}

/** What the units weigh on disk: pieces by their range, local files by their size; undefined when one is unknown (remote, a tree). */
async function unitBytes(units: readonly ResolvedUnit[]): Promise<number | undefined> {
  let total = 0;
  for (const u of units) {
    const bytes = u.range ? u.range.end - u.range.start : u.file.localPath !== undefined && !u.isDirectory ? await u.file.size() : undefined;
    if (bytes === undefined) return undefined;
    total += bytes;
  }
  return total;
}

/** Units of task `rank`: sorted(units)[rank::world]. */
export function unitsOfTask<T>(units: readonly T[], rank: number, world: number): T[] {
  const out: T[] = [];
  for (let i = rank; i < units.length; i += world) out.push(units[i]!);
  return out;
}

/** Hash of everything that decides the output (not where it goes, nor where the tasks run). */
export function configHash(loaded: LoadedPipeline): string {
  const { output, executor: _executor, ...rest } = loaded.config;
  const { dir: _dir, ...outputRest } = output;
  return createHash('sha256')
    .update(JSON.stringify({ ...rest, output: outputRest }))
    .digest('hex');
}

export function defaultWorld(loaded: LoadedPipeline, unitCount: number): number {
  return loaded.config.runner.tasks ?? Math.max(1, unitCount);
}

/** An input whose fingerprint differs from the plan's, and the docs-0 task that reads it. */
export interface ChangedInput {
  uri: string;
  rank: number;
  changes: string[];
}

export interface CommittedPlan {
  plan: Plan;
  /** True when this call wrote the plan (a new run). */
  created: boolean;
  changed: ChangedInput[];
}

function sameUnit(a: Unit, b: Unit): boolean {
  return (
    a.input === b.input &&
    a.uri === b.uri &&
    a.isDirectory === b.isDirectory &&
    a.range?.start === b.range?.start &&
    a.range?.end === b.range?.end &&
    a.range?.firstLine === b.range?.firstLine &&
    a.range?.kind === b.range?.kind &&
    a.range?.firstOffset === b.range?.firstOffset &&
    a.range?.skip === b.range?.skip &&
    a.range?.length === b.range?.length
  );
}

/** Why `existing` is not the run `plan` describes (config, split, input list, phases); empty when it is. */
export function planMismatch(existing: Plan, plan: Plan): string[] {
  const why: string[] = [];
  if (existing.config_sha256 !== plan.config_sha256) why.push('the pipeline configuration changed');
  if (existing.world !== plan.world) why.push(`it was split into ${existing.world} tasks, now ${plan.world}`);
  if (existing.units.length !== plan.units.length || existing.units.some((u, i) => !sameUnit(u, plan.units[i]!))) {
    const then = new Set(existing.units.map((u) => u.uri));
    const now = new Set(plan.units.map((u) => u.uri));
    const added = [...now].filter((u) => !then.has(u));
    const removed = [...then].filter((u) => !now.has(u));
    const list = (xs: string[]): string => xs.slice(0, 5).join(', ') + (xs.length > 5 ? `, and ${xs.length - 5} more` : '');
    const detail = [added.length > 0 ? `added: ${list(added)}` : '', removed.length > 0 ? `removed: ${list(removed)}` : ''].filter(Boolean).join('; ');
    const pieces = [...existing.units, ...plan.units].some((u) => u.range !== undefined);
    if (detail === '' && pieces) {
      why.push(`the pieces that large inputs are read in changed (${existing.units.length} units then, ${plan.units.length} now): a file's size or contents, or runner.split_bytes, changed`);
    } else why.push(`the list of inputs changed (${existing.units.length} then, ${plan.units.length} now${detail ? `; ${detail}` : ''})`);
  }
  // the same config can be cut into other phases by another sluice (a dedup step's default task
  // count, say): the finished phases' files would then be read by tasks they were not written for
  const phase = (p: Plan['phases'][number] | undefined): string => (p ? `${p.id} x${p.tasks}` : 'none');
  for (let i = 0; i < Math.max(existing.phases.length, plan.phases.length); i++) {
    if (phase(existing.phases[i]) === phase(plan.phases[i])) continue;
    why.push(`this sluice splits it into other phases than the one that started it (${phase(existing.phases[i])} then, ${phase(plan.phases[i])} now)`);
    break;
  }
  return why;
}

function mismatchError(layout: OutputLayout, why: string[]): SluiceError {
  return new SluiceError('SLUICE_RESUME_MISMATCH', `${layout.dir} holds a different run: ${why.join('; ')}`, {
    file: layout.plan,
    hint: `rerun with --fresh to discard it, or write to another directory with --out`,
  });
}

/**
 * Records the plan the first time; afterwards checks that a rerun is the same run (same config,
 * same inputs, same split), because resuming a different run would mix outputs, and reports the
 * inputs whose fingerprints changed since (the caller decides whether that is allowed).
 */
export async function commitPlan(layout: OutputLayout, plan: Plan): Promise<CommittedPlan> {
  if (await createFileExclusive(layout.plan, JSON.stringify(plan, null, 2) + '\n')) return { plan, created: true, changed: [] };
  const existing = await readPlan(layout);
  if (!existing) throw new SluiceError('SLUICE_INTERNAL', `${layout.plan} vanished while the output was locked`, { file: layout.plan });
  const why = planMismatch(existing, plan);
  if (why.length > 0) throw mismatchError(layout, why);
  const changed: ChangedInput[] = [];
  existing.units.forEach((unit, i) => {
    const now = plan.units[i]!.fingerprint;
    if (unit.fingerprint === undefined || now === undefined) return;
    const changes = fingerprintChanges(unit.fingerprint, now);
    if (changes.length > 0) changed.push({ uri: unit.uri, rank: i % existing.world, changes });
  });
  return { plan: existing, created: false, changed };
}

/** Checks, without writing, that the plan on disk is this run's (workers and scheduler tasks). */
export async function checkPlan(layout: OutputLayout, plan: Plan): Promise<Plan | undefined> {
  const existing = await readPlan(layout);
  if (!existing) return undefined;
  const why = planMismatch(existing, plan);
  if (why.length > 0) throw mismatchError(layout, why);
  return existing;
}

/** The plan with the fingerprints of `now` (after the changed inputs' tasks were reset). */
export async function updateFingerprints(layout: OutputLayout, plan: Plan, now: Plan): Promise<Plan> {
  const units = plan.units.map((u, i) => {
    const fp = now.units[i]!.fingerprint;
    return fp === undefined ? u : { ...u, fingerprint: { ...u.fingerprint, ...fp } };
  });
  const updated = { ...plan, units };
  await writeFileAtomic(layout.plan, JSON.stringify(updated, null, 2) + '\n');
  return updated;
}

/** Fingerprints of every unit, a few at a time (http inputs each cost a HEAD request). */
export async function fingerprintUnits(units: ResolvedUnit[], content: boolean): Promise<(InputFingerprint | undefined)[]> {
  // the pieces of one file share its fingerprint: stat (or hash) it once
  const firstOf = new Map<string, number>();
  units.forEach((u, i) => {
    if (!firstOf.has(u.uri)) firstOf.set(u.uri, i);
  });
  const distinct = [...firstOf.values()];
  const byUri = new Map<string, InputFingerprint | undefined>();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let k = next++; k < distinct.length; k = next++) {
      const file = units[distinct[k]!]!.file;
      try {
        byUri.set(file.uri, file.fingerprint ? await file.fingerprint({ content }) : undefined);
      } catch (err) {
        throw new SluiceError('SLUICE_INPUT_READ', `cannot fingerprint ${file.uri}: ${errorMessage(err)}`, { file: file.uri, cause: err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, distinct.length) }, worker));
  return units.map((u) => byUri.get(u.uri));
}

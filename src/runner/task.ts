import { hostname } from 'node:os';
import { relative } from 'node:path';
import type { Doc } from '../core/doc.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { Stage, StageContext } from '../core/stage.js';
import { routeWhere } from '../core/route.js';
import { StatsRecorder } from '../core/stats.js';
import { ReportCollector } from '../report/collect.js';
import type { LoadedPipeline } from '../config/load.js';
import { writeFileAtomic } from '../io/atomic.js';
import { fingerprintChanges, type FileDigest } from '../io/fingerprint.js';
import { abortableFile, type FilePiece } from '../io/input.js';
import { pieceOf } from '../io/byte-range.js';
import type { ReaderContext } from '../readers/reader.js';
import { readers } from '../registry.js';
import { ShardWriter, type ShardInfo } from '../shard/shard-writer.js';
import type { OutputLayout } from './layout.js';
import type { TaskMarker, WrittenFile } from './marker.js';
import type { BuiltPipeline, PhaseSpec } from './pipeline.js';
import { unitsOfTask, type ResolvedUnit } from './plan.js';
import { breather } from './breather.js';
import { cleanTaskOutputs } from './leftovers.js';
import { readSpill, SpillWriter } from './spill.js';
import { RejectsSink, truncateRaw, type RejectRecord } from './rejects.js';

/** Live counters a task updates and the executor samples for progress lines. */
export interface TaskProgress {
  docsIn: number;
  charsIn: number;
  docsOut: number;
}

export function newProgress(): TaskProgress {
  return { docsIn: 0, charsIn: 0, docsOut: 0 };
}

export interface TaskRun {
  layout: OutputLayout;
  loaded: LoadedPipeline;
  pipeline: BuiltPipeline;
  phases: PhaseSpec[];
  phase: PhaseSpec;
  units: ResolvedUnit[];
  world: number;
  rank: number;
  strict: boolean;
  log: Logger;
  signal: AbortSignal;
  progress: TaskProgress;
  /** The task's log file alone (task-log.ts), for lines too many for stderr: each bad record, up to BAD_RECORD_LINES. */
  fileLog?: Logger;
}

/** What a task adds to the prepared run. */
export type TaskFields = Pick<TaskRun, 'phase' | 'rank' | 'strict' | 'log' | 'signal' | 'progress' | 'fileLog'>;

/**
 * One task's run, always built with the same fields in the same order. V8 (Node 20) gives an
 * object spread from another (`{ ...prepared, rank }`) a hidden class of its own after a few
 * runs, so each task's run, and the code that reads it, met a new one: the reader's loop
 * deoptimised and compiled again task after task (see the runner README, "Profiling").
 */
export function taskRun(prepared: Pick<TaskRun, 'layout' | 'loaded' | 'pipeline' | 'phases' | 'units' | 'world'>, task: TaskFields): TaskRun {
  return {
    layout: prepared.layout,
    loaded: prepared.loaded,
    pipeline: prepared.pipeline,
    phases: prepared.phases,
    phase: task.phase,
    units: prepared.units,
    world: prepared.world,
    rank: task.rank,
    strict: task.strict,
    log: task.log,
    signal: task.signal,
    progress: task.progress,
    fileLog: task.fileLog,
  };
}

const BAD_RECORD_LINES = 100;

/**
 * The report's collector (src/report/collect.ts), unless `SLUICE_REPORT=off`: the bench's
 * without-collection baseline, and a way out should collection ever cost a run too much.
 */
function newReportCollector(): ReportCollector | undefined {
  return process.env['SLUICE_REPORT'] === 'off' ? undefined : new ReportCollector();
}

/**
 * Passes `docs` through unchanged, calling `onDoc` for each. A plain iterator rather than an async
 * generator: it sits twice around every stage, and a generator's per-item promise hops cost more
 * than a cheap filter does. Classes, not objects of arrow functions: every stage's `for await`
 * then calls the same `[Symbol.asyncIterator]` and `next` in every task, where new closures per
 * task were new call targets that deoptimised each stage's loop at the next task (V8 compiled
 * them again).
 */
function countEach(docs: AsyncIterable<Doc>, onDoc: (doc: Doc) => void): AsyncIterable<Doc> {
  return new CountedStream(docs, onDoc);
}

class CountedStream implements AsyncIterable<Doc> {
  constructor(
    private readonly docs: AsyncIterable<Doc>,
    private readonly onDoc: (doc: Doc) => void,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<Doc> {
    return new CountingIterator(this.docs[Symbol.asyncIterator](), this.onDoc);
  }
}

class CountingIterator implements AsyncIterator<Doc> {
  constructor(
    private readonly it: AsyncIterator<Doc>,
    private readonly onDoc: (doc: Doc) => void,
  ) {}

  next(): Promise<IteratorResult<Doc>> {
    return this.it.next().then((r) => {
      if (!r.done) this.onDoc(r.value);
      return r;
    });
  }

  /** A consumer that stops early (an error downstream) lets the source clean up. */
  return(value?: unknown): Promise<IteratorResult<Doc>> {
    return this.it.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
  }
}

/**
 * Wraps a stage so its stats entry counts what goes in and what comes out; with `sources`, only
 * documents of those sources enter it and the others, counted as `bypassed`, go around it.
 */
function counted(stage: Stage, ctx: StageContext, sources?: ReadonlySet<string>): (docs: AsyncIterable<Doc>) => AsyncIterable<Doc> {
  const counts = ctx.stats.counts;
  const run = (docs: AsyncIterable<Doc>): AsyncIterable<Doc> =>
    countEach(
      stage(
        countEach(docs, () => counts.in++),
        ctx,
      ),
      () => counts.out++,
    );
  return sources
    ? routeWhere(
        run,
        (doc) => sources.has(doc.source),
        () => ctx.stats.count('bypassed'),
      )
    : run;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return Math.round((used.user + used.system) / 1000) / 1000;
}

/** Runs one task of one phase to completion and writes its marker. */
export async function runTask(run: TaskRun): Promise<TaskMarker> {
  const { layout, phase, rank } = run;
  const started = new Date();
  const cpuAtStart = process.cpuUsage();
  // a step writes only its own work files, each under a temp name first: nothing of it to clean
  if (phase.kind === 'docs') await cleanTaskOutputs(layout, phase.id, rank);
  const recorder = new StatsRecorder();
  const collector = phase.kind === 'docs' ? newReportCollector() : undefined;
  let shards: ShardInfo[] = [];
  let rejectFiles: TaskMarker['rejects'] = [];
  let spill: WrittenFile | undefined;
  if (phase.kind === 'step') {
    await phase.step.run(rank, phase.tasks, { signal: run.signal, log: run.log, stats: recorder.stage(phase.barrier, phase.segment + 1000) });
  } else {
    const result = await runDocsPhase(run, recorder, collector);
    shards = result.shards;
    rejectFiles = result.rejects;
    spill = result.spill;
  }
  const marker: TaskMarker = {
    phase: phase.id,
    rank,
    world: run.world,
    stats: recorder.stats,
    ...(collector === undefined ? {} : { report: collector.data() }),
    shards,
    rejects: rejectFiles,
    ...(spill === undefined ? {} : { spill }),
    started: started.toISOString(),
    seconds: (Date.now() - started.getTime()) / 1000,
    cpu_seconds: cpuSecondsSince(cpuAtStart),
    host: hostname(),
    pid: process.pid,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  await writeFileAtomic(layout.taskMarker(phase.id, rank), JSON.stringify(marker) + '\n');
  return marker;
}

async function runDocsPhase(run: TaskRun, recorder: StatsRecorder, collector: ReportCollector | undefined): Promise<{ shards: ShardInfo[]; rejects: TaskMarker['rejects']; spill?: WrittenFile }> {
  const { layout, loaded, pipeline, phase, rank, log, signal, progress } = run;
  const k = phase.segment;
  const segment = pipeline.segments[k]!;
  const rejects = new RejectsSink(layout, phase.id, rank);
  const stageOrder = new Map<string, number>();
  loaded.config.stages.forEach((s, i) => stageOrder.set(s.id, i + 1));

  const contextFor = (id: string): StageContext => ({
    rank,
    world: run.world,
    stage: id,
    stats: recorder.stage(id, stageOrder.get(id) ?? 0),
    signal,
    log: log.child(id),
    strict: run.strict,
    reject(doc, reason, detail) {
      recorder.rejected(id, doc.source, reason);
      collector?.removed(id, doc, 'rejected', reason, detail);
      rejects.addDoc(id, doc, 'rejected', reason, detail);
    },
    duplicate(doc, reason, detail) {
      recorder.duplicate(id, doc.source);
      collector?.removed(id, doc, 'duplicate', reason, detail);
      rejects.addDoc(id, doc, 'duplicate', reason, detail);
    },
  });

  // a later phase's documents come from the spill: they are its docs in (progress.ts says so)
  const fromSpill = (): AsyncIterable<Doc> =>
    countEach(readSpill(layout.spill(`docs-${k - 1}`, rank)), (doc) => {
      progress.docsIn++;
      progress.charsIn += doc.text.length;
    });
  let stream: AsyncIterable<Doc> = k === 0 ? readInputs(run, recorder, rejects, collector) : fromSpill();
  // the barriers that ended the previous segment apply in order (fused ones each count the ordinals of those before)
  if (k > 0) for (const { id, barrier, sources } of pipeline.segments[k - 1]!.barriers) stream = counted(barrier.apply, contextFor(id), sources)(stream);
  for (const stage of segment.stages) stream = counted(stage.run, contextFor(stage.id), stage.sources)(stream);

  const sink: DocSink = segment.barriers.length > 0 ? new SpillSink(layout.spill(phase.id, rank)) : new ShardSink(run, recorder, collector);
  for (const { id, barrier, sources } of segment.barriers) {
    const collect = (docs: AsyncIterable<Doc>): AsyncIterable<Doc> => barrier.collect(docs, contextFor(id));
    stream = sources ? routeWhere(collect, (doc) => sources.has(doc.source))(stream) : collect(stream);
  }
  try {
    await pump(stream, sink, rejects, signal, progress, run);
    const { shards, spill } = await sink.close();
    const rejectFiles: TaskMarker['rejects'] = (await rejects.commit()).map(({ stage, path, rows, bytes, sha256 }) => ({ stage, path: relative(layout.rejectsDir, path), rows, bytes, sha256 }));
    if (spill === undefined) return { shards, rejects: rejectFiles };
    return { shards, rejects: rejectFiles, spill: { path: relative(layout.stateDir, layout.spill(phase.id, rank)), rows: progress.docsOut, ...spill } };
  } catch (err) {
    await sink.abort();
    await rejects.abort();
    throw err;
  }
}

/**
 * Moves every document of the stream into the sink: the task's hot loop, in a function of its own
 * so that V8 optimises it apart from runDocsPhase's setup. It reads nothing off `run` (only to
 * report an interruption): each task's TaskRun has a map of its own, and reading it deoptimised
 * the loop at every new task.
 */
async function pump(stream: AsyncIterable<Doc>, sink: DocSink, rejects: RejectsSink, signal: AbortSignal, progress: TaskProgress, run: TaskRun): Promise<void> {
  const breathe = breather();
  for await (const doc of stream) {
    if (signal.aborted) throw interrupted(run);
    await sink.write(doc);
    progress.docsOut++;
    if (rejects.full) await rejects.drain();
    const turn = breathe();
    if (turn) await turn;
  }
}

interface DocSink {
  write(doc: Doc): Promise<void>;
  /** What the task wrote: its shards, or its spill file's size and hash. */
  close(): Promise<{ shards: ShardInfo[]; spill?: FileDigest }>;
  abort(): Promise<void>;
}

/** The last segment's sink: Parquet shards, each kept document counted in the ledger. */
class ShardSink implements DocSink {
  private readonly writer: ShardWriter;

  constructor(
    run: TaskRun,
    private readonly recorder: StatsRecorder,
    private readonly collector: ReportCollector | undefined,
  ) {
    const out = run.loaded.config.output;
    this.writer = new ShardWriter({
      dir: run.layout.shardsDir,
      prefix: run.layout.shardPrefix(run.rank),
      shardBytes: out.shard_bytes,
      rowGroupBytes: out.row_group_bytes,
      compression: out.compression,
      keepText: out.keep_text,
      ...(out.meta === undefined ? {} : { meta: out.meta }),
    });
  }

  async write(doc: Doc): Promise<void> {
    await this.writer.write(doc);
    this.recorder.kept(doc.source, doc.text.length, doc.tokens?.length ?? 0);
    this.collector?.kept(doc);
  }

  async close(): Promise<{ shards: ShardInfo[] }> {
    return { shards: await this.writer.close() };
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/** A barrier's sink: documents wait in a spill file (spill.ts) for the next phase. */
class SpillSink implements DocSink {
  private readonly writer: SpillWriter;

  constructor(path: string) {
    this.writer = new SpillWriter(path);
  }

  write(doc: Doc): Promise<void> {
    return this.writer.write(doc);
  }

  async close(): Promise<{ shards: ShardInfo[]; spill: FileDigest }> {
    return { shards: [], spill: await this.writer.commit() };
  }

  abort(): Promise<void> {
    return this.writer.abort();
  }
}

/** Segment 0's source: every unit of this task through its reader, each record counted as a document in. */
async function* readInputs(run: TaskRun, recorder: StatsRecorder, rejects: RejectsSink, collector: ReportCollector | undefined): AsyncIterable<Doc> {
  const { loaded, rank, world, log, signal, progress } = run;
  let badRecords = 0;
  for (const unit of unitsOfTask(run.units, rank, world)) {
    const input = loaded.config.inputs[unit.input]!;
    const reader = readers[input.reader]!;
    const source = input.source ?? reader.defaultSource;
    const stageId = reader.name;
    // a read blocked on a stalled server or a FIFO must still end when the run is interrupted
    const piece = unit.range ? pieceOf(unit.file, filePiece(unit)) : unit.file;
    const file = abortableFile(piece, signal, () => interrupted(run));
    const stats = recorder.stage(stageId, 0);
    const counts = stats.counts;
    // a record that never became a document (bad input, or dropped by the reader's policy): in, and rejected
    const rejectRecord = (id: string, reason: string, chars: number, rest: Omit<RejectRecord, 'id' | 'source' | 'stage' | 'reason' | 'kind' | 'file'>): void => {
      counts.in++;
      recorder.docIn(source, chars);
      recorder.rejected(stageId, source, reason);
      rejects.add({ id, source, stage: stageId, reason, kind: 'rejected', file: unit.uri, ...rest });
      collector?.removed(stageId, { id, source, text: rest.text, meta: rest.meta }, 'rejected', reason, rest.detail);
    };
    const fail = (reason: string, record: string | number, error: string, id: string, raw?: string): void => {
      rejectRecord(id, reason, raw?.length ?? 0, { record, detail: { error, raw: truncateRaw(raw) }, text: '', meta: {} });
      const logged = badRecords++;
      const where = error.includes(unit.uri) ? '' : ` ${unit.uri}:${record}`;
      if (logged < BAD_RECORD_LINES) run.fileLog?.warn(`bad record${where}: ${error} (${reason}, in rejects/${stageId}/)`);
      else if (logged === BAD_RECORD_LINES) run.fileLog?.warn(`more bad records: see rejects/${stageId}/ (\`sluice inspect\`)`);
      if (run.strict) {
        throw new SluiceError('SLUICE_BAD_RECORD', `${unit.uri}:${record}: ${error}`, {
          file: unit.uri,
          record,
          hint: 'without --strict, bad records are counted, written to rejects/ and the run goes on',
        });
      }
    };
    const ctx: ReaderContext = {
      file,
      source,
      stats,
      log: log.child(stageId),
      signal,
      invalid: (r) => fail(r.reason, r.record, r.error, r.id, r.raw),
      skip: (r) => rejectRecord(r.id, r.reason, r.text?.length ?? 0, { text: r.text ?? '', meta: r.meta ?? {}, ...(r.detail === undefined ? {} : { detail: r.detail }) }),
    };
    if (signal.aborted) throw interrupted(run);
    await checkUnchanged(unit);
    try {
      for await (const doc of reader.read(file, input.params, ctx)) {
        counts.in++;
        counts.out++;
        recorder.docIn(doc.source, doc.text.length);
        collector?.docIn(doc);
        progress.docsIn++;
        progress.charsIn += doc.text.length;
        yield doc;
      }
    } catch (err) {
      if (signal.aborted || (err instanceof SluiceError && err.code === 'SLUICE_INTERRUPTED')) throw interrupted(run);
      if (err instanceof SluiceError && err.code === 'SLUICE_BAD_RECORD') throw err;
      if (run.strict) throw err;
      // An input that fails as a whole (unreadable, cut off) is one rejected record, not a crashed run.
      log.error(`${unit.uri}: ${errorMessage(err)} (counted as read_error, continuing)`);
      fail('read_error', 'file', errorMessage(err), `${unit.uri}:read_error`);
    }
  }
}

function filePiece(unit: ResolvedUnit): FilePiece {
  const r = unit.range!;
  if (r.kind === 'bz2-streams') return { kind: r.kind, start: r.start, end: r.end };
  if (r.firstLine === undefined) throw new SluiceError('SLUICE_INTERNAL', `piece ${r.start}-${r.end} of ${unit.uri} has no line number in the plan`);
  if (r.kind === 'zstd-lines') {
    if (r.firstOffset === undefined || r.skip === undefined || r.length === undefined)
      throw new SluiceError('SLUICE_INTERNAL', `zstd piece ${r.start}-${r.end} of ${unit.uri} lacks its line window in the plan`);
    return { kind: r.kind, start: r.start, end: r.end, firstLine: r.firstLine, firstOffset: r.firstOffset, skip: r.skip, length: r.length };
  }
  return { kind: 'lines', start: r.start, end: r.end, firstLine: r.firstLine };
}

export function interrupted(run: Pick<TaskRun, 'phase' | 'rank'>): SluiceError {
  return new SluiceError('SLUICE_INTERRUPTED', `task ${run.phase.id}/${run.rank} was interrupted`);
}

/**
 * An input edited after the run was planned would mix two versions of the corpus: the task
 * refuses it (the rerun then reports the change, see plan.ts).
 */
async function checkUnchanged(unit: ResolvedUnit): Promise<void> {
  // local files only: a remote input would cost a request per task, and a change mid-download is caught by If-Range
  if (unit.fingerprint === undefined || unit.file.fingerprint === undefined || unit.file.localPath === undefined) return;
  const changes = fingerprintChanges(unit.fingerprint, await unit.file.fingerprint({ content: false }));
  if (changes.length > 0) {
    throw new SluiceError('SLUICE_INPUT_CHANGED', `${unit.uri} changed since the run was planned (${changes.join('; ')})`, {
      file: unit.uri,
      hint: 'run the same command again: it lists the changed inputs and, with --allow-changed-inputs, reruns the tasks that read them',
    });
  }
}

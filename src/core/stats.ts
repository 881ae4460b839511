/**
 * Mergeable run statistics. Every task writes one `RunStats`; merging is plain addition, so
 * totals over tasks, phases and machines are the same whatever the split.
 *
 * The ledger is the invariant sluice proves at the end of a run:
 *   docs_in = kept + rejected + duplicates
 */

export interface Ledger {
  docs_in: number;
  kept: number;
  rejected: number;
  duplicates: number;
}

export interface StageCounts {
  /** Position in the pipeline; keeps tables in pipeline order after JSON round trips. */
  order: number;
  in: number;
  out: number;
  rejected: Record<string, number>;
  duplicates: number;
  /** Documents whose text the stage changed (c4 line removal, redaction). */
  modified: number;
  /** Stage-specific counts: lines removed, spans redacted per kind, ... */
  counters: Record<string, number>;
}

export interface SourceCounts {
  docs_in: number;
  kept: number;
  rejected: number;
  duplicates: number;
  chars_in: number;
  chars_kept: number;
  tokens: number;
}

/** bucket label -> count; labels are chosen by the recorder so that merging is addition. */
export type Histogram = Record<string, number>;

export interface RunStats {
  ledger: Ledger;
  stages: Record<string, StageCounts>;
  sources: Record<string, SourceCounts>;
  histograms: Record<string, Histogram>;
}

/** stats.json's time of one phase: its tasks' wall seconds, summed over them. */
export interface PhaseTime {
  phase: string;
  tasks: number;
  seconds: number;
  /** CPU seconds of the processes while the tasks ran (the task markers' cpu_seconds); absent when a marker of an older version lacks it. */
  cpu_seconds?: number;
}

/** Summed CPU seconds of phases or task markers; undefined when one lacks them (written by an older version). */
export function tasksCpuSeconds(tasks: readonly { cpu_seconds?: number }[]): number | undefined {
  let total = 0;
  for (const t of tasks) {
    if (t.cpu_seconds === undefined) return undefined;
    total += t.cpu_seconds;
  }
  return total;
}

export function emptyStats(): RunStats {
  return { ledger: { docs_in: 0, kept: 0, rejected: 0, duplicates: 0 }, stages: {}, sources: {}, histograms: {} };
}

function emptyStage(order: number): StageCounts {
  return { order, in: 0, out: 0, rejected: {}, duplicates: 0, modified: 0, counters: {} };
}

function emptySource(): SourceCounts {
  return { docs_in: 0, kept: 0, rejected: 0, duplicates: 0, chars_in: 0, chars_kept: 0, tokens: 0 };
}

function bump(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

function addInto(target: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) bump(target, k, v);
}

export function mergeStats(into: RunStats, from: RunStats): RunStats {
  into.ledger.docs_in += from.ledger.docs_in;
  into.ledger.kept += from.ledger.kept;
  into.ledger.rejected += from.ledger.rejected;
  into.ledger.duplicates += from.ledger.duplicates;
  for (const [name, s] of Object.entries(from.stages)) {
    const t = (into.stages[name] ??= emptyStage(s.order));
    t.order = Math.min(t.order, s.order);
    t.in += s.in;
    t.out += s.out;
    t.duplicates += s.duplicates;
    t.modified += s.modified;
    addInto(t.rejected, s.rejected);
    addInto(t.counters, s.counters);
  }
  for (const [name, s] of Object.entries(from.sources)) {
    const t = (into.sources[name] ??= emptySource());
    for (const key of Object.keys(t) as (keyof SourceCounts)[]) t[key] += s[key];
  }
  for (const [name, h] of Object.entries(from.histograms)) addInto((into.histograms[name] ??= {}), h);
  return into;
}

export function ledgerBalance(ledger: Ledger): number {
  return ledger.docs_in - (ledger.kept + ledger.rejected + ledger.duplicates);
}

/** Stage names in pipeline order. */
export function orderedStages(stats: RunStats): [string, StageCounts][] {
  return Object.entries(stats.stages).sort((a, b) => a[1].order - b[1].order);
}

/** The handle a stage records through; it only ever touches its own entry. */
export class StageRecorder {
  constructor(
    private readonly stats: RunStats,
    readonly counts: StageCounts,
  ) {}

  count(counter: string, n = 1): void {
    bump(this.counts.counters, counter, n);
  }

  modified(n = 1): void {
    this.counts.modified += n;
  }

  histogram(name: string, bucket: string, n = 1): void {
    bump((this.stats.histograms[name] ??= {}), bucket, n);
  }
}

/** Records into one task's RunStats. */
export class StatsRecorder {
  readonly stats: RunStats = emptyStats();
  private nextOrder = 0;

  stage(name: string, order?: number): StageRecorder {
    return new StageRecorder(this.stats, this.countsOf(name, order));
  }

  private countsOf(name: string, order?: number): StageCounts {
    const existing = this.stats.stages[name];
    if (existing) return existing;
    const counts = emptyStage(order ?? this.nextOrder);
    this.nextOrder = Math.max(this.nextOrder, counts.order) + 1;
    this.stats.stages[name] = counts;
    return counts;
  }

  source(name: string): SourceCounts {
    return (this.stats.sources[name] ??= emptySource());
  }

  histogram(name: string, bucket: string, n = 1): void {
    bump((this.stats.histograms[name] ??= {}), bucket, n);
  }

  docIn(source: string, chars: number): void {
    this.stats.ledger.docs_in++;
    const s = this.source(source);
    s.docs_in++;
    s.chars_in += chars;
  }

  kept(source: string, chars: number, tokens: number): void {
    this.stats.ledger.kept++;
    const s = this.source(source);
    s.kept++;
    s.chars_kept += chars;
    s.tokens += tokens;
  }

  rejected(stage: string, source: string, reason: string): void {
    this.stats.ledger.rejected++;
    this.source(source).rejected++;
    bump(this.countsOf(stage).rejected, reason);
  }

  duplicate(stage: string, source: string): void {
    this.stats.ledger.duplicates++;
    this.source(source).duplicates++;
    this.countsOf(stage).duplicates++;
  }
}

/** Power-of-two bucket label for length histograms: "0", "1", "2-3", "4-7", ... */
export function log2Bucket(n: number): string {
  if (n <= 1) return String(Math.max(0, n));
  const lo = 2 ** Math.floor(Math.log2(n));
  return `${lo}-${lo * 2 - 1}`;
}

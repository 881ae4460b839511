/**
 * What `sluice report` needs, collected while a run goes, in mergeable form: fixed-bucket
 * histograms (buckets.ts) merge by addition and bottom-k samples (sample.ts) by union, so each
 * task records its own `ReportData` in its marker and the finalize step merges them like the
 * run's stats, whatever the task split, the phases or a resume. A report over any run is then
 * read from report-data.json with no second pass over the data.
 *
 * Every document is seen at most twice: when a reader hands it over (which numeric metadata the
 * readers set) and when it ends, kept, rejected or removed as a duplicate (everything else).
 */
import type { Doc, Meta } from '../core/doc.js';
import type { Histogram } from '../core/stats.js';
import { LENGTH_BUCKET_KEYS, SCORE_BUCKET_KEYS, lengthBucketIndex, scoreBucketIndex } from './buckets.js';
import { BottomK, SAMPLE_SEED, bottomK, cutText, priorityOf, scalarMeta, type Sample } from './sample.js';

/** A distribution split by outcome, so a chart can show where a threshold cut. */
export interface Dist {
  kept: Histogram;
  dropped: Histogram;
}

/** Where a source's documents ended, per stage and reason: the funnel. */
export interface Outcome {
  docs: number;
  chars: number;
}

export interface SourceReport {
  /** Characters of each document's final text. */
  chars: Dist;
  /** Tokens of each kept document (tokenized runs). */
  tokens: Histogram;
  /** `meta.language`, where a stage set it. */
  language: Dist;
  /** Every numeric `meta` field, by name. */
  numbers: Record<string, Dist>;
  /** Numeric `meta` fields as the readers emit them, with how many documents carried each: the report tells these from the scores stages add. */
  reader_fields: Record<string, number>;
  /** `stage\treason` -> removed documents and their characters; duplicates under reason `(duplicate)`. */
  outcomes: Record<string, Outcome>;
}

export interface ReportSamples {
  /** Kept documents per source. */
  kept: Record<string, Sample[]>;
  /** Rejected and duplicate documents per `stage\treason`. */
  removed: Record<string, Sample[]>;
  /** Every document's fate, whatever it was: the same ids in two runs over the same inputs (`--compare`). */
  fates: Sample[];
}

/** `report-data.json`, and each task marker's `report`. */
export interface ReportData {
  version: 1;
  seed: number;
  sources: Record<string, SourceReport>;
  samples: ReportSamples;
}

/** How many documents each sample keeps, and how much of their text. */
export const SAMPLE_LIMITS = { perReason: 5, perSource: 5, fates: 400, textChars: 2000, fateTextChars: 300 } as const;

export const DUPLICATE_REASON = '(duplicate)';

export function emptyReportData(): ReportData {
  return { version: 1, seed: SAMPLE_SEED, sources: {}, samples: { kept: {}, removed: {}, fates: [] } };
}

function emptySource(): SourceReport {
  return { chars: { kept: {}, dropped: {} }, tokens: {}, language: { kept: {}, dropped: {} }, numbers: {}, reader_fields: {}, outcomes: {} };
}

function bump(h: Histogram, key: string, n = 1): void {
  h[key] = (h[key] ?? 0) + n;
}

function addInto(into: Histogram, from: Histogram): void {
  for (const k in from) bump(into, k, from[k]!);
}

function mergeDist(into: Dist, from: Dist): void {
  addInto(into.kept, from.kept);
  addInto(into.dropped, from.dropped);
}

function mergeSampleMap(into: Record<string, Sample[]>, from: Record<string, Sample[]>, limit: number): void {
  for (const [k, list] of Object.entries(from)) into[k] = bottomK([...(into[k] ?? []), ...list], limit);
}

/** Adds `from` into `into`: counts add up, samples keep the lowest priorities. Order-independent. */
export function mergeReportData(into: ReportData, from: ReportData): ReportData {
  for (const [name, s] of Object.entries(from.sources)) {
    const t = (into.sources[name] ??= emptySource());
    mergeDist(t.chars, s.chars);
    addInto(t.tokens, s.tokens);
    mergeDist(t.language, s.language);
    for (const [k, d] of Object.entries(s.numbers)) mergeDist((t.numbers[k] ??= { kept: {}, dropped: {} }), d);
    addInto(t.reader_fields, s.reader_fields);
    for (const [k, o] of Object.entries(s.outcomes)) {
      const to = (t.outcomes[k] ??= { docs: 0, chars: 0 });
      to.docs += o.docs;
      to.chars += o.chars;
    }
  }
  mergeSampleMap(into.samples.kept, from.samples.kept, SAMPLE_LIMITS.perSource);
  mergeSampleMap(into.samples.removed, from.samples.removed, SAMPLE_LIMITS.perReason);
  into.samples.fates = bottomK([...into.samples.fates, ...from.samples.fates], SAMPLE_LIMITS.fates);
  return into;
}

/** The same data with every object's keys sorted: report-data.json is byte-identical for the same run. */
export function canonicalReportData(data: ReportData): ReportData {
  return sortKeys(data) as ReportData;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
  return out;
}

/** Counts by key in a Map: the collector's hot path bumps several per document, and Maps beat dictionary-mode objects there. */
class Counts extends Map<string, number> {
  add(key: string, n = 1): void {
    this.set(key, (this.get(key) ?? 0) + n);
  }
  toHistogram(): Histogram {
    const h: Histogram = {};
    for (const [k, n] of this) h[k] = n;
    return h;
  }
}

/**
 * Counts by bucket index (buckets.ts): the collector bumps a few per document, and an array
 * increment costs a fraction of a Map's get and set under a string key.
 */
class BucketCounts {
  private readonly n: Float64Array;

  constructor(private readonly keys: readonly string[]) {
    this.n = new Float64Array(keys.length);
  }

  add(index: number): void {
    this.n[index]!++;
  }

  toHistogram(): Histogram {
    const h: Histogram = {};
    this.n.forEach((c, i) => {
      if (c > 0) h[this.keys[i]!] = c;
    });
    return h;
  }
}

interface SplitCounts<C> {
  kept: C;
  dropped: C;
}

function splitBuckets(keys: readonly string[]): SplitCounts<BucketCounts> {
  return { kept: new BucketCounts(keys), dropped: new BucketCounts(keys) };
}

/** A source's running counts in a task; `toReport()` turns them into the JSON shape. */
class SourceState {
  readonly chars = splitBuckets(LENGTH_BUCKET_KEYS);
  readonly tokens = new BucketCounts(LENGTH_BUCKET_KEYS);
  readonly language = { kept: new Counts(), dropped: new Counts() };
  readonly numbers = new Map<string, SplitCounts<BucketCounts>>();
  readonly readerFields = new Counts();
  readonly outcomes = new Map<string, Outcome>();

  number(key: string): SplitCounts<BucketCounts> {
    let d = this.numbers.get(key);
    if (!d) this.numbers.set(key, (d = splitBuckets(SCORE_BUCKET_KEYS)));
    return d;
  }

  toReport(): SourceReport {
    const dist = (d: SplitCounts<{ toHistogram(): Histogram }>): Dist => ({ kept: d.kept.toHistogram(), dropped: d.dropped.toHistogram() });
    const out = emptySource();
    out.chars = dist(this.chars);
    out.tokens = this.tokens.toHistogram();
    out.language = dist(this.language);
    for (const [k, d] of this.numbers) out.numbers[k] = dist(d);
    out.reader_fields = this.readerFields.toHistogram();
    for (const [k, o] of this.outcomes) out.outcomes[k] = { ...o };
    return out;
  }
}

/** One task's collector; the runner calls it where it counts the ledger. */
export class ReportCollector {
  private readonly sources = new Map<string, SourceState>();
  private readonly keptSamples = new Map<string, BottomK>();
  private readonly removedSamples = new Map<string, BottomK>();
  private readonly fates = new BottomK(SAMPLE_LIMITS.fates);
  private readonly keys = new Map<string, Map<string, string>>();

  private source(name: string): SourceState {
    let s = this.sources.get(name);
    if (!s) this.sources.set(name, (s = new SourceState()));
    return s;
  }

  /** A document as its reader handed it over: which numeric fields the readers set. */
  docIn(doc: Doc): void {
    const meta = doc.meta;
    let fields: Counts | undefined;
    for (const k in meta) {
      if (typeof meta[k] !== 'number') continue;
      fields ??= this.source(doc.source).readerFields;
      fields.add(k);
    }
  }

  kept(doc: Doc): void {
    const s = this.end(doc, 'kept');
    const tokens = doc.tokens?.length;
    if (tokens !== undefined) s.tokens.add(lengthBucketIndex(tokens));
    const h = priorityOf(doc.id);
    const sample = this.keptSamples.get(doc.source) ?? this.newSample(this.keptSamples, doc.source, SAMPLE_LIMITS.perSource);
    if (sample.wants(h)) sample.add(this.sampleOf(h, doc, 'kept', SAMPLE_LIMITS.textChars));
    if (this.fates.wants(h)) this.fates.add(this.sampleOf(h, doc, 'kept', SAMPLE_LIMITS.fateTextChars));
  }

  /** A document a reader or stage rejected, or a dedup stage removed (`kind: duplicate`). */
  removed(stage: string, doc: Doc, kind: 'rejected' | 'duplicate', reason: string, detail?: Meta): void {
    const s = this.end(doc, 'dropped');
    const key = this.keyOf(stage, kind === 'duplicate' ? DUPLICATE_REASON : reason);
    let o = s.outcomes.get(key);
    if (!o) s.outcomes.set(key, (o = { docs: 0, chars: 0 }));
    o.docs++;
    o.chars += doc.text.length;
    const h = priorityOf(doc.id);
    const sample = this.removedSamples.get(key) ?? this.newSample(this.removedSamples, key, SAMPLE_LIMITS.perReason);
    const inSample = sample.wants(h);
    const inFates = this.fates.wants(h);
    if (!inSample && !inFates) return;
    // a reader's detail can hold 64 Ki of raw input: scalars only, cut short
    const removal = { stage, reason, ...(detail === undefined ? {} : { detail: scalarMeta(detail) }) };
    if (inSample) sample.add({ ...this.sampleOf(h, doc, kind, SAMPLE_LIMITS.textChars), ...removal });
    if (inFates) this.fates.add({ ...this.sampleOf(h, doc, kind, SAMPLE_LIMITS.fateTextChars), ...removal });
  }

  /** `stage\treason`, built once per pair rather than once per document. */
  private keyOf(stage: string, reason: string): string {
    let byReason = this.keys.get(stage);
    if (!byReason) this.keys.set(stage, (byReason = new Map()));
    let key = byReason.get(reason);
    if (key === undefined) byReason.set(reason, (key = `${stage}\t${reason}`));
    return key;
  }

  /** What every ending records: length, language and numeric fields, kept or dropped. */
  private end(doc: Doc, outcome: 'kept' | 'dropped'): SourceState {
    const s = this.source(doc.source);
    s.chars[outcome].add(lengthBucketIndex(doc.text.length));
    const meta: Meta = doc.meta;
    for (const k in meta) {
      const v = meta[k];
      if (typeof v === 'number') s.number(k)[outcome].add(scoreBucketIndex(v));
      else if (k === 'language' && typeof v === 'string') s.language[outcome].add(v);
    }
    return s;
  }

  private newSample(map: Map<string, BottomK>, key: string, limit: number): BottomK {
    const s = new BottomK(limit);
    map.set(key, s);
    return s;
  }

  private sampleOf(h: number, doc: Doc, kind: Sample['kind'], cut: number): Sample {
    return {
      h,
      id: doc.id,
      source: doc.source,
      kind,
      chars: doc.text.length,
      ...(doc.tokens === undefined ? {} : { tokens: doc.tokens.length }),
      text: cutText(doc.text, cut),
      meta: scalarMeta(doc.meta),
    };
  }

  /** The task's data, for its marker. */
  data(): ReportData {
    const out = emptyReportData();
    for (const [name, s] of this.sources) out.sources[name] = s.toReport();
    for (const [k, s] of this.keptSamples) out.samples.kept[k] = s.result();
    for (const [k, s] of this.removedSamples) out.samples.removed[k] = s.result();
    out.samples.fates = this.fates.result();
    return out;
  }
}

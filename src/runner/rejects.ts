import type { Doc, JsonValue, Meta } from '../core/doc.js';
import type { RejectDetail } from '../core/stage.js';
import type { FileDigest } from '../io/fingerprint.js';
import { JsonlZstWriter } from '../io/jsonl-zst.js';
import type { OutputLayout } from './layout.js';

/** One line of `rejects/<stage>/*.jsonl.zst`. */
export interface RejectRecord {
  id: string;
  source: string;
  stage: string;
  reason: string;
  /** `rejected` (by a filter or reader) or `duplicate` (by a dedup stage). */
  kind: 'rejected' | 'duplicate';
  detail?: RejectDetail;
  /** Input file and record locator, for records a reader could not parse. */
  file?: string;
  record?: string | number;
  text: string;
  meta: Meta;
}

const FLUSH_CHARS = 4 << 20;

/** Per-task writer of rejected documents, one compressed file per stage, committed with the task. */
export class RejectsSink {
  private readonly writers = new Map<string, JsonlZstWriter>();
  private pendingChars = 0;

  constructor(
    private readonly layout: OutputLayout,
    private readonly phase: string,
    private readonly rank: number,
  ) {}

  add(record: RejectRecord): void {
    let w = this.writers.get(record.stage);
    if (!w) {
      w = new JsonlZstWriter(this.layout.rejectsFile(record.stage, this.phase, this.rank), { taskOutput: true });
      this.writers.set(record.stage, w);
    }
    w.push(record);
    this.pendingChars += record.text.length + 200;
  }

  addDoc(stage: string, doc: Doc, kind: RejectRecord['kind'], reason: string, detail?: RejectDetail): void {
    const record: RejectRecord = { id: doc.id, source: doc.source, stage, reason, kind, text: doc.text, meta: doc.meta };
    if (detail !== undefined) record.detail = detail;
    this.add(record);
  }

  /** True once enough is buffered that the task loop should `drain()` before the next document. */
  get full(): boolean {
    return this.pendingChars >= FLUSH_CHARS;
  }

  /** Backpressure point: writes out what the writers buffered. */
  async drain(): Promise<void> {
    this.pendingChars = 0;
    for (const w of this.writers.values()) await w.flushIfFull();
  }

  /** The files written, each with its size and SHA-256 (hashed as written). */
  async commit(): Promise<({ stage: string; path: string; rows: number } & FileDigest)[]> {
    const out: ({ stage: string; path: string; rows: number } & FileDigest)[] = [];
    for (const [stage, w] of this.writers) if (await w.commit()) out.push({ stage, path: w.path, rows: w.rows, ...w.digest! });
    return out;
  }

  async abort(): Promise<void> {
    for (const w of this.writers.values()) await w.abort();
  }
}

export function truncateRaw(raw: string | undefined, limit = 64 * 1024): JsonValue {
  if (raw === undefined) return null;
  return raw.length > limit ? `${raw.slice(0, limit)}... [${raw.length - limit} more chars]` : raw;
}

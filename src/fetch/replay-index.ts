/**
 * What earlier attempts of this run fetched, by URL, so a rerun asks the network nothing twice.
 * Built at the start of every task from all the stage's WARC files under `fetched/` (every task's,
 * up to each file's last whole member). It holds, per URL, the outcome of its last exchange: a
 * response (status, Location, date, where its record lies, read back only when the page is
 * needed) or a failure (reason and detail). A response with a retryable status (429, 5xx) is an
 * attempt, not an outcome, unless a failure record for the URL follows it: the retries of a
 * killed run start over.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonValue } from '../core/doc.js';
import { RETRYABLE_STATUS } from './retry.js';
import { ATTEMPTS_FIELD, DETAIL_FIELD, FAILURE_FIELD, parseRecord, responseHead, warcFields } from './warc-record.js';
import { scanMembers, type MemberRef } from './warc-file.js';

export type Recorded =
  | { kind: 'response'; status: number; location: string | undefined; date: string; ref: MemberRef }
  | { kind: 'failure'; reason: string; detail: Record<string, JsonValue>; attempts: number; date: string };

export interface IndexLoad {
  files: number;
  records: number;
  /** Bytes of compressed record data read. */
  bytes: number;
  /** Where the caller's own file's whole members end (its next attempt truncates it there). */
  ownValidEnd: number;
  /** Bytes of a cut last member found in the caller's own file. */
  ownCutBytes: number;
}

export class ReplayIndex {
  private readonly byUrl = new Map<string, Recorded>();

  get size(): number {
    return this.byUrl.size;
  }

  get(url: string): Recorded | undefined {
    return this.byUrl.get(url);
  }

  /** Records the outcome of an exchange made now (the same rule as for loaded records). */
  add(url: string, rec: Recorded): void {
    if (rec.kind === 'response' && RETRYABLE_STATUS.has(rec.status)) return;
    this.byUrl.set(url, rec);
  }

  /**
   * Loads every `<prefix>*.warc.gz` in `dir`. `ownFile` is the caller's file: its valid end is
   * returned. `withFailures: false` leaves failures out, so they are fetched again.
   */
  async load(dir: string, prefix: string, ownFile: string, withFailures: boolean): Promise<IndexLoad> {
    const names = (await readdir(dir).catch((): string[] => [])).filter((n) => n.startsWith(prefix) && n.endsWith('.warc.gz')).sort();
    const stats: IndexLoad = { files: 0, records: 0, bytes: 0, ownValidEnd: 0, ownCutBytes: 0 };
    for (const name of names) {
      const path = join(dir, name);
      const scan = scanMembers(path);
      stats.files++;
      for await (const { ref, bytes } of scan.members) {
        stats.records++;
        stats.bytes += ref.length;
        const rec = parseRecord(bytes);
        if (rec === undefined) continue;
        const url = rec.headers.get('warc-target-uri');
        const type = rec.headers.get('warc-type');
        const date = rec.headers.get('warc-date') ?? '';
        if (url === undefined) continue;
        if (type === 'response') {
          const head = responseHead(rec.block);
          if (head !== undefined) this.add(url, { kind: 'response', status: head.status, location: head.location, date, ref });
        } else if (type === 'metadata' && withFailures) {
          const fields = warcFields(rec.block);
          const reason = fields.get(FAILURE_FIELD);
          if (reason === undefined) continue;
          this.add(url, { kind: 'failure', reason, detail: parseDetail(fields.get(DETAIL_FIELD)), attempts: Number(fields.get(ATTEMPTS_FIELD) ?? 1), date });
        }
      }
      if (path === ownFile) {
        const size = (await stat(path)).size;
        stats.ownValidEnd = scan.validEnd();
        stats.ownCutBytes = size - stats.ownValidEnd;
      }
    }
    return stats;
  }
}

function parseDetail(text: string | undefined): Record<string, JsonValue> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, JsonValue>) : {};
  } catch {
    return {};
  }
}

/**
 * Assembles submissions and their comments into one document per thread, with bounded memory.
 *
 * Pushshift dumps are sorted by `created_utc`, not by thread, and a month of comments is far
 * larger than memory, so a thread cannot wait for "all" its comments. Instead a thread stays
 * open for `windowSeconds` after its first record (most Reddit threads are quiet after a few
 * days), and the oldest open threads are closed early whenever the buffered text exceeds
 * `maxBufferedBytes`. A comment that arrives after its thread closed (or whose submission is in
 * an earlier month) opens a new thread fragment: it is never dropped, and the fragment's
 * document id names its first comment so ids stay unique.
 */
import type { Doc, Meta } from '../core/doc.js';
import type { RedditRecord } from './reddit-record.js';

export interface ThreadOptions {
  windowSeconds: number;
  maxBufferedBytes: number;
}

interface Entry {
  rec: RedditRecord;
  /** false: dropped by policy (already reported); it stays in the tree so its replies keep their place. */
  kept: boolean;
}

interface Thread {
  linkId: string;
  opened: number;
  firstFullname: string;
  submission?: Entry;
  comments: Entry[];
  bytes: number;
}

export interface ThreadCounters {
  /** Threads closed before their window because the buffer was full. */
  closedEarly: number;
  /** Documents whose submission was not seen (earlier month, closed window, or filtered). */
  withoutSubmission: number;
}

const byTime = (a: Entry, b: Entry): number => a.rec.createdUtc - b.rec.createdUtc || (a.rec.fullname < b.rec.fullname ? -1 : a.rec.fullname > b.rec.fullname ? 1 : 0);

/**
 * Submission text, then the comments depth-first, each node's replies ordered by created_utc.
 * Comments that the tree does not reach (a parent cycle in damaged data) follow in time order,
 * so no kept comment is lost.
 */
export function renderThread(thread: { linkId: string; submission?: Entry; comments: Entry[] }): { text: string; kept: number } {
  const children = new Map<string, Entry[]>();
  const present = new Set(thread.comments.map((c) => c.rec.fullname));
  for (const c of thread.comments) {
    const parent = c.rec.parentId !== null && present.has(c.rec.parentId) ? c.rec.parentId : thread.linkId;
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(c);
  }
  for (const list of children.values()) list.sort(byTime);
  const parts: string[] = [];
  if (thread.submission?.kept) parts.push(thread.submission.rec.text.trim());
  const visited = new Set<Entry>();
  // iterative DFS: threads can be thousands of comments deep
  const stack: Entry[] = [...(children.get(thread.linkId) ?? [])].reverse();
  while (stack.length > 0) {
    const e = stack.pop()!;
    if (visited.has(e)) continue;
    visited.add(e);
    if (e.kept) parts.push(e.rec.text.trim());
    const replies = children.get(e.rec.fullname);
    if (replies) for (let i = replies.length - 1; i >= 0; i--) stack.push(replies[i]!);
  }
  if (visited.size < thread.comments.length) {
    for (const e of [...thread.comments].sort(byTime)) if (!visited.has(e) && e.kept) parts.push(e.rec.text.trim());
  }
  return { text: parts.join('\n\n'), kept: parts.length };
}

export class ThreadAssembler {
  private readonly open = new Map<string, Thread>();
  private buffered = 0;
  readonly counters: ThreadCounters = { closedEarly: 0, withoutSubmission: 0 };

  /**
   * @param onUnused called for a kept record that joins no document (a repeated submission), so
   *   the reader can report it instead of losing it silently
   */
  constructor(
    private readonly opts: ThreadOptions,
    private readonly source: string,
    private readonly onUnused: (rec: RedditRecord) => void = () => {},
  ) {}

  /** Adds a record; returns the documents of threads that closed because of it. */
  add(rec: RedditRecord, kept: boolean): Doc[] {
    const out: Doc[] = [];
    // threads open in time order, so the expired ones are at the front of the map
    for (const [key, t] of this.open) {
      if (t.opened + this.opts.windowSeconds >= rec.createdUtc) break;
      this.close(key, t, out);
    }
    let t = this.open.get(rec.linkId);
    if (!t) {
      t = { linkId: rec.linkId, opened: rec.createdUtc, firstFullname: rec.fullname, comments: [], bytes: 0 };
      this.open.set(rec.linkId, t);
    }
    const entry: Entry = { rec, kept };
    if (rec.kind === 'comment') t.comments.push(entry);
    else if (t.submission === undefined) t.submission = entry;
    else {
      if (kept) this.onUnused(rec); // the same submission twice: the first one stands
      return out;
    }
    const size = rec.text.length * 2 + 200;
    t.bytes += size;
    this.buffered += size;
    for (const [key, oldest] of this.open) {
      if (this.buffered <= this.opts.maxBufferedBytes || this.open.size <= 1) break;
      this.counters.closedEarly++;
      this.close(key, oldest, out);
    }
    return out;
  }

  /** Closes every open thread (end of input). */
  flush(): Doc[] {
    const out: Doc[] = [];
    for (const [key, t] of this.open) this.close(key, t, out);
    return out;
  }

  private close(key: string, t: Thread, out: Doc[]): void {
    this.open.delete(key);
    this.buffered -= t.bytes;
    const { text, kept } = renderThread(t);
    if (kept === 0) return; // every record was dropped by policy and already reported
    const head = t.submission?.rec;
    if (!t.submission?.kept) this.counters.withoutSubmission++;
    const first = head ?? t.comments[0]!.rec;
    const meta: Meta = {
      kind: 'thread',
      subreddit: first.subreddit,
      score: head ? head.score : null,
      created_utc: first.createdUtc,
      link_id: t.linkId,
      parent_id: null,
      author: head ? head.author : null,
      records: kept,
    };
    const id = t.firstFullname === t.linkId ? t.linkId : `${t.linkId}/${t.firstFullname}`;
    out.push({ id, text, source: this.source, meta });
  }
}

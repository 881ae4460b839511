import type { JsonValue, Meta } from '../core/doc.js';

export type RedditKind = 'comment' | 'submission';

/** One Pushshift comment or submission, reduced to what sluice keeps. */
export interface RedditRecord {
  kind: RedditKind;
  /** `t1_<id>` for comments, `t3_<id>` for submissions (Reddit's own "fullname"). */
  fullname: string;
  author: string;
  subreddit: string;
  score: number;
  createdUtc: number;
  /** Fullname of the submission the record belongs to (itself for a submission). */
  linkId: string;
  /** Fullname of the comment or submission a comment answers; null for a submission. */
  parentId: string | null;
  /** Comment body, or submission title + "\n\n" + selftext. */
  text: string;
  /** The fields deletion is judged on: body, or title and selftext. */
  bodyMarkers: string[];
}

/** Kind from the Pushshift file name (`RC_2019-01.zst`, `RS_2019-01.zst`), if it follows the convention. */
export function kindFromFileName(name: string): RedditKind | undefined {
  if (/^RC_/i.test(name)) return 'comment';
  if (/^RS_/i.test(name)) return 'submission';
  return undefined;
}

function str(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Old dumps store numbers as strings (`"created_utc": "1134365188"`). */
function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function withPrefix(id: string, prefix: 't1_' | 't3_'): string {
  return /^t\d_/.test(id) ? id : `${prefix}${id}`;
}

/** The fields every record has, checked in one order: both parsers below report the same first error. */
function recordHead(obj: Record<string, JsonValue>): { id: string; createdUtc: number; score: number; subreddit: string } | string {
  const id = str(obj['id']);
  if (id === undefined || id === '') return 'field "id" is missing or not a string';
  const createdUtc = num(obj['created_utc']);
  if (createdUtc === undefined) return 'field "created_utc" is missing or not a number';
  const score = num(obj['score']);
  if (score === undefined) return 'field "score" is missing or not a number';
  return { id, createdUtc, score, subreddit: str(obj['subreddit']) ?? '' };
}

/** Parses one dump object; returns a string saying what is wrong when it is not a usable record. */
export function parseRedditRecord(obj: Record<string, JsonValue>, hint: RedditKind | undefined): RedditRecord | string {
  const kind: RedditKind = hint ?? (typeof obj['title'] === 'string' ? 'submission' : 'comment');
  const head = recordHead(obj);
  if (typeof head === 'string') return head;
  const { id, createdUtc, score, subreddit } = head;
  const author = str(obj['author']) ?? '[deleted]';
  if (kind === 'comment') {
    const body = str(obj['body']);
    if (body === undefined) return 'comment field "body" is missing or not a string';
    const linkId = str(obj['link_id']);
    if (linkId === undefined) return 'comment field "link_id" is missing';
    const fullname = withPrefix(id, 't1_');
    return { kind, fullname, author, subreddit, score, createdUtc, linkId, parentId: str(obj['parent_id']) ?? linkId, text: body, bodyMarkers: [body] };
  }
  const title = str(obj['title']);
  if (title === undefined) return 'submission field "title" is missing or not a string';
  const selftext = str(obj['selftext']) ?? '';
  const fullname = withPrefix(id, 't3_');
  const text = selftext.trim() === '' ? title : `${title}\n\n${selftext}`;
  return { kind, fullname, author, subreddit, score, createdUtc, linkId: fullname, parentId: null, text, bodyMarkers: [title, selftext] };
}

/** What the links reader needs of a submission: parseRedditRecord's checks and fields, without the text it builds. */
export interface SubmissionHead {
  fullname: string;
  subreddit: string;
  score: number;
  createdUtc: number;
}

/** parseRedditRecord(obj, 'submission') reduced to SubmissionHead: the same checks, so the same error strings, without building the text. */
export function parseSubmissionHead(obj: Record<string, JsonValue>): SubmissionHead | string {
  const head = recordHead(obj);
  if (typeof head === 'string') return head;
  if (str(obj['title']) === undefined) return 'submission field "title" is missing or not a string';
  return { fullname: withPrefix(head.id, 't3_'), subreddit: head.subreddit, score: head.score, createdUtc: head.createdUtc };
}

export interface RedditPolicy {
  minScore: number;
  /** Lower-cased author names to drop (AutoModerator is always among them). */
  botAuthors: ReadonlySet<string>;
}

const DELETED = new Set(['[deleted]', '[deleted by user]']);
const REMOVED = new Set(['[removed]', '[removed by reddit]']);

/** Why a well-formed record is dropped by policy, or undefined to keep it. */
export function policySkipReason(rec: RedditRecord, policy: RedditPolicy): string | undefined {
  for (const marker of rec.bodyMarkers) {
    const m = marker.trim();
    if (DELETED.has(m)) return 'deleted';
    if (REMOVED.has(m)) return 'removed';
  }
  if (rec.text.trim() === '') return 'empty';
  if (policy.botAuthors.has(rec.author.toLowerCase())) return 'bot_author';
  if (rec.score < policy.minScore) return 'low_score';
  return undefined;
}

export function redditMeta(rec: RedditRecord): Meta {
  return {
    kind: rec.kind,
    subreddit: rec.subreddit,
    score: rec.score,
    created_utc: rec.createdUtc,
    link_id: rec.linkId,
    parent_id: rec.parentId,
    author: rec.author,
  };
}

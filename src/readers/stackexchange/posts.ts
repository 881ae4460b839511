/**
 * One `<row>` of a Stack Exchange `Posts.xml`, reduced to what a question-and-answer document
 * needs. The schema is the one documented at https://meta.stackexchange.com/a/2678: every
 * column is an attribute, absent when null; Body is HTML (escaped once more by the XML).
 */

export const QUESTION = 1;
export const ANSWER = 2;

export interface Question {
  kind: typeof QUESTION;
  id: number;
  title: string;
  /** HTML. */
  body: string;
  score: number;
  tags: string[];
  acceptedAnswerId: number | null;
  created: string;
}

export interface Answer {
  kind: typeof ANSWER;
  id: number;
  parentId: number;
  body: string;
  score: number;
  created: string;
}

export type Post = Question | Answer;

/** What a row was, when it is not a question or an answer: its PostTypeId (tag wiki, moderator nomination, ...). */
export interface OtherPost {
  kind: 'other';
  id: number;
  postTypeId: number;
}

function int(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Tags as a list: `<hops><brewing>` in the dumps up to 2023, `|hops|brewing|` in later ones.
 * (saxes has already turned `&lt;` into `<`.)
 */
export function parseTags(v: string | undefined): string[] {
  if (v === undefined || v === '') return [];
  if (v.startsWith('<'))
    return v
      .slice(1, -1)
      .split('><')
      .filter((t) => t !== '');
  return v.split('|').filter((t) => t !== '');
}

/** The attributes parsePostRow reads. */
export const POST_COLUMNS: ReadonlySet<string> = new Set(['Id', 'PostTypeId', 'Body', 'Score', 'CreationDate', 'ParentId', 'Title', 'AcceptedAnswerId', 'Tags']);

/** A row's attributes as a post, an other post type, or a string saying what is wrong with it. */
export function parsePostRow(a: Readonly<Record<string, string>>): Post | OtherPost | string {
  const id = int(a['Id']);
  if (id === undefined) return a['Id'] === undefined ? 'attribute Id is missing' : `attribute Id="${a['Id']}" is not an integer`;
  const type = int(a['PostTypeId']);
  if (type === undefined) return `post ${id}: attribute PostTypeId is missing or not an integer`;
  if (type !== QUESTION && type !== ANSWER) return { kind: 'other', id, postTypeId: type };
  const body = a['Body'];
  if (body === undefined) return `post ${id}: attribute Body is missing`;
  const scoreText = a['Score'];
  const score = scoreText === undefined ? 0 : int(scoreText);
  if (score === undefined) return `post ${id}: attribute Score="${scoreText}" is not an integer`;
  const created = a['CreationDate'] ?? '';
  if (type === ANSWER) {
    const parentId = int(a['ParentId']);
    if (parentId === undefined) return `answer ${id}: attribute ParentId is missing or not an integer`;
    return { kind: ANSWER, id, parentId, body, score, created };
  }
  const title = a['Title'];
  if (title === undefined) return `question ${id}: attribute Title is missing`;
  const acceptedText = a['AcceptedAnswerId'];
  const accepted = acceptedText === undefined ? null : int(acceptedText);
  if (accepted === undefined) return `question ${id}: attribute AcceptedAnswerId="${acceptedText}" is not an integer`;
  return { kind: QUESTION, id, title, body, score, tags: parseTags(a['Tags']), acceptedAnswerId: accepted, created };
}

/**
 * A post as bytes for the sort's spill runs: kind u8, id, parent or accepted answer id (NaN for
 * none) and score as f64 LE, then created, title, body and the tags (joined by newlines, which
 * a tag never holds) as u32-length-prefixed UTF-8. Cheaper than JSON both ways: no escaping of
 * the HTML bodies. Written into `b` at `at` (the sort's block, no copy); returns how many bytes,
 * or -1 when they might not fit (the bound is 3 bytes per UTF-16 unit).
 */
export function encodePost(p: Post, b: Buffer, at: number): number {
  const strings = p.kind === QUESTION ? [p.created, p.title, p.body, p.tags.join('\n')] : [p.created, '', p.body, ''];
  let bound = 25 + 4 * strings.length;
  for (const s of strings) bound += 3 * s.length;
  if (at + bound > b.length) return -1;
  b.writeUInt8(p.kind, at);
  b.writeDoubleLE(p.id, at + 1);
  b.writeDoubleLE(p.kind === QUESTION ? (p.acceptedAnswerId ?? NaN) : p.parentId, at + 9);
  b.writeDoubleLE(p.score, at + 17);
  let pos = at + 25;
  for (const s of strings) {
    const n = b.write(s, pos + 4, 'utf8');
    b.writeUInt32LE(n, pos);
    pos += 4 + n;
  }
  return pos - at;
}

export function decodePost(b: Buffer): Post {
  const kind = b.readUInt8(0);
  const id = b.readDoubleLE(1);
  const link = b.readDoubleLE(9);
  const score = b.readDoubleLE(17);
  let pos = 25;
  const str = (): string => {
    const n = b.readUInt32LE(pos);
    const s = b.toString('utf8', pos + 4, pos + 4 + n);
    pos += 4 + n;
    return s;
  };
  const created = str();
  const title = str();
  const body = str();
  const tags = str();
  if (kind === QUESTION) return { kind, id, title, body, score, tags: tags === '' ? [] : tags.split('\n'), acceptedAnswerId: Number.isNaN(link) ? null : link, created };
  return { kind: ANSWER, id, parentId: link, body, score, created };
}

/** About how much memory a parsed post holds (two bytes per UTF-16 unit plus object overhead). */
export function postSize(p: Post): number {
  return 2 * (p.body.length + p.created.length + (p.kind === QUESTION ? p.title.length + p.tags.join('').length : 0)) + 200;
}

import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { z } from '../vendor/zod.js';
import type { Doc, Meta } from '../core/doc.js';
import { SluiceError, errorMessage } from '../core/errors.js';
import { sizeSchema } from '../core/size.js';
import { openDecoded, peek } from '../io/decompress.js';
// side effect: Posts.xml.bz2 / .zst decode through lbzip2 / bzip2 and the zstd command
import '../io/bzip2.js';
import '../io/zstd-cli.js';
import { derivedFile, type InputFile } from '../io/input.js';
import { defineReader, type InvalidRecord, type ReaderContext } from './reader.js';
import { isDecompressDamage } from './strict.js';
import { ArchiveError, entryBytes, is7z, listEntries, postsEntry, sevenZipCommand } from './stackexchange/archive.js';
import { RowScanner, XmlShapeError, rowAttributes, type Row } from './stackexchange/rows.js';
import { ExternalSorter, type SortCodec, type SortRecord } from './stackexchange/external-sort.js';
import { ANSWER, POST_COLUMNS, QUESTION, decodePost, encodePost, parsePostRow, postSize, type Answer, type Post, type Question } from './stackexchange/posts.js';

const POST_CODEC: SortCodec<Post> = { encode: encodePost, decode: decodePost, size: postSize };

const params = z
  .object({
    min_answer_score: z.number().int().nullable().default(null).describe('answers with a lower score are left out (reason low_score); null keeps every answer'),
    accepted_only: z.boolean().default(false).describe('keep only the accepted answer of each question (others: reason not_accepted)'),
    min_answers: z.number().int().min(0).default(0).describe('questions with fewer answers left after the filters are skipped (reason too_few_answers)'),
    sites: z.array(z.string().min(1)).default([]).describe('sites to read (`cooking.stackexchange.com` or `cooking`); other inputs are one reject each (site_not_included); empty reads all'),
    site: z.string().min(1).optional().describe('the site name, when neither the file name nor its folder says it (`<site>.7z`, `<site>-Posts.7z`, `<site>/Posts.xml`)'),
    source_per_site: z.boolean().default(true).describe("documents carry the site as their source (true) or the input's source label (false)"),
    markdown: z.boolean().default(false).describe('Markdown-like bodies: fenced code blocks, `inline code`, `-` list items, `#` headings'),
    max_post_bytes: sizeSchema.prefault('16MiB').describe('posts with a larger body are rejected (too_large)'),
    sort_buffer: sizeSchema.prefault('64MiB').describe('posts held in memory before a sorted run is spilled to disk'),
    spill_dir: z.string().min(1).optional().describe('where sorted runs are spilled (default: the system temp folder); removed when the file is done'),
  })
  .strict();
type Params = z.output<typeof params>;

/** `cooking.stackexchange.com.7z` → `cooking.stackexchange.com`; `stackoverflow.com-Posts.7z` → `stackoverflow.com`; `x/Posts.xml` → `x`. */
export function siteOf(uri: string): string {
  let name = basename(uri)
    .replace(/\.(gz|zst|bz2)$/i, '')
    .replace(/\.(7z|xml)$/i, '');
  name = name.replace(/-Posts$/i, '');
  if (name.toLowerCase() === 'posts') name = basename(dirname(uri));
  return name;
}

function siteIncluded(site: string, sites: readonly string[]): boolean {
  if (sites.length === 0) return true;
  const s = site.toLowerCase();
  const short = s.replace(/\.stackexchange\.com$/, '').replace(/\.com$/, '');
  return sites.some((x) => {
    const w = x.toLowerCase();
    return w === s || w === short;
  });
}

/** The XML bytes of an input: `Posts.xml` inside a local 7z archive, else the file (plain, gz, zst, bz2). */
async function postsXml(file: InputFile, ctx: ReaderContext): Promise<AsyncIterable<Uint8Array> | undefined> {
  const { head, rest } = await peek(file.open(), 6);
  if (!is7z(head)) return (await openDecoded(derivedFile(file, { open: () => rest }))).bytes;
  // only the magic was wanted: the archive is read by 7z from its path
  await (rest as AsyncGenerator<Uint8Array>).return?.(undefined);
  if (file.localPath === undefined) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${file.uri} is a 7z archive, which can only be read from a local file (its index is at the end)`, {
      file: file.uri,
      hint: 'download the archive first, or list its extracted Posts.xml',
    });
  }
  const command = sevenZipCommand(file.uri);
  let entries: string[];
  try {
    entries = await listEntries(command, file.localPath);
  } catch (err) {
    if (!(err instanceof ArchiveError)) throw err;
    ctx.invalid({ id: `${file.uri}:archive`, reason: 'bad_archive', record: 'archive', error: `${file.uri}: ${err.message}` });
    return undefined;
  }
  const entry = postsEntry(entries);
  if (entry === undefined) {
    ctx.invalid({ id: `${file.uri}:archive`, reason: 'no_posts_xml', record: 'archive', error: `${file.uri} holds no Posts.xml (entries: ${entries.slice(0, 20).join(', ') || 'none'})` });
    return undefined;
  }
  ctx.log.debug(`stackexchange: ${entry} from ${file.uri} through ${command}`);
  return entryBytes(command, file.localPath, entry, ctx.log);
}

/** Accepted answer first, then by score (highest first), then oldest (lowest id) first. */
function answerOrder(accepted: number | null): (a: Answer, b: Answer) => number {
  return (a, b) => Number(b.id === accepted) - Number(a.id === accepted) || b.score - a.score || a.id - b.id;
}

/** A post body (HTML or Markdown) as plain text: stackexchange/body.ts, loaded on first use. */
type BodyText = (body: string, markdown: boolean) => string;

class QuestionGrouper {
  constructor(
    private readonly site: string,
    private readonly source: string,
    private readonly p: Params,
    private readonly ctx: ReaderContext,
    private readonly bodyText: BodyText,
  ) {}

  private id(postId: number): string {
    return `${this.site}:${postId}`;
  }

  /** One question id's records, in (kind, id) order: the question (if present) then its answers. */
  group(records: readonly SortRecord<Post>[]): Doc | undefined {
    let question: Question | undefined;
    const answers: Answer[] = [];
    for (const r of records) {
      const post = r.value;
      if (post.kind === QUESTION) {
        if (question === undefined) question = post;
        else this.ctx.invalid({ id: `${this.id(post.id)}#repeat`, reason: 'duplicate_post', record: post.id, error: `question ${post.id} appears more than once in Posts.xml; the first is kept` });
      } else answers.push(post);
    }
    if (question === undefined) {
      for (const a of answers) {
        this.ctx.skip({ id: this.id(a.id), reason: 'orphan_answer', meta: { site: this.site, answer_id: a.id, question_id: a.parentId, score: a.score } });
      }
      return undefined;
    }
    const q = question;
    let kept = answers;
    if (this.p.accepted_only) {
      kept = [];
      for (const a of answers) {
        if (a.id === q.acceptedAnswerId) kept.push(a);
        else this.ctx.skip({ id: this.id(a.id), reason: 'not_accepted', meta: { site: this.site, answer_id: a.id, question_id: q.id, score: a.score } });
      }
    }
    kept.sort(answerOrder(q.acceptedAnswerId));
    const meta: Meta = {
      site: this.site,
      question_id: q.id,
      title: q.title,
      tags: q.tags,
      score: q.score,
      created: q.created,
      accepted_answer_id: q.acceptedAnswerId,
      answer_ids: kept.map((a) => a.id),
      answer_scores: kept.map((a) => a.score),
    };
    if (kept.length < this.p.min_answers) {
      this.ctx.skip({ id: this.id(q.id), reason: 'too_few_answers', meta, detail: { answers: kept.length, min_answers: this.p.min_answers } });
      return undefined;
    }
    const body = this.bodyText(q.body, this.p.markdown);
    const parts = [`Q:\n\n${q.title.trim()}${body === '' ? '' : `\n\n${body}`}`];
    for (const a of kept) {
      const text = this.bodyText(a.body, this.p.markdown);
      if (text !== '') parts.push(`A:\n\n${text}`);
    }
    if (q.title.trim() === '' && body === '') {
      this.ctx.skip({ id: this.id(q.id), reason: 'empty', meta });
      return undefined;
    }
    return { id: this.id(q.id), text: parts.join('\n\n'), source: this.source, meta };
  }
}

/**
 * Stack Exchange data dumps: a site's `Posts.xml` (plain or compressed) or its 7z archive. One
 * document per question with its answers; answers are brought to their question by an external
 * sort on question id (spilled to disk beyond `sort_buffer`), since the dump is ordered by post
 * id and an answer can come millions of rows after its question.
 */
export const stackexchangeReader = defineReader({
  name: 'stackexchange',
  summary: 'Stack Exchange dumps (site .7z archives or Posts.xml): one document per question with its answers',
  defaultSource: 'stackexchange',
  params,
  async *read(file, p, ctx) {
    const site = p.site ?? siteOf(file.uri);
    if (!siteIncluded(site, p.sites)) {
      ctx.skip({ id: `${site}:*`, reason: 'site_not_included', detail: { file: file.uri, site, sites: p.sites } });
      return;
    }
    const source = p.source_per_site ? site : ctx.source;
    const sorter = new ExternalSorter(p.spill_dir ?? tmpdir(), p.sort_buffer, POST_CODEC);
    try {
      const failure = await collect(file, site, p, ctx, sorter);
      if (sorter.runsWritten > 0) {
        ctx.stats.count('spill_runs', sorter.runsWritten);
        ctx.stats.count('spill_bytes', sorter.spilledBytes);
      }
      // the HTML parser behind post bodies loads with the first dump read, not with every command
      const { postBodyText } = await import('./stackexchange/body.js');
      const grouper = new QuestionGrouper(site, source, p, ctx, postBodyText);
      let key: number | undefined;
      let records: SortRecord<Post>[] = [];
      for await (const r of sorter.sorted()) {
        if (r.key !== key && records.length > 0) {
          const doc = grouper.group(records);
          if (doc) yield doc;
          records = [];
        }
        key = r.key;
        records.push(r);
      }
      if (records.length > 0) {
        const doc = grouper.group(records);
        if (doc) yield doc;
      }
      // reported after the documents read before it, as the other readers do
      if (failure) ctx.invalid(failure);
    } finally {
      await sorter.dispose();
    }
  },
});

/** Parses every row into the sorter; returns the damage that ended the file early, if any. */
async function collect(file: InputFile, site: string, p: Params, ctx: ReaderContext, sorter: ExternalSorter<Post>): Promise<InvalidRecord | undefined> {
  // escaping makes a row up to about 1.5x its body's characters, and UTF-8 up to 3 bytes each
  // the columns a post is made of: the others (view counts, editors, dates) are not decoded
  const scanner = new RowScanner(4 * p.max_post_bytes + (1 << 20), POST_COLUMNS);
  let offset = 0;
  const end = (reason: string, error: string): InvalidRecord => ({ id: `${site}:end`, reason, record: offset, error: `${file.uri}: ${error}` });
  let rowsSeen = 0;
  const take = async (rows: readonly Row[]): Promise<boolean> => {
    if (scanner.root !== undefined && scanner.root !== 'posts') {
      ctx.invalid({ id: `${site}:root`, reason: 'not_posts_xml', record: 'root', error: `${file.uri}: the XML root is <${scanner.root}>, not <posts>: this is not a Stack Exchange Posts.xml` });
      return false;
    }
    for (const row of rows) {
      rowsSeen++;
      await add(row, site, p, ctx, sorter);
    }
    return true;
  };
  try {
    const bytes = await postsXml(file, ctx);
    if (bytes === undefined) return undefined;
    for await (const chunk of bytes) {
      let rows: Row[];
      try {
        rows = scanner.push(chunk);
      } catch (err) {
        if (!(err instanceof XmlShapeError)) throw err;
        offset = err.offset;
        return end('bad_xml', `${err.message}; rows after it are not read`);
      }
      offset += chunk.length;
      if (!(await take(rows))) return undefined;
    }
  } catch (err) {
    if (err instanceof ArchiveError) return end('bad_archive', `7-Zip failed after ${rowsSeen} rows: ${err.message}`);
    if (isDecompressDamage(err)) return end('truncated_input', errorMessage(err));
    throw err;
  }
  try {
    scanner.end();
  } catch (err) {
    if (!(err instanceof XmlShapeError)) throw err;
    offset = err.offset;
    return end(scanner.root === undefined ? 'empty' : 'truncated_input', err.message);
  }
  return undefined;
}

async function add(row: Row, site: string, p: Params, ctx: ReaderContext, sorter: ExternalSorter<Post>): Promise<void> {
  const { attrs, offset } = row;
  const post = parsePostRow(attrs);
  const idText = attrs['Id'];
  if (typeof post === 'string') {
    ctx.invalid({
      id: `${site}:${idText ?? `byte${offset}`}`,
      reason: 'bad_record',
      record: offset,
      error: `row at byte ${offset}: ${post}`,
      raw: JSON.stringify(rowAttributes(row.bytes)).slice(0, 4096),
    });
    return;
  }
  const id = `${site}:${post.id}`;
  if (row.badUtf8) {
    ctx.invalid({
      id,
      reason: 'invalid_utf8',
      record: offset,
      error: `post ${post.id} (row at byte ${offset}) has bytes that are not valid UTF-8`,
      raw: JSON.stringify(rowAttributes(row.bytes)).slice(0, 4096),
    });
    return;
  }
  if (post.kind === 'other') {
    ctx.skip({ id, reason: 'post_type', detail: { post_type_id: post.postTypeId } });
    return;
  }
  // a UTF-16 unit is at most 3 UTF-8 bytes: only bodies near the limit are measured in bytes
  const bodyBytes = post.body.length * 3 > p.max_post_bytes ? Buffer.byteLength(post.body) : 0;
  if (bodyBytes > p.max_post_bytes) {
    ctx.invalid({ id, reason: 'too_large', record: offset, error: `post ${post.id} has a body of ${bodyBytes} bytes, more than max_post_bytes=${p.max_post_bytes}` });
    return;
  }
  if (post.kind === ANSWER) {
    if (p.min_answer_score !== null && post.score < p.min_answer_score) {
      ctx.skip({ id, reason: 'low_score', meta: { site, answer_id: post.id, question_id: post.parentId, score: post.score } });
      return;
    }
    await sorter.add({ key: post.parentId, kind: ANSWER, id: post.id, value: post });
    return;
  }
  await sorter.add({ key: post.id, kind: QUESTION, id: post.id, value: post });
}

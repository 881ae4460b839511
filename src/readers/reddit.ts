import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from '../vendor/zod.js';
import { sizeSchema } from '../core/size.js';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { openDecoded } from '../io/decompress.js';
// side effect: the --long=31 dumps decode in a zstd child process (see the module for why)
import '../io/zstd-cli.js';
import { localFile, type InputFile } from '../io/input.js';
import { jsonRecords, rawLine } from './ndjson.js';
import { defineReader, type ReaderContext } from './reader.js';
import { kindFromFileName, parseRedditRecord, policySkipReason, redditMeta, type RedditPolicy, type RedditRecord } from './reddit-record.js';
import { ThreadAssembler } from './reddit-threads.js';

const params = z
  .object({
    min_score: z.number().default(2).describe('records with a lower score are skipped (reason low_score)'),
    bot_authors: z.array(z.string()).default([]).describe('authors skipped as bots (reason bot_author), besides AutoModerator'),
    group: z.enum(['none', 'thread']).default('none').describe('none: one document per comment/submission; thread: a submission and its comments as one document'),
    thread_window_hours: z.number().positive().default(72).describe('thread mode: a thread collects records for this long after its first one'),
    thread_buffer_mb: z.number().positive().default(256).describe('thread mode: open threads hold at most this much text; the oldest close early beyond it'),
    max_line_bytes: sizeSchema.prefault('16MiB').describe('longer lines are rejected (line_too_long) without being held in memory'),
  })
  .strict();
type Params = z.output<typeof params>;

/** Records of one dump file, parsed; malformed lines are reported as invalid. */
async function* recordsOf(file: InputFile, ctx: ReaderContext, maxLineBytes: number): AsyncIterable<RedditRecord> {
  const name = file.uri;
  const hint = kindFromFileName(basename(file.uri));
  const { bytes } = await openDecoded(file);
  for await (const { value, lineNo, line } of jsonRecords(bytes, ctx, name, maxLineBytes)) {
    const rec = parseRedditRecord(value, hint);
    if (typeof rec === 'string') {
      ctx.invalid({ id: `${name}:${lineNo}`, reason: 'bad_record', record: lineNo, error: rec, raw: rawLine(line) });
      continue;
    }
    yield rec;
  }
}

/** Two created_utc-ordered streams merged into one (submissions and comments of one month). */
async function* mergeByTime(a: AsyncIterable<RedditRecord>, b: AsyncIterable<RedditRecord>): AsyncIterable<RedditRecord> {
  const ia = a[Symbol.asyncIterator]();
  const ib = b[Symbol.asyncIterator]();
  let ra = await ia.next();
  let rb = await ib.next();
  while (!ra.done || !rb.done) {
    // submissions first on ties: a reply never precedes its post
    if (rb.done || (!ra.done && ra.value.createdUtc <= rb.value.createdUtc)) {
      yield ra.value!;
      ra = await ia.next();
    } else {
      yield rb.value;
      rb = await ib.next();
    }
  }
}

function siblingPath(path: string, from: string, to: string): string {
  return join(dirname(path), basename(path).replace(new RegExp(`^${from}`, 'i'), to));
}

async function* readThreads(file: InputFile, p: Params, policy: RedditPolicy, ctx: ReaderContext): AsyncIterable<Doc> {
  const kind = kindFromFileName(basename(file.uri));
  const rsSibling = file.localPath && kind === 'comment' ? siblingPath(file.localPath, 'RC_', 'RS_') : undefined;
  if (file.localPath && kind === 'submission' && existsSync(siblingPath(file.localPath, 'RS_', 'RC_'))) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `reddit group: thread reads ${basename(file.uri)} together with its comments file; list only the RC_ files`, {
      file: file.uri,
      hint: 'in thread mode each RC_<month> file is merged with the RS_<month> file beside it, so listing the RS_ file too would read the submissions twice',
    });
  }
  // submissions are the first stream of the merge, so on equal timestamps a post opens its thread
  const submissions = rsSibling !== undefined && existsSync(rsSibling) ? recordsOf(localFile(rsSibling), ctx, p.max_line_bytes) : undefined;
  const comments = recordsOf(file, ctx, p.max_line_bytes);
  const records = submissions ? mergeByTime(submissions, comments) : comments;
  if (submissions) ctx.log.debug(`reddit: threads from ${basename(file.uri)} + ${basename(rsSibling!)}`);
  const assembler = new ThreadAssembler({ windowSeconds: p.thread_window_hours * 3600, maxBufferedBytes: p.thread_buffer_mb * 1024 * 1024 }, ctx.source, (rec) =>
    ctx.skip({ id: `${rec.fullname}#repeat`, reason: 'repeated_submission', text: rec.text, meta: redditMeta(rec) }),
  );
  for await (const rec of records) {
    const reason = policySkipReason(rec, policy);
    if (reason !== undefined) ctx.skip({ id: rec.fullname, reason, text: rec.text, meta: redditMeta(rec) });
    yield* assembler.add(rec, reason === undefined);
  }
  yield* assembler.flush();
  ctx.stats.count('threads_closed_early', assembler.counters.closedEarly);
  ctx.stats.count('threads_without_submission', assembler.counters.withoutSubmission);
}

/**
 * Pushshift Reddit dumps: `RC_*.zst` comments and `RS_*.zst` submissions, NDJSON compressed
 * with `zstd --long=31` (the decoder allows the 2 GiB window). Deleted/removed bodies, bots and
 * low scores are skipped with their reason.
 */
export const redditReader = defineReader({
  name: 'reddit',
  summary: 'Pushshift RC_*/RS_* dumps (.zst NDJSON); one document per comment or submission, or per thread',
  defaultSource: 'reddit',
  params,
  async *read(file, p, ctx) {
    const policy: RedditPolicy = { minScore: p.min_score, botAuthors: new Set(['automoderator', ...p.bot_authors.map((a) => a.toLowerCase())]) };
    if (p.group === 'thread') {
      yield* readThreads(file, p, policy, ctx);
      return;
    }
    for await (const rec of recordsOf(file, ctx, p.max_line_bytes)) {
      const meta = redditMeta(rec);
      const reason = policySkipReason(rec, policy);
      if (reason !== undefined) {
        ctx.skip({ id: rec.fullname, reason, text: rec.text, meta });
        continue;
      }
      yield { id: rec.fullname, text: rec.text, source: ctx.source, meta };
    }
  },
});

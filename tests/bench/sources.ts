/**
 * The sources of issue 19 (`--only sources`): the stackexchange reader's MB/s of XML per core
 * (CPU seconds of the reader and the 7z it starts) on generated Posts.xml, extracted and in a 7z
 * archive; the 7z command alone; and its memory: peak RSS on two files (both larger than the
 * sort buffer), whose answers all come after all the questions, so every question is pending
 * while the answers are read. Bytes per pending question = the peak RSS difference over the
 * difference in pending questions: what memory grows by per question waiting for its answers.
 * Links mode: the reddit_links reader against the reddit reader on the same generated RS_ file.
 * Each variant runs in its own process (isolate.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeGeneratedPosts } from '../corpora/stackexchange-posts.js';
import { isolated } from './isolate.js';
import type { SourcesReadArgs, SourcesReadResult } from './sources-child.js';
import { median } from './median.js';
import type { BenchRow } from './types.js';

const CHILD = './sources-child.js';
const MB = 1e6;

/** Pushshift-style submissions (half links, a tenth of them to excluded hosts, some self posts), `zstd --long=31`; returns the NDJSON bytes. */
export async function writeSubmissions(path: string, n: number): Promise<number> {
  const lines: string[] = [];
  const hosts = ['news.example.org', 'blog.example.com', 'i.imgur.com', 'www.example.net', 'youtube.com', 'science.example.edu'];
  for (let i = 0; i < n; i++) {
    const self = i % 3 === 0;
    const host = hosts[i % hosts.length]!;
    lines.push(
      JSON.stringify({
        id: `b${i.toString(36)}`,
        author: `user${i % 997}`,
        title: `Submission number ${i} about rivers, tea and lighthouses`,
        selftext: self ? `A self post with a little text, number ${i}.` : '',
        score: (i * 7) % 50,
        created_utc: 1551398400 + i,
        subreddit: `sub${i % 40}`,
        num_comments: i % 30,
        is_self: self,
        url: self ? `https://www.reddit.com/r/sub${i % 40}/comments/b${i.toString(36)}/` : `https://${host}/2019/03/story-${i}?utm_source=reddit&amp;ref=${i % 5}`,
        over_18: false,
      }),
    );
  }
  const text = lines.join('\n') + '\n';
  execFileSync('zstd', ['-q', '-3', '--long=31', '-f', '-o', path], { input: text, maxBuffer: 1 << 30 });
  return Buffer.byteLength(text);
}

export interface SourcesBenchOptions {
  /** Submissions of the links-mode comparison. */
  submissions: number;
  /** Posts of the Stack Exchange file timed; the memory rows compare it with one `bigPosts` long. */
  posts: number;
  bigPosts: number;
}

export async function benchSources(opts: SourcesBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const push = (r: BenchRow): void => {
    rows.push(r);
  };
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-sources-'));
  try {
    const small = join(root, 'small.stackexchange.com');
    mkdirSync(small);
    const xml = join(small, 'Posts.xml');
    process.stderr.write(`  generating Posts.xml (${opts.posts} posts)\n`);
    const g = await writeGeneratedPosts(xml, opts.posts, 2);
    // -mx=1: LZMA2's decoder runs at about the same speed whatever the level, and level 9 takes minutes to make
    execFileSync('7z', ['a', '-bd', '-bso0', '-mx=1', join(root, 'small.stackexchange.com.7z'), 'Posts.xml'], { cwd: small });
    const archive = join(root, 'small.stackexchange.com.7z');
    const packed = statSync(archive).size;
    const spill = join(root, 'spill');
    mkdirSync(spill);
    const note = `${opts.posts} posts, ${(g.bytes / MB).toFixed(0)} MB of XML, ${g.questions} questions`;
    for (const [variant, file] of [
      ['stackexchange Posts.xml', xml],
      ['stackexchange .7z (7z command)', archive],
    ] as const) {
      const res = await isolated<SourcesReadResult>(CHILD, 'readTimed', { reader: 'stackexchange', files: [file], params: { spill_dir: spill } } satisfies SourcesReadArgs);
      const v = res.value;
      push({ bench: 'sources', variant, metric: 'XML per core', value: g.bytes / MB / v.cpuSeconds, unit: 'MB/s', note: `${note}; target 20` });
      push({ bench: 'sources', variant, metric: 'XML per wall second', value: g.bytes / MB / v.seconds, unit: 'MB/s' });
      push({ bench: 'sources', variant, metric: 'questions', value: v.docs / v.seconds, unit: 'docs/s' });
      push({ bench: 'sources', variant, metric: 'peak RSS', value: res.peakRssMb, unit: 'MiB' });
    }
    const decode = await isolated<{ bytes: number; cpuSeconds: number }>(CHILD, 'sevenZipDecode', { archive, entry: 'Posts.xml' });
    push({
      bench: 'sources',
      variant: '7z e -so (decoder alone)',
      metric: 'throughput uncompressed',
      value: decode.value.bytes / MB / decode.seconds,
      unit: 'MB/s',
      note: `${(packed / MB).toFixed(1)} MB LZMA2 -mx=1; ${(decode.value.bytes / MB / decode.value.cpuSeconds).toFixed(0)} MB/s per CPU second`,
    });

    // links mode against the reddit reader, side by side on the same submissions file
    const rs = join(root, 'RS_2019-03.zst');
    const rsBytes = await writeSubmissions(rs, opts.submissions);
    // three rounds in alternating order, the median of each: one run of each reader moves with the machine's load
    const readersCompared = [
      ['reddit (posts)', 'reddit', { min_score: 3 }],
      ['reddit_links', 'reddit_links', {}],
    ] as const;
    const runs = new Map<string, SourcesReadResult[]>();
    for (let round = 0; round < 3; round++) {
      for (const [variant, reader, params] of round % 2 === 0 ? readersCompared : [...readersCompared].reverse()) {
        const res = await isolated<SourcesReadResult>(CHILD, 'readTimed', { reader, files: [rs], params } satisfies SourcesReadArgs);
        runs.set(variant, [...(runs.get(variant) ?? []), res.value]);
      }
    }
    const perCore = new Map<string, number>();
    for (const [variant] of readersCompared) {
      const vs = runs.get(variant)!;
      const v = vs[0]!;
      const note = `${opts.submissions} submissions, ${(rsBytes / MB).toFixed(0)} MB of NDJSON; ${v.docs} docs, ${v.rejected} rejected; median of 3`;
      const mbPerCore = median(vs.map((r) => rsBytes / MB / r.cpuSeconds));
      perCore.set(variant, mbPerCore);
      push({ bench: 'sources', variant, metric: 'submissions per wall second', value: median(vs.map((r) => opts.submissions / r.seconds)), unit: 'records/s', note });
      push({
        bench: 'sources',
        variant,
        metric: 'NDJSON per core',
        value: mbPerCore,
        unit: 'MB/s',
        note: `CPU of the reader and its zstd child; runs ${vs.map((r) => (rsBytes / MB / r.cpuSeconds).toFixed(1)).join(' ')}`,
      });
    }
    push({
      bench: 'sources',
      variant: 'reddit_links / reddit',
      metric: 'speed ratio per core',
      value: perCore.get('reddit_links')! / perCore.get('reddit (posts)')!,
      unit: 'x',
      note: 'goal ≥ 1',
    });

    // memory: the same reader over more posts; every question waits for answers at the end
    const big = join(root, 'big.stackexchange.com');
    mkdirSync(big);
    const bigXml = join(big, 'Posts.xml');
    process.stderr.write(`  generating Posts.xml (${opts.bigPosts} posts)\n`);
    const gb = await writeGeneratedPosts(bigXml, opts.bigPosts, 2);
    const smallRun = await isolated<SourcesReadResult>(CHILD, 'readTimed', { reader: 'stackexchange', files: [xml], params: { spill_dir: spill } } satisfies SourcesReadArgs);
    const bigRun = await isolated<SourcesReadResult>(CHILD, 'readTimed', { reader: 'stackexchange', files: [bigXml], params: { spill_dir: spill } } satisfies SourcesReadArgs);
    push({
      bench: 'sources',
      variant: `stackexchange ${gb.posts} posts`,
      metric: 'peak RSS',
      value: bigRun.peakRssMb,
      unit: 'MiB',
      note: `${(gb.bytes / MB).toFixed(0)} MB of XML, ${gb.questions} questions pending until the answers; ${opts.posts} posts: ${smallRun.peakRssMb.toFixed(0)} MiB`,
    });
    push({ bench: 'sources', variant: `stackexchange ${gb.posts} posts`, metric: 'XML per core', value: gb.bytes / MB / bigRun.value.cpuSeconds, unit: 'MB/s' });
    push({
      bench: 'sources',
      variant: 'stackexchange memory',
      metric: 'bytes per pending question',
      value: ((bigRun.peakRssMb - smallRun.peakRssMb) * 1024 * 1024) / (gb.questions - g.questions),
      unit: 'B',
      note: 'peak RSS difference / pending questions difference (sort_buffer 64MiB spills the rest)',
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

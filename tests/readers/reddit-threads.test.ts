import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFile } from '../../src/io/input.js';
import { redditReader } from '../../src/readers/reddit.js';
import { runReader } from '../helpers/harness.js';
import type { RedditRecord } from '../../src/readers/reddit-record.js';
import { ThreadAssembler } from '../../src/readers/reddit-threads.js';

const sub = (id: string, t: number, text = `post ${id}`): RedditRecord => ({
  kind: 'submission',
  fullname: `t3_${id}`,
  author: 'a',
  subreddit: 's',
  score: 5,
  createdUtc: t,
  linkId: `t3_${id}`,
  parentId: null,
  text,
  bodyMarkers: [text],
});
const com = (id: string, link: string, parent: string, t: number, text = `comment ${id}`): RedditRecord => ({
  kind: 'comment',
  fullname: `t1_${id}`,
  author: 'b',
  subreddit: 's',
  score: 5,
  createdUtc: t,
  linkId: `t3_${link}`,
  parentId: parent,
  text,
  bodyMarkers: [text],
});

describe('thread assembly', () => {
  it('orders comments depth-first, replies by created_utc, whatever order they arrive in', () => {
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit');
    const out = [
      ...a.add(sub('p', 0), true),
      ...a.add(com('c2', 'p', 't3_p', 20), true),
      ...a.add(com('c1', 'p', 't3_p', 10), true),
      ...a.add(com('c1b', 'p', 't1_c1', 30), true),
      ...a.add(com('c1a', 'p', 't1_c1', 25), true),
      ...a.add(com('x', 'p', 't1_gone', 26), true), // parent not in the thread: hangs off the post
      ...a.flush(),
    ];
    expect(out).toHaveLength(1);
    expect(out[0]!.id).toBe('t3_p');
    expect(out[0]!.text.split('\n\n')).toEqual(['post p', 'comment c1', 'comment c1a', 'comment c1b', 'comment c2', 'comment x']);
  });

  it('keeps the replies of a dropped comment in place and leaves the dropped text out', () => {
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit');
    a.add(sub('p', 0), true);
    a.add(com('del', 'p', 't3_p', 1, '[deleted]'), false);
    a.add(com('r', 'p', 't1_del', 2), true);
    expect(a.flush()[0]!.text).toBe('post p\n\ncomment r');
  });

  it('closes a thread after its window; a late comment starts a fragment with its own id', () => {
    const a = new ThreadAssembler({ windowSeconds: 100, maxBufferedBytes: 1 << 20 }, 'reddit');
    expect(a.add(sub('p', 0), true)).toEqual([]);
    expect(a.add(com('c', 'p', 't3_p', 50), true)).toEqual([]);
    const closed = a.add(com('late', 'p', 't1_c', 500), true);
    expect(closed.map((d) => d.id)).toEqual(['t3_p']);
    const rest = a.flush();
    expect(rest.map((d) => [d.id, d.text])).toEqual([['t3_p/t1_late', 'comment late']]);
    expect(a.counters.withoutSubmission).toBe(1);
  });

  it('bounds memory: the oldest threads close early when the buffer is full', () => {
    const a = new ThreadAssembler({ windowSeconds: 1e9, maxBufferedBytes: 10_000 }, 'reddit');
    const closed = [];
    for (let i = 0; i < 100; i++) closed.push(...a.add(sub(`p${i}`, i, 'x'.repeat(1000)), true));
    expect(closed.length).toBeGreaterThan(90);
    expect(closed[0]!.id).toBe('t3_p0');
    expect(a.counters.closedEarly).toBe(closed.length);
    expect(closed.length + a.flush().length).toBe(100);
  });

  it('emits nothing for a thread whose records were all dropped', () => {
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit');
    a.add(sub('p', 0, '[removed]'), false);
    expect(a.flush()).toEqual([]);
  });

  it('takes a submission that arrives after its first comment as the thread head (no cycle)', () => {
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit');
    a.add(com('c', 'p', 't3_p', 5), true);
    a.add(sub('p', 5), true);
    expect(a.flush().map((d) => d.text)).toEqual(['post p\n\ncomment c']);
  });

  it('reports a repeated submission instead of dropping it silently', () => {
    const unused: string[] = [];
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit', (r) => unused.push(r.fullname));
    a.add(sub('p', 0), true);
    a.add(sub('p', 1), true);
    expect(unused).toEqual(['t3_p']);
    expect(a.flush()[0]!.text).toBe('post p');
  });

  it('keeps comments whose parents form a cycle (damaged data), after the tree', () => {
    const a = new ThreadAssembler({ windowSeconds: 1000, maxBufferedBytes: 1 << 20 }, 'reddit');
    a.add(sub('p', 0), true);
    a.add(com('x', 'p', 't1_y', 1), true);
    a.add(com('y', 'p', 't1_x', 2), true);
    a.add(com('z', 'p', 't3_p', 3), true);
    expect(a.flush()[0]!.text).toBe('post p\n\ncomment z\n\ncomment x\n\ncomment y');
  });
});

describe('reddit reader, group: thread', () => {
  it('merges RC_ with the RS_ file beside it; a post and a reply in the same second open the thread with the post', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-reddit-'));
    const zst = (name: string, lines: object[]): void => {
      writeFileSync(join(dir, name), execFileSync('zstd', ['-q', '--long=31', '-c'], { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n' }));
    };
    zst('RS_2020-05.zst', [{ id: 'p1', author: 'a', title: 'Title', selftext: 'Body', score: 10, created_utc: 100, subreddit: 's' }]);
    zst('RC_2020-05.zst', [
      { id: 'c1', author: 'b', body: 'Reply', score: 3, created_utc: 100, subreddit: 's', link_id: 't3_p1', parent_id: 't3_p1' },
      { id: 'c2', author: 'c', body: 'Reply to reply', score: 3, created_utc: 101, subreddit: 's', link_id: 't3_p1', parent_id: 't1_c1' },
    ]);
    const r = await runReader(redditReader, localFile(join(dir, 'RC_2020-05.zst')), { group: 'thread' });
    expect(r.docs.map((d) => [d.id, d.text])).toEqual([['t3_p1', 'Title\n\nBody\n\nReply\n\nReply to reply']]);
    await expect(runReader(redditReader, localFile(join(dir, 'RS_2020-05.zst')), { group: 'thread' })).rejects.toThrow(/list only the RC_ files/);
    rmSync(dir, { recursive: true, force: true });
  });
});

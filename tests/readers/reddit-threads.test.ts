import { describe, expect, it } from 'vitest';
import type { RedditRecord } from '../../src/readers/reddit-record.js';
import { ThreadAssembler } from '../../src/readers/reddit-threads.js';

const sub = (id: string, t: number, text = `post ${id}`): RedditRecord => ({ kind: 'submission', fullname: `t3_${id}`, author: 'a', subreddit: 's', score: 5, createdUtc: t, linkId: `t3_${id}`, parentId: null, text, bodyMarkers: [text] });
const com = (id: string, link: string, parent: string, t: number, text = `comment ${id}`): RedditRecord => ({ kind: 'comment', fullname: `t1_${id}`, author: 'b', subreddit: 's', score: 5, createdUtc: t, linkId: `t3_${link}`, parentId: parent, text, bodyMarkers: [text] });

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
});

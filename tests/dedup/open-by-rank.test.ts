import { describe, expect, it } from 'vitest';
import { OpenByRank } from '../../src/dedup/open-by-rank.js';

describe('OpenByRank', () => {
  it('reuses what is open, closes the least recently used past the limit, and reopens it on demand', () => {
    const events: string[] = [];
    const pool = new OpenByRank((rank) => {
      events.push(`open ${rank}`);
      return { rank, close: () => events.push(`close ${rank}`) };
    }, 2);
    expect(pool.get(0).rank).toBe(0);
    pool.get(1);
    pool.get(0); // 0 is now the most recently used
    pool.get(2); // closes 1, not 0
    pool.get(0);
    pool.get(1); // reopened; closes 2
    pool.close();
    expect(events).toEqual(['open 0', 'open 1', 'close 1', 'open 2', 'close 2', 'open 1', 'close 0', 'close 1']);
  });
});

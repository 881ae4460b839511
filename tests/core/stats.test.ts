import { describe, expect, it } from 'vitest';
import { StatsRecorder, ledgerBalance, log2Bucket, mergeStats, emptyStats } from '../../src/core/stats.js';

describe('stats', () => {
  it('merges by addition, so the ledger of a split run equals the whole run', () => {
    const a = new StatsRecorder();
    a.docIn('web', 100);
    a.docIn('web', 50);
    a.kept('web', 100, 20);
    a.rejected('length', 'web', 'too_short');
    a.stage('length').count('lines_removed', 3);
    a.histogram('tokens_per_doc', log2Bucket(20));
    const b = new StatsRecorder();
    b.docIn('books', 10);
    b.duplicate('exact_dedup', 'books');
    b.histogram('tokens_per_doc', log2Bucket(17));
    const total = mergeStats(mergeStats(emptyStats(), a.stats), b.stats);
    expect(total.ledger).toEqual({ docs_in: 3, kept: 1, rejected: 1, duplicates: 1 });
    expect(ledgerBalance(total.ledger)).toBe(0);
    expect(total.stages['length']!.rejected).toEqual({ too_short: 1 });
    expect(total.stages['length']!.counters).toEqual({ lines_removed: 3 });
    expect(total.stages['exact_dedup']!.duplicates).toBe(1);
    expect(total.sources['web']).toMatchObject({ docs_in: 2, kept: 1, rejected: 1, chars_in: 150, chars_kept: 100, tokens: 20 });
    expect(total.histograms['tokens_per_doc']).toEqual({ '16-31': 2 });
  });

  it('buckets lengths by powers of two', () => {
    expect([0, 1, 2, 3, 4, 7, 8, 1000].map(log2Bucket)).toEqual(['0', '1', '2-3', '2-3', '4-7', '4-7', '8-15', '512-1023']);
  });
});

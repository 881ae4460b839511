import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { mulberry32 } from '../../src/core/random.js';
import { LENGTH_BUCKET_KEYS, SCORE_BUCKET_KEYS, lengthBucket, lengthBucketLabel, scoreBucket, scoreBucketLabel, sortedBuckets } from '../../src/report/buckets.js';
import { canonicalReportData, emptyReportData, mergeReportData, ReportCollector, SAMPLE_LIMITS, type ReportData } from '../../src/report/collect.js';
import { BottomK, bottomK, cutText, priorityOf, type Sample } from '../../src/report/sample.js';

describe('buckets', () => {
  it('length buckets are fixed, ordered and contain their value', () => {
    expect(lengthBucket(0)).toBe('0');
    expect(lengthBucket(1)).toBe('1');
    const keys = new Set<string>();
    let previous = -1;
    for (let n = 0; n < 100_000; n += 1 + Math.floor(n / 50)) {
      const k = Number(lengthBucket(n));
      expect(k).toBeLessThanOrEqual(n);
      expect(k).toBeGreaterThanOrEqual(previous); // monotone
      previous = k;
      keys.add(String(k));
    }
    // about four buckets per doubling: 100k is ~17 doublings
    expect(keys.size).toBeGreaterThan(50);
    expect(keys.size).toBeLessThan(80);
    expect(lengthBucketLabel(lengthBucket(70))).toMatch(/^\d+-\d+$/);
    const [lo, hi] = lengthBucketLabel(lengthBucket(70)).split('-').map(Number);
    expect(lo! <= 70 && 70 <= hi!).toBe(true);
  });

  it('score buckets: 0.05 steps on [0, 1], powers of two beyond, in numeric order', () => {
    expect(scoreBucket(0)).toBe('0');
    expect(scoreBucket(0.651)).toBe('0.65');
    expect(scoreBucket(0.7)).toBe('0.7');
    expect(scoreBucket(1)).toBe('0.95');
    expect(scoreBucket(5)).toBe('4');
    expect(scoreBucket(-3)).toBe('-4');
    expect(scoreBucketLabel('0.65')).toBe('0.65-0.7');
    expect(scoreBucketLabel('4')).toBe('4-8');
    expect(sortedBuckets(['4', '-4', '0.95', '0', '0.1'])).toEqual(['-4', '0', '0.1', '0.95', '4']);
  });

  it('score buckets at the edges: negative fractions share the bucket of -1, infinities and NaN have their own', () => {
    expect(scoreBucket(-0.3)).toBe('-1');
    expect(scoreBucket(-0.5)).toBe('-1');
    expect(scoreBucket(-1)).toBe('-1');
    expect(scoreBucket(-1.5)).toBe('-2');
    expect(scoreBucketLabel('-1')).toBe('-1-0');
    expect(scoreBucket(Number.MAX_VALUE)).toBe(String(2 ** 1023));
    expect(scoreBucket(Infinity)).toBe('Infinity');
    expect(scoreBucket(-Infinity)).toBe('-Infinity');
    expect(scoreBucket(NaN)).toBe('NaN');
    // the collector counts by index: two indices with one name would overwrite each other in the JSON
    expect(new Set(SCORE_BUCKET_KEYS).size).toBe(SCORE_BUCKET_KEYS.length);
    expect(new Set(LENGTH_BUCKET_KEYS).size).toBe(LENGTH_BUCKET_KEYS.length);
  });
});

function randomSamples(n: number, seed: number): Sample[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const id = `doc-${Math.floor(random() * 1e9)}-${i}`;
    return { h: priorityOf(id), id, source: 's', kind: 'kept', chars: 1, text: 'x', meta: {} } as Sample;
  });
}

describe('bottom-k samples', () => {
  it('a running sample equals the k lowest priorities of everything it was offered', () => {
    const all = randomSamples(5000, 1);
    const running = new BottomK(17);
    for (const s of all) if (running.wants(s.h)) running.add(s);
    expect(running.result().map((s) => s.id)).toEqual(bottomK([...all], 17).map((s) => s.id));
  });

  it('merging the samples of any split, in any order, gives the sample of the whole', () => {
    const all = randomSamples(3000, 2);
    const whole = bottomK([...all], 25).map((s) => s.id);
    const random = mulberry32(3);
    for (let trial = 0; trial < 10; trial++) {
      const parts: Sample[][] = [[], [], [], []];
      for (const s of all) parts[Math.floor(random() * parts.length)]!.push(s);
      const samples = parts.map((p) => bottomK(p, 25)).sort(() => random() - 0.5);
      const merged = samples.reduce<Sample[]>((acc, p) => bottomK([...acc, ...p], 25), []);
      expect(merged.map((s) => s.id)).toEqual(whole);
    }
  });

  it('priorities are seeded hashes of the id: stable, and spread evenly', () => {
    expect(priorityOf('a')).toBe(priorityOf('a'));
    expect(priorityOf('a')).not.toBe(priorityOf('a', 1));
    const low = randomSamples(20_000, 4).filter((s) => s.h < 2 ** 31).length;
    expect(low).toBeGreaterThan(9_500);
    expect(low).toBeLessThan(10_500);
  });

  it('cutText never splits a surrogate pair', () => {
    expect(cutText('ab😀cd', 3)).toBe('ab');
    expect(cutText('ab😀cd', 4)).toBe('ab😀');
    expect(cutText('short', 10)).toBe('short');
  });
});

function docs(n: number, seed: number): Doc[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `d${i}`,
    source: ['web', 'code', 'books'][i % 3]!,
    text: 'x'.repeat(Math.floor(random() * 5000)),
    meta: { language: random() < 0.8 ? 'en' : 'de', language_score: random(), n: i },
  }));
}

/** Feeds documents through collectors, one per part: reader hand-over, then kept or rejected by length. */
function collect(all: Doc[], parts: number): ReportData[] {
  const collectors = Array.from({ length: parts }, () => new ReportCollector());
  all.forEach((doc, i) => {
    const c = collectors[i % parts]!;
    c.docIn({ ...doc, meta: { n: doc.meta['n']! } }); // the reader sets only `n`
    if (doc.text.length < 500) c.removed('length', doc, 'rejected', 'too_short', { min: 500 });
    else if (i % 17 === 0) c.removed('exact_dedup', doc, 'duplicate', 'exact_duplicate', { kept_id: 'd0' });
    else c.kept({ ...doc, tokens: new Int32Array(Math.floor(doc.text.length / 4)) });
  });
  return collectors.map((c) => c.data());
}

describe('report data', () => {
  it('is the same whatever the task split and merge order (so resumes and Slurm tasks merge exactly)', () => {
    const all = docs(3000, 5);
    const one = canonicalReportData(collect(all, 1).reduce(mergeReportData, emptyReportData()));
    const seven = collect(all, 7);
    const forward = canonicalReportData(seven.reduce(mergeReportData, emptyReportData()));
    const backward = canonicalReportData([...seven].reverse().reduce(mergeReportData, emptyReportData()));
    expect(JSON.stringify(forward)).toBe(JSON.stringify(one));
    expect(JSON.stringify(backward)).toBe(JSON.stringify(one));
  });

  it('counts every document once, by source and outcome, and keeps bounded samples', () => {
    const all = docs(3000, 6);
    const data = collect(all, 3).reduce(mergeReportData, emptyReportData());
    const sum = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);
    for (const source of ['web', 'code', 'books']) {
      const s = data.sources[source]!;
      const mine = all.filter((d) => d.source === source);
      expect(sum(s.chars.kept) + sum(s.chars.dropped)).toBe(mine.length);
      expect(sum(s.numbers['language_score']!.kept) + sum(s.numbers['language_score']!.dropped)).toBe(mine.length);
      expect(sum(s.language.kept)).toBe(sum(s.chars.kept));
      expect(sum(s.tokens)).toBe(sum(s.chars.kept));
      expect(s.outcomes['length\ttoo_short']!.docs).toBe(mine.filter((d) => d.text.length < 500).length);
      // `n` came from the reader, language_score from a stage
      expect(s.reader_fields).toEqual({ n: mine.length });
      expect(data.samples.kept[source]).toHaveLength(SAMPLE_LIMITS.perSource);
    }
    expect(Object.keys(data.samples.removed).sort()).toEqual(['exact_dedup\t(duplicate)', 'length\ttoo_short']);
    const dup = data.samples.removed['exact_dedup\t(duplicate)']![0]!;
    expect(dup).toMatchObject({ kind: 'duplicate', stage: 'exact_dedup', reason: 'exact_duplicate', detail: { kept_id: 'd0' } });
    expect(data.samples.fates).toHaveLength(SAMPLE_LIMITS.fates);
    // the fate sample is the lowest priorities over all documents, whatever their fate
    expect(data.samples.fates.map((s) => s.id)).toEqual(
      all
        .map((d) => ({ id: d.id, h: priorityOf(d.id) }))
        .sort((a, b) => a.h - b.h)
        .slice(0, SAMPLE_LIMITS.fates)
        .map((d) => d.id),
    );
    for (const s of data.samples.fates) expect(s.text.length).toBeLessThanOrEqual(SAMPLE_LIMITS.fateTextChars);
  });
});

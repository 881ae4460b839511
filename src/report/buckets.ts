/**
 * Fixed histogram buckets, the same in every task and every run, so histograms merge by adding
 * counts and two runs compare bucket by bucket. A bucket is named by its lower bound, as a string
 * (JSON keys), and sorts by that number.
 */

/** Lower bounds of the length buckets: four per doubling (2^(k/4), rounded up), distinct, up to 2^48. */
const LENGTH_BOUNDS: readonly number[] = (() => {
  const bounds = [0, 1];
  for (let k = 1; k <= 4 * 48; k++) {
    const b = Math.ceil(2 ** (k / 4));
    if (b > bounds[bounds.length - 1]!) bounds.push(b);
  }
  return bounds;
})();
const LENGTH_KEYS = LENGTH_BOUNDS.map(String);

/** Names of the length buckets, by index: what `lengthBucketIndex` counts into. */
export const LENGTH_BUCKET_KEYS: readonly string[] = LENGTH_KEYS;

/** Index in LENGTH_BUCKET_KEYS of a non-negative count's bucket (the collector counts by index: no string key, no Map, per document). */
export function lengthBucketIndex(n: number): number {
  // binary search for the largest bound <= n: about 8 comparisons, no Math.log on the hot path
  let lo = 0;
  let hi = LENGTH_BOUNDS.length - 1;
  if (!(n > 0)) return 0;
  if (n >= LENGTH_BOUNDS[hi]!) return hi;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (LENGTH_BOUNDS[mid]! <= n) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Bucket of a non-negative count (characters, tokens): log scale, four buckets per doubling. */
export function lengthBucket(n: number): string {
  return LENGTH_KEYS[lengthBucketIndex(n)]!;
}

/** Upper end (exclusive) of a length bucket, for labels: "64-75". */
export function lengthBucketLabel(key: string): string {
  const lo = Number(key);
  const i = LENGTH_BOUNDS.indexOf(lo);
  const next = LENGTH_BOUNDS[i + 1];
  if (i < 0 || next === undefined) return key;
  return next - 1 === lo ? key : `${compact(lo)}-${compact(next - 1)}`;
}

const SCORE_KEYS = Array.from({ length: 20 }, (_, i) => String(Math.round(i * 5) / 100));
// 2^1023 is the largest power below Number.MAX_VALUE (log2 of which rounds up to 1024)
const POWER_KEYS = Array.from({ length: 1024 }, (_, i) => String(2 ** i));
const NEGATIVE_KEYS = Array.from({ length: 1024 }, (_, i) => String(-(2 ** i)));
const POWERS_AT = SCORE_KEYS.length;
const NEGATIVES_AT = POWERS_AT + POWER_KEYS.length + 1;

/** Names of the score buckets, by index: [0, 1] in 0.05 steps, powers of two, Infinity, their negatives, -Infinity, NaN. */
export const SCORE_BUCKET_KEYS: readonly string[] = [...SCORE_KEYS, ...POWER_KEYS, 'Infinity', ...NEGATIVE_KEYS, '-Infinity', 'NaN'];

/**
 * Bucket of a per-document score or other number, as an index in SCORE_BUCKET_KEYS: [0, 1] (most
 * scores and probabilities) in 20 steps of 0.05; beyond it powers of two on either side, so
 * unbounded values still fit a fixed set. Negative numbers above -1 share the bucket of -1.
 */
export function scoreBucketIndex(v: number): number {
  if (v >= 0 && v <= 1) return Math.min(19, Math.floor(v * 20));
  if (v === Infinity) return POWERS_AT + POWER_KEYS.length;
  if (v === -Infinity) return NEGATIVES_AT + NEGATIVE_KEYS.length;
  if (v > 1) return POWERS_AT + Math.min(POWER_KEYS.length - 1, Math.floor(Math.log2(v)));
  if (v < 0) return NEGATIVES_AT + Math.min(NEGATIVE_KEYS.length - 1, Math.max(0, Math.ceil(Math.log2(-v))));
  return SCORE_BUCKET_KEYS.length - 1;
}

/** Bucket of a per-document score or other number (scoreBucketIndex's bucket, by name). */
export function scoreBucket(v: number): string {
  return SCORE_BUCKET_KEYS[scoreBucketIndex(v)]!;
}

/** Label of a score bucket: "0.65-0.7", "4-8", "-16--8", "-1-0". */
export function scoreBucketLabel(key: string): string {
  const lo = Number(key);
  if (Number.isNaN(lo)) return key;
  if (lo >= 0 && lo < 1) return `${key}-${Math.round(lo * 100 + 5) / 100}`;
  if (lo >= 1) return `${compact(lo)}-${compact(lo * 2)}`;
  // the bucket of -1 holds every negative number above it
  return lo === -1 ? '-1-0' : `${compact(lo)}-${compact(lo / 2)}`;
}

/** Histogram keys in numeric order (a NaN bucket last). */
export function sortedBuckets(keys: Iterable<string>): string[] {
  return [...keys].sort((a, b) => {
    const x = Number(a);
    const y = Number(b);
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
    return x - y;
  });
}

/** 1234567 -> "1.2M": bucket labels stay short on a chart axis. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toPrecision(2)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toPrecision(2)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toPrecision(3)}k`;
  return String(n);
}

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

/** Bucket of a non-negative count (characters, tokens): log scale, four buckets per doubling. */
export function lengthBucket(n: number): string {
  // binary search for the largest bound <= n: about 8 comparisons, no Math.log on the hot path
  let lo = 0;
  let hi = LENGTH_BOUNDS.length - 1;
  if (!(n > 0)) return '0';
  if (n >= LENGTH_BOUNDS[hi]!) return LENGTH_KEYS[hi]!;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (LENGTH_BOUNDS[mid]! <= n) lo = mid;
    else hi = mid - 1;
  }
  return LENGTH_KEYS[lo]!;
}

/** Upper end (exclusive) of a length bucket, for labels: "64-75". */
export function lengthBucketLabel(key: string): string {
  const lo = Number(key);
  const i = LENGTH_BOUNDS.indexOf(lo);
  const next = LENGTH_BOUNDS[i + 1];
  if (i < 0 || next === undefined) return key;
  return next - 1 === lo ? key : `${compact(lo)}-${compact(next - 1)}`;
}

/**
 * Bucket of a per-document score or other number: [0, 1] (most scores and probabilities) in 20
 * steps of 0.05; beyond it powers of two on either side, so unbounded values still fit a fixed set.
 */
export function scoreBucket(v: number): string {
  if (v >= 0 && v <= 1) return SCORE_KEYS[Math.min(19, Math.floor(v * 20))]!;
  // keys from tables: this runs for every numeric field of every document, and a new string each time would feed the GC
  if (v > 1) return POWER_KEYS[Math.min(1100, Math.floor(Math.log2(v)))] ?? 'Infinity';
  if (v < 0) return NEGATIVE_KEYS[Math.min(1100, Math.ceil(Math.log2(-v)))] ?? '-Infinity';
  return 'NaN';
}
const SCORE_KEYS = Array.from({ length: 20 }, (_, i) => String(Math.round(i * 5) / 100));
const POWER_KEYS = Array.from({ length: 1025 }, (_, i) => String(2 ** i));
const NEGATIVE_KEYS = Array.from({ length: 1025 }, (_, i) => String(-(2 ** i)));

/** Label of a score bucket: "0.65-0.7", "4-8", "-16--8". */
export function scoreBucketLabel(key: string): string {
  const lo = Number(key);
  if (Number.isNaN(lo)) return key;
  if (lo >= 0 && lo < 1) return `${key}-${Math.round(lo * 100 + 5) / 100}`;
  if (lo >= 1) return `${compact(lo)}-${compact(lo * 2)}`;
  return `${compact(lo)}-${compact(lo / 2)}`;
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

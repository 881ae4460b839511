import type { Statistics } from './metadata.js';

/**
 * float64 and bool statistics. NaN has no place in an order, so it is left out of min/max (a
 * chunk of only NaN gets none); a zero min is written as -0.0 and a zero max as +0.0, as the
 * Parquet spec asks, so a reader's bounds hold whichever zero a value has.
 */
export function floatStats(values: Float64Array, nulls: Uint8Array | null, nullCount: number): Statistics {
  let min = Infinity;
  let max = -Infinity;
  let any = false;
  for (let i = 0; i < values.length; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    const v = values[i] ?? NaN;
    if (Number.isNaN(v)) continue;
    any = true;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!any) return { nullCount };
  const b = Buffer.allocUnsafe(16);
  b.writeDoubleLE(min === 0 ? -0 : min, 0);
  b.writeDoubleLE(max === 0 ? 0 : max, 8);
  return { nullCount, min: b.subarray(0, 8), max: b.subarray(8) };
}

export function boolStats(values: Uint8Array, nulls: Uint8Array | null, nullCount: number): Statistics {
  let seen = 0; // bit 0: false seen, bit 1: true seen
  for (let i = 0; i < values.length && seen !== 3; i++) {
    if (nulls !== null && nulls[i] === 1) continue;
    seen |= values[i] === 1 ? 2 : 1;
  }
  if (seen === 0) return { nullCount };
  return { nullCount, min: Buffer.from([seen & 1 ? 0 : 1]), max: Buffer.from([seen & 2 ? 1 : 0]) };
}

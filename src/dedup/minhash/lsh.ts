import { murmurWords } from '../../core/hash32.js';

/** Locality-sensitive hashing shape: the signature is cut into `bands` bands of `rows` values. */
export interface LshShape {
  bands: number;
  rows: number;
}

const SEED_HI = 0x5bd1e995;
const SEED_LO = 0x27d4eb2f;

/**
 * The 64-bit key of one band: two independent MurmurHash3 runs over the band's `rows` values,
 * seeded with the band number. Written as [hi, lo] into `out` at `at`.
 */
export function bandKey(signature: Int32Array, band: number, rows: number, out: Uint32Array, at: number): void {
  const start = band * rows;
  out[at] = murmurWords(signature, start, rows, SEED_HI + band * 2);
  out[at + 1] = murmurWords(signature, start, rows, SEED_LO ^ Math.imul(band + 1, 0x9e3779b9));
}

/** Probability that two documents of Jaccard similarity `s` share at least one band. */
export function candidateProbability(s: number, shape: LshShape): number {
  return 1 - (1 - s ** shape.rows) ** shape.bands;
}

/** Where the S-curve is steepest, roughly the similarity at which pairs start to be caught. */
export function curveThreshold(shape: LshShape): number {
  return (1 / shape.bands) ** (1 / shape.rows);
}

function integrate(f: (s: number) => number, lo: number, hi: number): number {
  const steps = 200;
  const h = (hi - lo) / steps;
  let sum = f(lo) + f(hi);
  for (let i = 1; i < steps; i++) sum += f(lo + i * h) * (i % 2 === 1 ? 4 : 2);
  return (sum * h) / 3;
}

/**
 * Bands and rows (bands * rows <= numHashes) that minimise the area of false positives below
 * `threshold` plus false negatives above it under the S-curve, equally weighted.
 */
export function shapeForThreshold(threshold: number, numHashes: number): LshShape {
  let best: LshShape = { bands: 1, rows: numHashes };
  let bestError = Infinity;
  for (let bands = 1; bands <= numHashes; bands++) {
    for (let rows = 1; rows * bands <= numHashes; rows++) {
      const shape = { bands, rows };
      const falsePositive = integrate((s) => candidateProbability(s, shape), 0, threshold);
      const falseNegative = integrate((s) => 1 - candidateProbability(s, shape), threshold, 1);
      const error = 0.5 * falsePositive + 0.5 * falseNegative;
      if (error < bestError - 1e-12) {
        bestError = error;
        best = shape;
      }
    }
  }
  return best;
}

/**
 * The centroid tables of fastText's product quantizer, as a `.ftz` stores them: `nsubq`
 * sub-quantizers of 256 centroids each, every one `dsub` wide except the last (`lastdsub`), laid
 * out one sub-quantizer after another. Only reading is needed: sluice applies quantized models,
 * `fasttext quantize` makes them.
 */
import type { ModelReader } from './model-reader.js';

export const KSUB = 256;

export interface ProductQuantizer {
  readonly dim: number;
  readonly nsubq: number;
  readonly dsub: number;
  readonly lastdsub: number;
  readonly ksub: number;
  readonly centroids: Float32Array;
}

export function readProductQuantizer(r: ModelReader, what: string): ProductQuantizer {
  const dim = r.i32(`${what} dim`);
  const nsubq = r.i32(`${what} nsubq`);
  const dsub = r.i32(`${what} dsub`);
  const lastdsub = r.i32(`${what} lastdsub`);
  if (dim <= 0 || dsub <= 0 || nsubq <= 0 || lastdsub <= 0 || lastdsub > dsub || (nsubq - 1) * dsub + lastdsub !== dim) {
    throw r.damaged(`${what} has inconsistent shape (dim ${dim}, nsubq ${nsubq}, dsub ${dsub}, lastdsub ${lastdsub})`);
  }
  const centroids = r.f32array(dim * KSUB, `${what} centroids`);
  return { dim, nsubq, dsub, lastdsub, ksub: KSUB, centroids };
}

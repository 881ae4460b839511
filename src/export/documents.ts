import { DocReader, type TokenDataset } from '../loader/dataset.js';

/**
 * Calls `each` with every document's tokens in dataset order (shard by shard, row by row).
 * The array is reused between calls: copy what you keep.
 */
export function forEachDocument(dataset: TokenDataset, each: (tokens: Int32Array, doc: number) => void): void {
  let longest = 0;
  for (const n of dataset.numTokens) longest = Math.max(longest, n);
  const scratch = new Int32Array(longest);
  const reader = new DocReader(dataset);
  try {
    for (let d = 0; d < dataset.docs; d++) {
      const n = dataset.numTokens[d]!;
      reader.copyTokens(d, scratch, 0);
      each(scratch.subarray(0, n), d);
    }
  } finally {
    reader.close();
  }
}

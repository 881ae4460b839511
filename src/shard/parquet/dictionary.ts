/**
 * Dictionary building for a string column chunk. A chunk is dictionary-encoded when its
 * values repeat: the dictionary is given up as soon as it passes MAX_ENTRIES or
 * MAX_DICTIONARY_BYTES, or once most values seen are new (ids, texts), so an all-distinct
 * column costs a short sample, not a full pass.
 */

/** Indices stay within 16 bits (a page of them is at most 2 bytes per value). */
export const MAX_ENTRIES = 1 << 16;
/** The dictionary page, uncompressed, as parquet-java and Arrow cap it by default. */
export const MAX_DICTIONARY_BYTES = 1 << 20;
/** Values to look at before judging how distinct a column is. */
const SAMPLE = 1024;

export interface Dictionary {
  entries: string[];
  /** Per row the entry index; -1 for nulls. */
  indices: Int32Array;
}

/** The chunk's dictionary, or undefined when PLAIN is the better encoding. */
export function buildDictionary(values: readonly (string | null)[]): Dictionary | undefined {
  const index = new Map<string, number>();
  const entries: string[] = [];
  const indices = new Int32Array(values.length);
  let bytes = 0;
  let seen = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      indices[i] = -1;
      continue;
    }
    seen++;
    let k = index.get(v);
    if (k === undefined) {
      k = entries.length;
      index.set(v, k);
      entries.push(v);
      // UTF-16 length: exact for ASCII, an over-estimate by at most 3x otherwise
      bytes += 4 + v.length;
      if (entries.length > MAX_ENTRIES || bytes > MAX_DICTIONARY_BYTES) return undefined;
      if (seen >= SAMPLE && entries.length * 2 > seen) return undefined;
    }
    indices[i] = k;
  }
  return entries.length > 0 && entries.length * 2 <= seen ? { entries, indices } : undefined;
}

/**
 * A document's place in a barrier: the task (rank) that collected it and its position in that
 * task's stream. Packed into one number, rank * 2^32 + ordinal, exact in a float64 for ranks
 * below 2^21; ordering refs orders documents by (rank, ordinal), the `first` keep rule.
 */
export type DocRef = number;

const TWO_32 = 2 ** 32;

export function docRef(rank: number, ordinal: number): DocRef {
  return rank * TWO_32 + ordinal;
}

export function refRank(ref: DocRef): number {
  return Math.floor(ref / TWO_32);
}

export function refOrdinal(ref: DocRef): number {
  return ref % TWO_32;
}

/** A well-mixed 32-bit hash of a ref, for spreading documents over partitions. */
export function refHash(ref: DocRef): number {
  let h = Math.imul(refOrdinal(ref) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(refRank(ref) + 1, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  h = Math.imul(h, 0x297a2d39);
  return (h ^ (h >>> 15)) >>> 0;
}

export function refPartition(ref: DocRef, partitions: number): number {
  return refHash(ref) % partitions;
}

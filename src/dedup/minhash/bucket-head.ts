import { fmix32 } from '../../core/hash32.js';
import type { DocLookup } from '../doc-table.js';
import type { DocRef } from '../doc-ref.js';
import { wordHash } from './shingles.js';

/** 32-bit hash of a document id: the tag stored with each band row. */
export function idHash(id: string): number {
  return fmix32(wordHash(id)) >>> 0;
}

/**
 * Whether document `a` (tag `ta`) heads a bucket before `b`: the smaller id hash, and on a tie
 * the smaller id. Depends only on the documents, so both modes and every task split check a
 * bucket's members against the same head.
 */
export function headsBefore(a: DocRef, ta: number, b: DocRef, tb: number, docs: DocLookup): boolean {
  if (ta !== tb) return ta < tb;
  if (a === b) return false;
  return docs.entry(a).id < docs.entry(b).id;
}

/** Index of the head of a bucket's members. */
export function bucketHead(members: DocRef[], tags: number[], docs: DocLookup): number {
  let head = 0;
  for (let i = 1; i < members.length; i++) if (headsBefore(members[i]!, tags[i]!, members[head]!, tags[head]!, docs)) head = i;
  return head;
}

import { ArtefactKind, bytesOf, CheckedReader } from '../checked-file.js';
import { refOrdinal, refRank, type DocRef } from '../doc-ref.js';
import { OpenByRank } from '../open-by-rank.js';
import type { SimilaritySource } from '../resolve.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { estimateSimilarity } from './signature.js';

/** Reads stored signatures by ref (random access, checksummed blocks) to estimate similarities. */
export class SignatureStore implements SimilaritySource {
  private readonly readers: OpenByRank<CheckedReader>;
  /** The two signatures of the pair being compared, reused for every pair. */
  private readonly x: Int32Array;
  private readonly y: Int32Array;

  constructor(layout: DedupWorkLayout, numHashes: number) {
    this.x = new Int32Array(numHashes);
    this.y = new Int32Array(numHashes);
    this.readers = new OpenByRank((rank) => CheckedReader.open(layout.signatures(rank), ArtefactKind.Signatures));
  }

  /** Reads the signature of `ref` into `out` (numHashes values); returns it. */
  private load(ref: DocRef, out: Int32Array): Int32Array {
    this.readers.get(refRank(ref)).readInto(refOrdinal(ref) * out.byteLength, bytesOf(out));
    return out;
  }

  similarity(kept: DocRef, removed: DocRef): number {
    return estimateSimilarity(this.load(kept, this.x), this.load(removed, this.y));
  }

  close(): void {
    this.readers.close();
  }
}

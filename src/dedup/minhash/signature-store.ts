import { ArtefactKind, CheckedReader } from '../checked-file.js';
import { refOrdinal, refRank, type DocRef } from '../doc-ref.js';
import { OpenByRank } from '../open-by-rank.js';
import type { SimilaritySource } from '../resolve.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { estimateSimilarity } from './signature.js';

/** Reads stored signatures by ref (random access, checksummed blocks) to estimate similarities. */
export class SignatureStore implements SimilaritySource {
  private readonly readers: OpenByRank<CheckedReader>;

  constructor(
    layout: DedupWorkLayout,
    private readonly numHashes: number,
  ) {
    this.readers = new OpenByRank((rank) => CheckedReader.open(layout.signatures(rank), ArtefactKind.Signatures));
  }

  get(ref: DocRef): Int32Array {
    const bytes = this.numHashes * 4;
    return new Int32Array(this.readers.get(refRank(ref)).read(refOrdinal(ref) * bytes, bytes).buffer);
  }

  similarity(kept: DocRef, removed: DocRef): number {
    return estimateSimilarity(this.get(kept), this.get(removed));
  }

  close(): void {
    this.readers.close();
  }
}

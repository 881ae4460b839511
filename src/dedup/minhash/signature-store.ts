import { ArtefactKind, CheckedReader } from '../checked-file.js';
import { refOrdinal, refRank, type DocRef } from '../doc-ref.js';
import type { SimilaritySource } from '../resolve.js';
import type { DedupWorkLayout } from '../work-layout.js';
import { estimateSimilarity } from './signature.js';

/** Reads stored signatures by ref (random access, checksummed blocks) to estimate similarities. */
export class SignatureStore implements SimilaritySource {
  private readonly open = new Map<number, CheckedReader>();

  constructor(
    private readonly layout: DedupWorkLayout,
    private readonly numHashes: number,
    private readonly maxOpen = 128,
  ) {}

  private reader(rank: number): CheckedReader {
    let r = this.open.get(rank);
    if (r) {
      this.open.delete(rank);
      this.open.set(rank, r);
      return r;
    }
    if (this.open.size >= this.maxOpen) {
      const [oldest, reader] = this.open.entries().next().value!;
      reader.close();
      this.open.delete(oldest);
    }
    r = CheckedReader.open(this.layout.signatures(rank), ArtefactKind.Signatures);
    this.open.set(rank, r);
    return r;
  }

  get(ref: DocRef): Int32Array {
    const bytes = this.numHashes * 4;
    return new Int32Array(this.reader(refRank(ref)).read(refOrdinal(ref) * bytes, bytes).buffer);
  }

  similarity(kept: DocRef, removed: DocRef): number {
    return estimateSimilarity(this.get(kept), this.get(removed));
  }

  close(): void {
    for (const r of this.open.values()) r.close();
    this.open.clear();
  }
}

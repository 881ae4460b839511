import { SluiceError } from '../../core/errors.js';
import type { Stage } from '../../core/stage.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { ArtefactKind, bytesOf, CheckedWriter } from '../checked-file.js';
import { writeCollectManifest } from '../collect-manifest.js';
import { DocTableWriter } from '../doc-table.js';
import { KeyRows, sortRows, writeSortedRun } from '../sorted-keys.js';
import { CollectCounter } from '../upstream.js';
import type { DedupWorkLayout } from '../work-layout.js';
import type { MinhashConfig } from './config.js';
import { idHash } from './bucket-head.js';
import { bandKey } from './lsh.js';
import { Shingler } from './shingles.js';
import { MinHasher } from './signature.js';

/** A band row: band key (hi, lo), id hash of the document (the bucket-head tag), ordinal. */
export const BAND_ROW_WIDTH = 4;

/** The counter of documents without a single shingle (too short for the n-gram), which get no band keys. */
export const NO_SHINGLES = 'minhash_no_shingles';

/** Bytes of one stored signature. */
export function signatureBytes(c: MinhashConfig): number {
  return c.numHashes * 4;
}

/**
 * Computes one document's signature and band keys. Shared by collect and the benchmark, so
 * both measure the same code.
 */
export class SignatureMaker {
  readonly shingler: Shingler;
  readonly hasher: MinHasher;
  readonly signature: Int32Array;
  /** Band keys of the last document: [hi, lo] per band. */
  readonly keys: Uint32Array;

  constructor(private readonly c: MinhashConfig) {
    this.shingler = new Shingler(c.shingle, c.ngram, c.seed ^ 0x3c6ef372);
    this.hasher = new MinHasher(c.numHashes, c.seed);
    this.signature = new Int32Array(c.numHashes);
    this.keys = new Uint32Array(c.bands * 2);
  }

  /** Signature and band keys of `text`; false (and a signature of 0xFFFFFFFF) when it has no shingles. */
  make(text: string): boolean {
    const count = this.shingler.shingle(text);
    this.hasher.signature(this.shingler.hashes, count, this.signature);
    if (count === 0) return false;
    for (let b = 0; b < this.c.bands; b++) bandKey(this.signature, b, this.c.rows, this.keys, b * 2);
    return true;
  }
}

/**
 * The barrier's first part, at the end of a phase in every task: passes documents through
 * unchanged and writes, per task, the document table, the signatures (by ordinal) and one sorted
 * run of band rows per band. Holds 16 bytes per document per band until the task ends.
 * `fused`: after other barriers, whose apply runs first; the no-shingles count is then left to
 * apply (upstream.ts).
 */
export function collectSignatures(layout: DedupWorkLayout, c: MinhashConfig, params: Record<string, unknown>, digest: string, fused: boolean): Stage {
  return async function* (docs, ctx) {
    if (ctx.world !== c.world) throw new SluiceError('SLUICE_INTERNAL', `minhash_dedup was built for ${c.world} tasks but runs in task ${ctx.rank} of ${ctx.world}`);
    await writeFileAtomic(layout.params, JSON.stringify(params, null, 2) + '\n');
    const maker = new SignatureMaker(c);
    const unindexed = new CollectCounter(ctx.stats, NO_SHINGLES, fused);
    const table = new DocTableWriter(layout, ctx.rank);
    let sigs: CheckedWriter;
    try {
      sigs = new CheckedWriter(layout.signatures(ctx.rank), ArtefactKind.Signatures, signatureBytes(c) * 8);
    } catch (err) {
      table.abort();
      throw err;
    }
    const runs = Array.from({ length: c.bands }, () => new KeyRows(BAND_ROW_WIDTH));
    const sigBytes = bytesOf(maker.signature);
    let ordinal = 0;
    let indexed = 0;
    let finished = false;
    try {
      for await (const doc of docs) {
        table.add(doc.id, doc.text.length);
        if (maker.make(doc.text)) {
          const tag = idHash(doc.id);
          for (let b = 0; b < c.bands; b++) {
            const run = runs[b]!;
            const at = run.append();
            run.data[at] = maker.keys[b * 2]!;
            run.data[at + 1] = maker.keys[b * 2 + 1]!;
            run.data[at + 2] = tag;
            run.data[at + 3] = ordinal;
          }
          indexed++;
        } else unindexed.add(ordinal);
        sigs.write(sigBytes);
        ordinal++;
        yield doc;
      }
      const manifestRuns: { rows: number; ranges: number[] }[] = [];
      for (let b = 0; b < c.bands; b++) {
        const run = runs[b]!;
        sortRows(run, 2);
        manifestRuns.push({ rows: run.count, ranges: writeSortedRun(layout.keys(ctx.rank, b), run) });
        runs[b] = new KeyRows(BAND_ROW_WIDTH, 1); // release the band's rows before sorting the next
      }
      sigs.close();
      table.close();
      unindexed.write(layout, ctx.rank);
      await writeCollectManifest(layout, { rank: ctx.rank, world: c.world, params: digest, docs: ordinal, indexed, runs: manifestRuns });
      finished = true;
    } finally {
      if (!finished) {
        sigs.abort();
        table.abort();
      }
    }
  };
}

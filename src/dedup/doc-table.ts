import { SluiceError } from '../core/errors.js';
import { ArtefactKind, bytesOf, CheckedReader, CheckedWriter } from './checked-file.js';
import { refOrdinal, refRank, type DocRef } from './doc-ref.js';
import { OpenByRank } from './open-by-rank.js';
import type { DedupWorkLayout } from './work-layout.js';

/** Per ordinal: [id byte offset, id byte length, text length in chars]. */
const INDEX_WORDS = 3;
/** Small blocks: lookups are random, and each one verifies the whole block it lands in. */
const INDEX_BLOCK = 12 * 340;

/**
 * The ids and lengths of one task's documents, by ordinal. The keep rule reads them only for
 * documents in duplicate clusters, by random access, so no pass holds every id in memory.
 */
export class DocTableWriter {
  private readonly index: CheckedWriter;
  private readonly ids: CheckedWriter;
  private readonly pending = new Uint32Array(INDEX_WORDS * 1024);
  private fill = 0;
  private idBytes = 0;
  count = 0;

  constructor(layout: DedupWorkLayout, rank: number) {
    this.index = new CheckedWriter(layout.docIndex(rank), ArtefactKind.DocIndex, INDEX_BLOCK);
    try {
      this.ids = new CheckedWriter(layout.docIds(rank), ArtefactKind.DocIds, 4096);
    } catch (err) {
      this.index.abort();
      throw err;
    }
  }

  add(id: string, chars: number): void {
    const bytes = Buffer.from(id, 'utf8');
    if (this.idBytes + bytes.length >= 2 ** 32) {
      throw new SluiceError('SLUICE_INTERNAL', 'one task collected more than 4 GiB of document ids', { hint: 'split the run into more tasks (runner.tasks)' });
    }
    this.ids.write(bytes);
    this.pending[this.fill++] = this.idBytes;
    this.pending[this.fill++] = bytes.length;
    this.pending[this.fill++] = chars;
    this.idBytes += bytes.length;
    this.count++;
    if (this.fill === this.pending.length) this.flush();
  }

  private flush(): void {
    this.index.write(bytesOf(this.pending.subarray(0, this.fill)));
    this.fill = 0;
  }

  close(): void {
    this.flush();
    this.index.close();
    this.ids.close();
  }

  abort(): void {
    this.index.abort();
    this.ids.abort();
  }
}

class DocTableReader {
  private readonly index: CheckedReader;
  private readonly ids: CheckedReader;
  readonly count: number;

  constructor(layout: DedupWorkLayout, rank: number) {
    this.index = CheckedReader.open(layout.docIndex(rank), ArtefactKind.DocIndex);
    try {
      this.ids = CheckedReader.open(layout.docIds(rank), ArtefactKind.DocIds);
    } catch (err) {
      this.index.close();
      throw err;
    }
    this.count = this.index.size / (INDEX_WORDS * 4);
  }

  entry(ordinal: number): { id: string; chars: number } {
    if (ordinal >= this.count) throw new SluiceError('SLUICE_ARTEFACT', `${this.index.path}: no document ${ordinal} (the table has ${this.count})`, { file: this.index.path });
    const rec = new Uint32Array(this.index.read(ordinal * INDEX_WORDS * 4, INDEX_WORDS * 4).buffer);
    const id = Buffer.from(this.ids.read(rec[0]!, rec[1]!)).toString('utf8');
    return { id, chars: rec[2]! };
  }

  close(): void {
    this.index.close();
    this.ids.close();
  }
}

/** Looks up any task's documents by ref, keeping a bounded number of tables open. */
export class DocLookup {
  private readonly tables: OpenByRank<DocTableReader>;

  constructor(layout: DedupWorkLayout) {
    this.tables = new OpenByRank((rank) => new DocTableReader(layout, rank));
  }

  entry(ref: DocRef): { id: string; chars: number } {
    return this.tables.get(refRank(ref)).entry(refOrdinal(ref));
  }

  close(): void {
    this.tables.close();
  }
}

import type { Doc, Meta } from '../core/doc.js';
import { metaStructSpec, metaStructValues, type MetaSchema } from './meta-struct.js';
import { IdBuffer } from '../core/id-buffer.js';
import { ByteBuffer } from './parquet/byte-buffer.js';
import type { ColumnBatch, ColumnSpec } from './parquet/index.js';

/**
 * The shard schema for docs with or without token ids. `metaStruct`: the meta column as a
 * struct of these fields (output.meta: struct) instead of JSON text.
 *
 * `id` and `source` get min/max statistics (row groups can be skipped on `source = 'web'` or an
 * id range) and `source` is dictionary-encoded when it repeats, in token shards too: the loader
 * (src/loader/source-column.ts) reads it PLAIN or dictionary-encoded. `text` and the JSON `meta` get
 * neither: no query prunes on the range of a document's text or of JSON text, and their values
 * are almost all distinct, so a dictionary attempt would only cost time.
 */
export function shardColumns(keepText: boolean, withTokens: boolean, metaStruct?: MetaSchema): ColumnSpec[] {
  const cols: ColumnSpec[] = [
    { name: 'id', type: 'utf8' },
    { name: 'source', type: 'utf8' },
  ];
  if (keepText) cols.push({ name: 'text', type: 'utf8', dictionary: false, minMax: false });
  if (metaStruct === undefined) {
    cols.push({ name: 'meta', type: 'utf8', dictionary: false, minMax: false });
  } else {
    const spec = metaStructSpec(metaStruct);
    if (spec !== undefined) cols.push(spec);
  }
  if (withTokens) cols.push({ name: 'input_ids', type: 'list<int32>' }, { name: 'num_tokens', type: 'int32' });
  return cols;
}

interface ColumnBuffers {
  text: ByteBuffer;
  textOffsets: IdBuffer;
  values: IdBuffer;
  offsets: IdBuffer;
  numTokens: IdBuffer;
}

/** Buffers of written row groups, for the next ones; a process writes one row group at a time per task. */
const spare: ColumnBuffers[] = [];
const MAX_SPARE = 2;

/**
 * Docs buffered column-wise until they make a row group. The texts are encoded to UTF-8 as they
 * arrive, into one growing buffer with Arrow-style offsets: a row group holds up to 128 MiB, and
 * kept as strings until then every text would survive young-generation collections and be copied
 * into the old generation (and text outside Latin-1 takes two bytes a character as a string).
 * The short columns stay strings, encoded once into page buffers. Token ids are copied into one
 * growing array with offsets, which the list encoder uses as is.
 */
export class DocColumns {
  private ids: string[] = [];
  private sources: string[] = [];
  /** Text bytes and offsets, token ids, offsets and counts: taken from `spare` when a written row group left them. */
  private readonly cols: ColumnBuffers;
  private metas: string[] = [];
  /** output.meta: struct keeps the objects; the struct's fields are known only per shard. */
  readonly metaObjects: Meta[] = [];
  /** Approximate uncompressed size: UTF-16 length for strings (exact for ASCII), 4 bytes per id. */
  estimatedBytes = 0;

  /**
   * `hint` is the previous row group's size: starting at its capacity avoids regrowing
   * (and transiently holding two copies of) the text and token arrays for every row group.
   */
  constructor(
    private readonly keepText: boolean,
    private readonly withTokens: boolean,
    hint?: { rows: number; tokens: number; textBytes: number },
    private readonly metaStruct = false,
  ) {
    const grown = (n: number | undefined, min: number): number => Math.max(min, Math.ceil((n ?? 0) * 1.05));
    this.cols = spare.pop() ?? { text: new ByteBuffer(0), textOffsets: new IdBuffer(1), values: new IdBuffer(0), offsets: new IdBuffer(1), numTokens: new IdBuffer(0) };
    if (keepText) {
      this.cols.text.reserve(grown(hint?.textBytes, 1 << 16));
      this.cols.textOffsets.reserve(grown(hint?.rows, 1024) + 1);
    }
    if (withTokens) {
      this.cols.values.reserve(grown(hint?.tokens, 1 << 16));
      this.cols.offsets.reserve(grown(hint?.rows, 1024) + 1);
      this.cols.numTokens.reserve(grown(hint?.rows, 1024));
    }
    this.cols.textOffsets.push(0);
    this.cols.offsets.push(0);
  }

  /**
   * Hands the big buffers to the next DocColumns once this row group is written (nothing may read
   * its batch after): allocated anew for every row group and every task, they were zero-filled,
   * faulted in page by page and grown by copying (in a CPU profile of the 43 MB full chain, append
   * with what it calls took 258 ms that way and 27 ms with reuse).
   */
  release(): void {
    const { text, textOffsets, values, offsets, numTokens } = this.cols;
    for (const b of [text, textOffsets, values, offsets, numTokens]) b.reset();
    if (spare.length < MAX_SPARE) spare.push(this.cols);
  }

  get rows(): number {
    return this.ids.length;
  }

  /** Token ids buffered. */
  get tokens(): number {
    return this.cols.values.length;
  }

  /** Bytes of UTF-8 text buffered (the next row group's starting capacity). */
  get textByteCount(): number {
    return this.cols.text.length;
  }

  append(doc: Doc): void {
    const meta = JSON.stringify(doc.meta);
    this.ids.push(doc.id);
    this.sources.push(doc.source);
    if (this.metaStruct) this.metaObjects.push(doc.meta);
    else this.metas.push(meta);
    let bytes = doc.id.length + doc.source.length + meta.length + 12;
    if (this.keepText) {
      // a UTF-16 code unit encodes to at most 3 UTF-8 bytes (a lone surrogate to U+FFFD's 3, as
      // the strings' page encoder writes it): reserve that, then write in place
      this.cols.text.reserve(doc.text.length * 3);
      this.cols.text.length += this.cols.text.buf.write(doc.text, this.cols.text.length, 'utf8');
      this.cols.textOffsets.push(this.cols.text.length);
      // the estimate stays in UTF-16 units: row groups (and so shards) are cut where they always were
      bytes += doc.text.length + 4;
    }
    if (this.withTokens) {
      const t = doc.tokens ?? new Int32Array(0);
      this.cols.values.append(t);
      this.cols.offsets.push(this.cols.values.length);
      this.cols.numTokens.push(t.length);
      bytes += t.length * 4 + 4;
    }
    this.estimatedBytes += bytes;
  }

  /** `metaStruct`: the shard's struct fields, when the meta column is a struct. */
  toBatch(metaStruct?: MetaSchema): ColumnBatch {
    const batch: Record<string, ColumnBatch[string]> = { id: this.ids, source: this.sources };
    if (metaStruct === undefined) batch['meta'] = this.metas;
    else if (metaStruct.size > 0) batch['meta'] = { fields: metaStructValues(metaStruct, this.metaObjects) };
    if (this.keepText) batch['text'] = { bytes: this.cols.text.view(), offsets: this.cols.textOffsets.view() };
    if (this.withTokens) {
      batch['input_ids'] = { values: this.cols.values.view(), offsets: this.cols.offsets.view() };
      batch['num_tokens'] = this.cols.numTokens.view();
    }
    return batch;
  }
}

import type { Doc, Meta } from '../core/doc.js';
import { metaStructSpec, metaStructValues, type MetaSchema } from './meta-struct.js';
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

/**
 * Docs buffered column-wise until they make a row group. The texts are encoded to UTF-8 as they
 * arrive, into one growing buffer with Arrow-style offsets: a row group holds up to 128 MiB, and
 * kept as strings every text would survive young-generation collections and be copied into the
 * old generation (7% of a reader-and-writer run's CPU over 167 MB, and twice the bytes for text
 * outside Latin-1). The short columns stay strings, encoded once into page buffers. Token ids
 * are copied into one growing Int32Array with offsets, which the list encoder uses as is.
 */
export class DocColumns {
  private ids: string[] = [];
  private sources: string[] = [];
  private textBytes: Buffer;
  private textUsed = 0;
  private textOffsets: Int32Array;
  private metas: string[] = [];
  /** output.meta: struct keeps the objects; the struct's fields are known only per shard. */
  readonly metaObjects: Meta[] = [];
  private values: Int32Array;
  private offsets: Int32Array;
  private numTokens: Int32Array;
  private valueCount = 0;
  /** Approximate uncompressed size: UTF-16 length for strings (exact for ASCII), 4 bytes per id. */
  estimatedBytes = 0;
  tokens = 0;

  /**
   * `hint` is the previous row group's size: starting at its capacity avoids regrowing
   * (and transiently holding two copies of) the token array for every row group.
   */
  constructor(
    private readonly keepText: boolean,
    private readonly withTokens: boolean,
    hint?: { rows: number; tokens: number; textBytes: number },
    private readonly metaStruct = false,
  ) {
    this.textBytes = Buffer.allocUnsafe(keepText ? Math.max(1 << 16, Math.ceil((hint?.textBytes ?? 0) * 1.05)) : 0);
    this.textOffsets = new Int32Array(keepText ? Math.max(1024, Math.ceil((hint?.rows ?? 0) * 1.05)) + 1 : 1);
    const rows = withTokens ? Math.max(1024, Math.ceil((hint?.rows ?? 0) * 1.05)) : 1;
    this.values = new Int32Array(withTokens ? Math.max(1 << 16, Math.ceil((hint?.tokens ?? 0) * 1.05)) : 0);
    this.offsets = new Int32Array(rows + 1);
    this.numTokens = new Int32Array(rows);
  }

  get rows(): number {
    return this.ids.length;
  }

  append(doc: Doc): void {
    const meta = JSON.stringify(doc.meta);
    const row = this.ids.length;
    this.ids.push(doc.id);
    this.sources.push(doc.source);
    if (this.metaStruct) this.metaObjects.push(doc.meta);
    else this.metas.push(meta);
    let bytes = doc.id.length + doc.source.length + meta.length + 12;
    if (this.keepText) {
      this.appendText(doc.text, row);
      // the estimate stays in UTF-16 units: row groups (and so shards) are cut where they always were
      bytes += doc.text.length + 4;
    }
    if (this.withTokens) {
      const t = doc.tokens ?? new Int32Array(0);
      this.ensureRows(row + 2);
      this.ensureValues(this.valueCount + t.length);
      this.values.set(t, this.valueCount);
      this.valueCount += t.length;
      this.offsets[row + 1] = this.valueCount;
      this.numTokens[row] = t.length;
      this.tokens += t.length;
      bytes += t.length * 4 + 4;
    }
    this.estimatedBytes += bytes;
  }

  /** `metaStruct`: the shard's struct fields, when the meta column is a struct. */
  toBatch(metaStruct?: MetaSchema): ColumnBatch {
    const rows = this.rows;
    const batch: Record<string, ColumnBatch[string]> = { id: this.ids, source: this.sources };
    if (metaStruct === undefined) batch['meta'] = this.metas;
    else if (metaStruct.size > 0) batch['meta'] = { fields: metaStructValues(metaStruct, this.metaObjects) };
    if (this.keepText) batch['text'] = { bytes: this.textBytes.subarray(0, this.textUsed), offsets: this.textOffsets.subarray(0, rows + 1) };
    if (this.withTokens) {
      batch['input_ids'] = { values: this.values.subarray(0, this.valueCount), offsets: this.offsets.subarray(0, rows + 1) };
      batch['num_tokens'] = this.numTokens.subarray(0, rows);
    }
    return batch;
  }

  /** Bytes of UTF-8 text buffered (the next row group's starting capacity). */
  get textByteCount(): number {
    return this.textUsed;
  }

  private appendText(text: string, row: number): void {
    // UTF-16 code units encode to at most 3 UTF-8 bytes each (a lone surrogate to U+FFFD's 3, as
    // the strings' encoder writes it): reserve that, then write in place
    const need = this.textUsed + text.length * 3;
    if (need > this.textBytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.textBytes.length * 2));
      this.textBytes.copy(bigger, 0, 0, this.textUsed);
      this.textBytes = bigger;
    }
    this.textUsed += this.textBytes.write(text, this.textUsed, 'utf8');
    if (row + 2 > this.textOffsets.length) {
      const offsets = new Int32Array(Math.max(row + 2, this.textOffsets.length * 2));
      offsets.set(this.textOffsets);
      this.textOffsets = offsets;
    }
    this.textOffsets[row + 1] = this.textUsed;
  }

  private ensureRows(n: number): void {
    if (n <= this.offsets.length) return;
    const cap = Math.max(n, this.offsets.length * 2);
    const offsets = new Int32Array(cap);
    offsets.set(this.offsets);
    this.offsets = offsets;
    const numTokens = new Int32Array(cap);
    numTokens.set(this.numTokens);
    this.numTokens = numTokens;
  }

  private ensureValues(n: number): void {
    if (n <= this.values.length) return;
    let cap = Math.max(this.values.length * 2, 1024);
    while (cap < n) cap *= 2;
    const values = new Int32Array(cap);
    values.set(this.values.subarray(0, this.valueCount));
    this.values = values;
  }
}

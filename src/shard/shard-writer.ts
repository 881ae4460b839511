import { createHash, type Hash } from 'node:crypto';
import { mkdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { taskTempPathFor } from '../io/atomic.js';
import { outputError } from '../io/output-error.js';
import { DocColumns, shardColumns } from './doc-columns.js';
import { inferMetaSchema, mergeMetaSchemas, metaSchemaCovers, type MetaSchema } from './meta-struct.js';
import { ParquetFileWriter, type Compression } from './parquet/index.js';
import { shardFileName } from './shard-name.js';

export interface ShardWriterOptions {
  dir: string;
  prefix: string;
  /** A shard is closed once its file reaches about this many bytes. */
  shardBytes: number;
  /** Uncompressed bytes buffered per row group (default 128 MiB). */
  rowGroupBytes?: number;
  compression: Compression;
  compressionLevel?: number;
  /** Keep the `text` column (default true). */
  keepText?: boolean;
  /** fsync each shard before renaming it into place (default true). */
  fsync?: boolean;
  /** The meta column as JSON text (default) or a struct of typed fields (see meta-struct.ts). */
  meta?: 'json' | 'struct';
}

export interface ShardInfo {
  /** File name relative to `dir`. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  tokens: number;
}

const DEFAULT_ROW_GROUP_BYTES = 128 * 1024 * 1024;

interface OpenShard {
  writer: ParquetFileWriter;
  hash: Hash;
  name: string;
  tmpPath: string;
  tokens: number;
  /** output.meta: struct: the fields this shard's meta struct has. */
  metaSchema: MetaSchema | undefined;
}

/**
 * Writes docs into a sequence of Parquet shards `<prefix>-NNNNN.parquet` of roughly
 * `shardBytes` each. Docs are buffered column-wise and written a row group at a time, so
 * memory stays around one row group. Each shard is written as a hidden temp file, hashed
 * while it streams out, and renamed into place only when complete: a reader never sees a
 * partial shard.
 *
 * Row groups are sized to fill shards: the compression ratio seen so far predicts how many
 * uncompressed bytes fit in the space a shard has left (never more than rowGroupBytes, and
 * never a sliver under an eighth of a full group).
 */
export class ShardWriter {
  private readonly rowGroupBytes: number;
  private readonly keepText: boolean;
  private withTokens: boolean | undefined;
  private buffer: DocColumns | undefined;
  private shard: OpenShard | undefined;
  private seq = 0;
  private readonly done: ShardInfo[] = [];
  /** Row-group writes run one after another in this chain, in the order docs arrived. */
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;
  private state: 'open' | 'closed' = 'open';
  private bytesIn = 0;
  private bytesOut = 0;
  private lastBatch: { rows: number; tokens: number; textBytes: number } | undefined;
  private readonly metaStruct: boolean;
  /** The last shard's struct fields: the next shard starts from them, so shards differ only when keys change. */
  private lastMetaSchema: MetaSchema = new Map();

  constructor(private readonly opts: ShardWriterOptions) {
    this.rowGroupBytes = opts.rowGroupBytes ?? DEFAULT_ROW_GROUP_BYTES;
    this.keepText = opts.keepText ?? true;
    this.metaStruct = opts.meta === 'struct';
    if (!(opts.shardBytes > 0) || !(this.rowGroupBytes > 0)) {
      throw new SluiceError('SLUICE_SHARD_INVALID', `shardBytes and rowGroupBytes must be positive (got ${opts.shardBytes}, ${this.rowGroupBytes})`);
    }
  }

  /** Shards completed so far. */
  get shards(): readonly ShardInfo[] {
    return this.done;
  }

  async write(doc: Doc): Promise<void> {
    this.assertUsable();
    const hasTokens = doc.tokens !== undefined;
    if (this.withTokens === undefined) this.withTokens = hasTokens;
    if (hasTokens !== this.withTokens) {
      throw new SluiceError('SLUICE_SHARD_INVALID', `doc ${doc.id} ${hasTokens ? 'has' : 'lacks'} tokens but earlier docs in this output ${this.withTokens ? 'have' : 'lack'} them`, {
        record: doc.id,
        hint: 'every doc reaching the shard writer must have been tokenized, or none',
      });
    }
    this.buffer ??= new DocColumns(this.keepText, this.withTokens, this.lastBatch, this.metaStruct);
    this.buffer.append(doc);
    if (this.buffer.estimatedBytes >= this.rowGroupTarget()) await this.flush();
  }

  /** Writes what is buffered, closes the last shard and returns every shard written. */
  async close(): Promise<ShardInfo[]> {
    this.assertUsable();
    await this.flush();
    await this.settle();
    if (this.shard !== undefined) await this.finishShard();
    this.state = 'closed';
    return [...this.done];
  }

  /** Stops writing and deletes the shard in progress; shards already completed stay. */
  async abort(): Promise<void> {
    this.state = 'closed';
    this.buffer = undefined;
    await this.chain.catch(() => undefined);
    const shard = this.shard;
    this.shard = undefined;
    if (shard !== undefined) await shard.writer.abort();
  }

  private assertUsable(): void {
    if (this.failure !== undefined) throw this.failure;
    if (this.state !== 'open') throw new SluiceError('SLUICE_OUTPUT', `shard writer for ${this.opts.dir} is closed`);
  }

  /** Compressed bytes per estimated input byte so far; 1 until a row group has been written. */
  private ratio(): number {
    return this.bytesIn > 0 ? Math.max(this.bytesOut / this.bytesIn, 1e-3) : 1;
  }

  /** Uncompressed bytes to buffer before the next row group. */
  private rowGroupTarget(): number {
    const ratio = this.ratio();
    const full = Math.min(this.rowGroupBytes, this.opts.shardBytes / ratio);
    const left = this.opts.shardBytes - (this.shard?.writer.bytesWritten ?? 0);
    return Math.min(full, Math.max(left / ratio, full / 8));
  }

  private async flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = undefined;
    if (batch === undefined || batch.rows === 0) return;
    this.lastBatch = { rows: batch.rows, tokens: batch.tokens, textBytes: batch.textByteCount };
    this.chain = this.chain.then(() => this.writeRowGroup(batch));
    await this.settle();
  }

  private async settle(): Promise<void> {
    try {
      await this.chain;
    } catch (err) {
      this.failure ??= err;
      throw this.failure;
    }
  }

  private async writeRowGroup(batch: DocColumns): Promise<void> {
    let metaSchema: MetaSchema | undefined;
    if (this.metaStruct) {
      const inferred = inferMetaSchema(batch.metaObjects);
      // a key or type the open shard's struct cannot hold: the next shard gets the union
      if (this.shard?.metaSchema !== undefined && !metaSchemaCovers(this.shard.metaSchema, inferred)) await this.finishShard();
      metaSchema = this.shard?.metaSchema ?? mergeMetaSchemas(this.lastMetaSchema, inferred);
      this.lastMetaSchema = metaSchema;
    }
    const shard = this.shard ?? (await this.openShard(metaSchema));
    const before = shard.writer.bytesWritten;
    await shard.writer.writeRowGroup(batch.toBatch(metaSchema));
    shard.tokens += batch.tokens;
    batch.release();
    this.bytesIn += batch.estimatedBytes;
    this.bytesOut += shard.writer.bytesWritten - before;
    // Close once full, or when what is left would only take a sliver of a row group.
    const left = this.opts.shardBytes - shard.writer.bytesWritten;
    const full = Math.min(this.rowGroupBytes, this.opts.shardBytes / this.ratio());
    if (left <= (full / 8) * this.ratio()) await this.finishShard();
  }

  private async openShard(metaSchema: MetaSchema | undefined): Promise<OpenShard> {
    const name = shardFileName(this.opts.prefix, this.seq);
    this.seq++;
    const tmpPath = taskTempPathFor(join(this.opts.dir, name));
    try {
      await mkdir(this.opts.dir, { recursive: true });
    } catch (err) {
      throw outputError(this.opts.dir, err);
    }
    const hash = createHash('sha256');
    const writer = await ParquetFileWriter.open(tmpPath, shardColumns(this.keepText, this.withTokens ?? false, metaSchema), {
      compression: this.opts.compression,
      ...(this.opts.compressionLevel === undefined ? {} : { compressionLevel: this.opts.compressionLevel }),
      onWrite: (chunk) => hash.update(chunk),
    });
    this.shard = { writer, hash, name, tmpPath, tokens: 0, metaSchema };
    return this.shard;
  }

  private async finishShard(): Promise<void> {
    const shard = this.shard;
    if (shard === undefined) return;
    if (this.opts.fsync ?? true) await shard.writer.sync();
    const summary = await shard.writer.close();
    const finalPath = join(this.opts.dir, shard.name);
    this.shard = undefined;
    try {
      await rename(shard.tmpPath, finalPath);
    } catch (err) {
      await unlink(shard.tmpPath).catch(() => undefined);
      throw outputError(finalPath, err);
    }
    this.done.push({
      path: shard.name,
      rows: summary.rows,
      bytes: summary.bytes,
      sha256: shard.hash.digest('hex'),
      tokens: shard.tokens,
    });
  }
}

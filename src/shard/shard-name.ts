import { pad } from '../core/pad.js';

/**
 * The `seq`-th shard a writer with `prefix` opens. A writer renames each shard into place before
 * it opens the next, so a task's shards are numbered from 0 without gaps. A module of its own so
 * the runner's clean-up finds shards by name without loading the Parquet writer.
 */
export function shardFileName(prefix: string, seq: number): string {
  return `${prefix}-${pad(seq)}.parquet`;
}

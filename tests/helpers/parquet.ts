/** Reads shards back with hyparquet, an implementation independent of sluice's writer. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import type { Manifest } from '../../src/runner/finalize.js';

export type Row = Record<string, unknown>;

export async function readShard(path: string, columns?: string[]): Promise<Row[]> {
  const file = await asyncBufferFromFile(path);
  return (await parquetReadObjects(columns ? { file, compressors, columns } : { file, compressors })) as Row[];
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
}

/** Every shard in the manifest: rows and sha256 checked against the files, rows returned. */
export async function readDataset(dir: string, columns?: string[]): Promise<Row[]> {
  const manifest = readManifest(dir);
  const rows: Row[] = [];
  for (const shard of manifest.shards) {
    const path = join(dir, shard.path);
    const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (sha !== shard.sha256) throw new Error(`${shard.path}: sha256 ${sha} != manifest ${shard.sha256}`);
    const got = await readShard(path, columns);
    if (got.length !== shard.rows) throw new Error(`${shard.path}: ${got.length} rows != manifest ${shard.rows}`);
    rows.push(...got);
  }
  return rows;
}

import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type * as Hyparquet from 'hyparquet';
import type { FileMetaData } from 'hyparquet';
import type * as HyparquetCompressors from 'hyparquet-compressors';
import { SluiceError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { readJsonl } from '../io/jsonl-zst.js';
import { assertParquetFooter, damagedShardError } from '../shard/damaged-shard.js';
import type { RejectRecord } from '../runner/rejects.js';
import { intOption, stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/inspect.js';

const EXCERPT = 160;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT ? `${flat.slice(0, EXCERPT)}...` : flat;
}

async function rejectFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const out: string[] = [];
  for (const entry of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (entry.name.startsWith('.')) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...(await rejectFiles(full)));
    else if (entry.name.endsWith('.jsonl.zst') || entry.name.endsWith('.jsonl') || entry.name.endsWith('.jsonl.gz')) out.push(full);
  }
  return out;
}

type Parquet = typeof Hyparquet & { compressors: typeof HyparquetCompressors.compressors };

/** Only shards need hyparquet (about 120 ms of CPU to load); inspecting rejects does not load it. */
async function loadParquet(): Promise<Parquet> {
  const [hyparquet, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  return { ...hyparquet, compressors };
}

/** The footer and the first `limit` rows; everything in it that can fail is the file's content. */
async function readShardHead(path: string, limit: number, parquet: Parquet): Promise<{ meta: FileMetaData; objects: Record<string, unknown>[] }> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, compressors } = parquet;
  const file = await asyncBufferFromFile(path);
  await assertParquetFooter(path, file);
  const meta = await parquetMetadataAsync(file);
  const objects = (await parquetReadObjects({ file, metadata: meta, compressors, rowStart: 0, rowEnd: Math.min(limit, Number(meta.num_rows)) })) as Record<string, unknown>[];
  return { meta, objects };
}

/**
 * The root's children in the flattened schema (depth-first, each group followed by its
 * `num_children` descendants): `input_ids`, not its inner `list` and `element` fields.
 */
export function topLevelColumns(schema: FileMetaData['schema']): string[] {
  const names: string[] = [];
  let i = 1;
  const skip = (): void => {
    const children = schema[i++]?.num_children ?? 0;
    for (let c = 0; c < children; c++) skip();
  };
  while (i < schema.length) {
    names.push(schema[i]!.name);
    skip();
  }
  return names;
}

/** `sluice inspect` (options and help in specs/inspect.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const target = args.positionals[0];
  if (!target) throw usageError(spec);
  const limit = intOption(args.values, 'limit') ?? 10;
  const reason = stringOption(args.values, 'reason');
  const json = Boolean(args.values['json']);
  try {
    await stat(target);
  } catch {
    throw new SluiceError('SLUICE_USAGE', `${target} does not exist`, { file: target });
  }
  if (target.endsWith('.parquet')) {
    // loaded before the catch below: a missing package is not a damaged shard
    const parquet = await loadParquet();
    const { meta, objects } = await readShardHead(target, limit, parquet).catch((err: unknown) => {
      throw damagedShardError(target, err);
    });
    const rows = Number(meta.num_rows);
    const columns = topLevelColumns(meta.schema);
    if (!json) io.out(`${target}: ${rows} rows, ${meta.row_groups.length} row groups, columns: ${columns.join(', ')}`);
    for (const row of objects) {
      if (json) io.out(JSON.stringify(row, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)));
      else {
        const tokens = Array.isArray(row['input_ids']) ? ` tokens=${(row['input_ids'] as unknown[]).length}` : '';
        io.out(`- ${String(row['id'])} [${String(row['source'])}]${tokens}: ${excerpt(String(row['text'] ?? ''))}`);
      }
    }
    return 0;
  }
  let shown = 0;
  // every reason read, to name them when --reason matches none (the files are then read to the end)
  const reasons = new Set<string>();
  for (const file of await rejectFiles(target)) {
    for await (const rec of readJsonl<RejectRecord>(file)) {
      reasons.add(rec.reason);
      if (reason !== undefined && rec.reason !== reason) continue;
      io.out(json ? JSON.stringify(rec) : describeReject(rec));
      if (++shown >= limit) return 0;
    }
  }
  if (shown > 0) return 0;
  if (reason === undefined || reasons.size === 0) {
    io.out('no rejected documents');
    return 0;
  }
  const present = [...reasons].sort();
  const near = closest(reason, present);
  throw new SluiceError('SLUICE_USAGE', `no rejected documents with reason "${reason}" in ${target}`, {
    hint: `${near === undefined ? '' : `did you mean "${near}"? `}reasons present: ${present.join(', ')}`,
  });
}

function describeReject(rec: RejectRecord): string {
  // a record that failed as a whole file (read_error) or came from a folder input has no position
  const where = rec.file === undefined ? '' : rec.record === undefined ? ` (${rec.file})` : ` (${rec.file}:${String(rec.record)})`;
  const detail = rec.detail === undefined ? '' : ` ${JSON.stringify(rec.detail).slice(0, 200)}`;
  return `- ${rec.id} [${rec.stage}: ${rec.reason}]${where}${detail}\n    ${excerpt(rec.text)}`;
}

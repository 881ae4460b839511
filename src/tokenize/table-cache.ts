/**
 * The on-disk cache of an encoder's built tables. Parsing cl100k's ranks and building its merge
 * tables costs about 0.2 s of CPU, paid again by every process that tokenizes: each worker, each
 * Slurm array task, each `sluice tokenizer encode`. A cached entry is a few MB of typed arrays
 * read back in milliseconds.
 *
 * An entry is trusted only whole: its header carries the format version, the byte order and the
 * sha256 of everything else in it, and any mismatch (a truncated write, a flipped bit, another layout) makes
 * the caller build the tables again and replace the entry. Entries are named by a digest of
 * everything the tables are built from, so a changed vocabulary never meets an old entry. Writes
 * go to a temp name and are renamed into place; a cache that cannot be written is skipped.
 *
 * Where: `SLUICE_CACHE_DIR`, else `$XDG_CACHE_HOME/sluice`, else `~/.cache/sluice`;
 * `SLUICE_CACHE_DIR=off` turns the cache off.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createLogger, logLevelFromEnv } from '../core/log.js';
import { tempPathFor } from '../io/atomic.js';

/** Bumped whenever what a caller stores, or how, changes: old entries then no longer match. */
const FORMAT_VERSION = 1;
const MAGIC = Buffer.from('SLUICETB', 'latin1');
const BYTE_ORDER_MARK = 0x01020304;
/** magic 8, version 4, byte order 4, array count 4, zeros 4, body length 8, then the sha256 of all the rest. */
const HEADER_BYTES = 64;
const DIGEST_AT = 32;
/** Each array starts on this boundary, so it can be a view of the file's buffer, not a copy. */
const ALIGN = 8;

export type CachedArray = Uint8Array | Int32Array;

const KIND_UINT8 = 1;
const KIND_INT32 = 2;

export function tableCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env['SLUICE_CACHE_DIR'];
  if (dir === 'off') return undefined;
  if (dir !== undefined && dir !== '') return dir;
  const xdg = env['XDG_CACHE_HOME'];
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'sluice');
}

/** The entry's file: `<kind>-<sha256 of the key>.bin`, the key naming everything the arrays depend on. */
export function tableCachePath(dir: string, kind: string, key: string): string {
  return join(dir, `${kind}-${createHash('sha256').update(`${FORMAT_VERSION}\0${kind}\0${key}`).digest('hex').slice(0, 32)}.bin`);
}

const padded = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

/** sha256 over the header's fields and the body: every byte but the digest's own. */
function digestOf(entry: Buffer): Buffer {
  return createHash('sha256').update(entry.subarray(0, DIGEST_AT)).update(entry.subarray(HEADER_BYTES)).digest();
}

export function encodeTables(arrays: readonly CachedArray[]): Buffer {
  let bodyBytes = 0;
  for (const a of arrays) bodyBytes += ALIGN + padded(a.byteLength);
  const out = Buffer.alloc(HEADER_BYTES + bodyBytes);
  let o = HEADER_BYTES;
  for (const a of arrays) {
    out.writeUInt32LE(a instanceof Int32Array ? KIND_INT32 : KIND_UINT8, o);
    out.writeUInt32LE(a.length, o + 4);
    o += ALIGN;
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), o);
    o += padded(a.byteLength);
  }
  MAGIC.copy(out, 0);
  out.writeUInt32LE(FORMAT_VERSION, 8);
  new Uint32Array(out.buffer, out.byteOffset + 12, 1)[0] = BYTE_ORDER_MARK; // native order, checked on read
  out.writeUInt32LE(arrays.length, 16);
  out.writeBigUInt64LE(BigInt(bodyBytes), 24);
  digestOf(out).copy(out, DIGEST_AT);
  return out;
}

/** The arrays of an entry, or why it cannot be used. */
export function decodeTables(data: Buffer): CachedArray[] | string {
  if (data.length < HEADER_BYTES || !data.subarray(0, 8).equals(MAGIC)) return 'not a sluice table cache entry';
  if (data.readUInt32LE(8) !== FORMAT_VERSION) return `format version ${data.readUInt32LE(8)}, expected ${FORMAT_VERSION}`;
  if (data.byteOffset % ALIGN !== 0) data = Buffer.from(data); // a pooled small read: copy to an aligned buffer
  if (new Uint32Array(data.buffer, data.byteOffset + 12, 1)[0] !== BYTE_ORDER_MARK) return 'written on a machine of another byte order';
  const bodyBytes = Number(data.readBigUInt64LE(24));
  if (data.length !== HEADER_BYTES + bodyBytes) return `${data.length} bytes, the header says ${HEADER_BYTES + bodyBytes}`;
  if (!digestOf(data).equals(data.subarray(DIGEST_AT, HEADER_BYTES))) return 'its sha256 does not match its contents';
  const count = data.readUInt32LE(16);
  const arrays: CachedArray[] = [];
  let o = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (o + ALIGN > data.length) return 'array headers run past the end';
    const kind = data.readUInt32LE(o);
    const length = data.readUInt32LE(o + 4);
    o += ALIGN;
    const bytes = kind === KIND_INT32 ? length * 4 : length;
    if ((kind !== KIND_INT32 && kind !== KIND_UINT8) || o + bytes > data.length) return `array ${i} is malformed`;
    arrays.push(kind === KIND_INT32 ? new Int32Array(data.buffer, data.byteOffset + o, length) : new Uint8Array(data.buffer, data.byteOffset + o, length));
    o += padded(bytes);
  }
  return o === data.length ? arrays : 'bytes left after the last array';
}

export interface TableCacheOptions {
  /** Where entries live; undefined: no cache (build every time). Default: tableCacheDir(). */
  dir?: string | undefined;
  /** Told why an entry was rebuilt or could not be written. Default: a debug line (the cache is an optimisation). */
  onNote?: (message: string) => void;
}

/**
 * The arrays stored under (kind, key), or `build()`'s, which are then stored. `check` refuses an
 * entry whose arrays do not have the shape the caller expects (counted as a miss).
 */
export function cachedTables<T>(
  kind: string,
  key: string,
  build: () => T,
  toArrays: (value: T) => CachedArray[],
  fromArrays: (arrays: CachedArray[]) => T | undefined,
  options: TableCacheOptions = {},
): T {
  const dir = 'dir' in options ? options.dir : tableCacheDir();
  if (dir === undefined) return build();
  const note = options.onNote ?? ((message: string) => createLogger(logLevelFromEnv(), 'tokenizer').debug(message));
  const path = tableCachePath(dir, kind, key);
  let data: Buffer | undefined;
  try {
    data = readFileSync(path);
  } catch {
    // no entry yet (or unreadable): built below
  }
  if (data !== undefined) {
    const decoded = decodeTables(data);
    const value = typeof decoded === 'string' ? undefined : fromArrays(decoded);
    if (value !== undefined) return value;
    note(`table cache ${path}: ${typeof decoded === 'string' ? decoded : 'arrays of an unexpected shape'}; rebuilding it`);
  }
  const value = build();
  const tmp = tempPathFor(path);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, encodeTables(toArrays(value)));
    renameSync(tmp, path);
  } catch (err) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the directory itself could not be made: there is no temp file to remove
    }
    note(`table cache ${path} not written: ${(err as Error).message}`);
  }
  return value;
}

/**
 * `url_allowlist` of the warc and wet readers: a file of URLs, or the output of a `reddit_links`
 * run, loaded once per process as a sorted array of 64-bit hashes of the URL keys (links/url.ts):
 * 8 bytes per URL (OpenWebText's 23M URLs in 190 MB, where a Set of strings would take gigabytes),
 * looked up by binary search. Two different URLs share a hash with probability about n / 2^64
 * per lookup (1e-12 for 23M URLs).
 *
 * Accepted files: one URL per line (`#` comments and blank lines ignored; plain, .gz, .zst,
 * .bz2), JSON lines (the `url` field, else `meta.url`, else `text`), sluice Parquet shards
 * (`meta.url`, else `text`), a sluice run's output folder (the shards its manifest lists, not
 * its rejects), or another folder (every .parquet, .jsonl and .txt file under it).
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Doc, JsonValue } from '../../core/doc.js';
import { SluiceError, errorMessage } from '../../core/errors.js';
import { silentLogger } from '../../core/log.js';
import { StatsRecorder } from '../../core/stats.js';
import { decodeStream, peek } from '../../io/decompress.js';
import { localFile } from '../../io/input.js';
import { splitLines } from '../../io/lines.js';
import type { ReaderContext } from '../reader.js';
import { keyOf } from './url.js';

export interface UrlAllowlist {
  readonly path: string;
  readonly size: number;
  /** Whether the URL (any form: it is normalized here) is listed. */
  has(url: string): boolean;
}

function hash64(key: string): bigint {
  return createHash('sha256').update(key).digest().readBigUInt64BE(0);
}

class HashList {
  private hashes = new BigUint64Array(1 << 16);
  size = 0;

  add(h: bigint): void {
    if (this.size === this.hashes.length) {
      const grown = new BigUint64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = h;
  }

  seal(): BigUint64Array {
    return this.hashes.subarray(0, this.size).sort();
  }
}

function contains(sorted: BigUint64Array, h: bigint): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid]!;
    if (v === h) return true;
    if (v < h) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

function fail(path: string, what: string, cause?: unknown): SluiceError {
  return new SluiceError('SLUICE_CONFIG_INVALID', `url_allowlist ${path}: ${what}`, {
    file: path,
    ...(cause === undefined ? {} : { cause }),
    hint: 'a file with one URL per line, JSON lines with a url field, or the Parquet output (file or folder) of a reddit_links run; paths are relative to the directory sluice runs in',
  });
}

function urlOfRecord(v: Record<string, JsonValue>): string | undefined {
  const meta = v['meta'];
  const fromMeta = typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? meta['url'] : undefined;
  for (const c of [v['url'], fromMeta, v['text']]) if (typeof c === 'string') return c;
  return undefined;
}

async function addParquet(path: string, list: HashList): Promise<void> {
  const { parquetReader } = await import('../parquet.js');
  const ctx: ReaderContext = {
    file: localFile(path),
    source: 'allowlist',
    stats: new StatsRecorder().stage('url_allowlist'),
    log: silentLogger,
    signal: new AbortController().signal,
    invalid: (r) => {
      throw fail(path, `${r.reason} at ${r.record}: ${r.error}`);
    },
    skip: () => undefined,
  };
  for await (const d of parquetReader.read(localFile(path), parquetReader.params.parse({}), ctx) as AsyncIterable<Doc>) {
    const url = typeof d.meta['url'] === 'string' ? d.meta['url'] : d.text;
    const key = keyOf(url);
    if (key !== undefined) list.add(hash64(key));
  }
}

async function addLines(path: string, list: HashList): Promise<void> {
  const { bytes } = await decodeStream(localFile(path).open(), path);
  for await (const line of splitLines(bytes)) {
    const text = line.text.trim();
    if (text === '' || text.startsWith('#')) continue;
    let url: string | undefined = text;
    if (text.startsWith('{')) {
      try {
        url = urlOfRecord(JSON.parse(text) as Record<string, JsonValue>);
      } catch (err) {
        throw fail(path, `line ${line.lineNo} is not valid JSON: ${errorMessage(err)}`, err);
      }
    }
    const key = url === undefined ? undefined : keyOf(url);
    // a line that is not an http(s) URL names nothing a record could match: a config error, not a silent miss
    if (key === undefined) throw fail(path, `line ${line.lineNo} is not an http(s) URL: ${text.slice(0, 200)}`);
    list.add(hash64(key));
  }
}

async function addFile(path: string, list: HashList): Promise<void> {
  const { head, rest } = await peek(localFile(path).open(), 4);
  await (rest as AsyncGenerator<Uint8Array>).return?.(undefined);
  if (head.length === 4 && Buffer.from(head).toString('latin1') === 'PAR1') await addParquet(path, list);
  else await addLines(path, list);
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.name.startsWith('.')) continue; // a run's .sluice/ bookkeeping
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(p));
    else if (/\.(parquet|jsonl|jsonl\.gz|jsonl\.zst|txt|txt\.gz|txt\.zst)$/.test(e.name)) out.push(p);
  }
  return out;
}

/** The shards of a sluice run's output folder, from its manifest (never its rejects); undefined when it is not one. */
function runShards(dir: string): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const manifest = JSON.parse(text) as { shards?: { path: string }[] };
    if (!Array.isArray(manifest.shards)) throw new Error('it has no shards list');
    return manifest.shards.map((s) => join(dir, s.path));
  } catch (err) {
    throw fail(dir, `manifest.json cannot be read: ${errorMessage(err)}`, err);
  }
}

async function load(path: string): Promise<UrlAllowlist> {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (err) {
    throw fail(path, `cannot read it: ${errorMessage(err)}`, err);
  }
  const files = isDir ? (runShards(path) ?? filesUnder(path)) : [path];
  if (files.length === 0) throw fail(path, 'the folder holds no .parquet, .jsonl or .txt file');
  const list = new HashList();
  for (const f of files) await addFile(f, list);
  const sorted = list.seal();
  return {
    path,
    size: sorted.length,
    has: (url) => {
      const key = keyOf(url);
      return key !== undefined && contains(sorted, hash64(key));
    },
  };
}

const cache = new Map<string, Promise<UrlAllowlist>>();

/** The allowlist at `path` (relative to the working directory), loaded once per process and file version. */
export function urlAllowlist(path: string): Promise<UrlAllowlist> {
  const abs = resolve(path);
  let version = '';
  try {
    const s = statSync(abs);
    version = `${s.size}:${s.mtimeMs}`;
  } catch {
    // load() reports it
  }
  const key = `${abs}\0${version}`;
  let p = cache.get(key);
  if (p === undefined) {
    p = load(abs);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}

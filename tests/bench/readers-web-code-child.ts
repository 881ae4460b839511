/**
 * The measured bodies of the web/code reader benchmark, each run in its own process by
 * isolate.ts so its peak RSS is its own.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { extractHtml } from '../../src/extract/html.js';
import { localFile } from '../../src/io/input.js';
import { codeReader } from '../../src/readers/code.js';
import { warcReader } from '../../src/readers/warc.js';
import { gunzipMembers } from '../../src/readers/warc/gzip-members.js';
import { WarcRecordParser } from '../../src/readers/warc/record-parser.js';
import { wetReader } from '../../src/readers/wet.js';
import { drainReader, type ReadCounts } from './readers-drain.js';

const since = (started: bigint): number => Number(process.hrtime.bigint() - started) / 1e9;

export function readWarc(args: { path: string }): Promise<ReadCounts> {
  return drainReader(warcReader, [localFile(args.path)]);
}

export function readWet(args: { path: string }): Promise<ReadCounts> {
  return drainReader(wetReader, [localFile(args.path)]);
}

export function readCode(args: { path: string; isDirectory: boolean }): Promise<ReadCounts> {
  return drainReader(codeReader, [localFile(args.path, args.isDirectory)]);
}

/** WARC framing only (no HTTP, charset or HTML work): sluice's member-wise gunzip + record parser. */
export async function parseWarcSluice(args: { path: string }): Promise<{ records: number; bytes: number; seconds: number }> {
  const started = process.hrtime.bigint();
  const parser = new WarcRecordParser();
  let records = 0;
  let bytes = 0;
  for await (const e of gunzipMembers(createReadStream(args.path, { highWaterMark: 1 << 20 }))) {
    if (e.kind !== 'data') continue;
    for (const r of parser.push(e.bytes)) {
      if (r.kind === 'record') {
        records++;
        bytes += r.block.length;
      }
    }
  }
  return { records, bytes, seconds: since(started) };
}

/** The same with warcio 2.4.11, gunzip done by node:zlib as packages.md recommends. */
export async function parseWarcWarcio(args: { path: string }): Promise<{ records: number; bytes: number; seconds: number }> {
  const { WARCParser } = await import('warcio');
  const started = process.hrtime.bigint();
  const parser = new WARCParser(createReadStream(args.path, { highWaterMark: 1 << 20 }).pipe(createGunzip()));
  let records = 0;
  let bytes = 0;
  for await (const record of parser) {
    const block = await record.readFully(false);
    records++;
    bytes += block.length;
  }
  return { records, bytes, seconds: since(started) };
}

/** node:zlib's Gunzip over the whole file, for scale: the fastest gzip decode can be. */
export async function gunzipNode(args: { path: string }): Promise<{ bytes: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for await (const chunk of createReadStream(args.path, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 20 }))) bytes += (chunk as Buffer).length;
  return { bytes, seconds: since(started) };
}

export async function gunzipSluice(args: { path: string }): Promise<{ bytes: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let bytes = 0;
  for await (const e of gunzipMembers(createReadStream(args.path, { highWaterMark: 1 << 20 }))) if (e.kind === 'data') bytes += e.bytes.length;
  return { bytes, seconds: since(started) };
}

/** HTML to main text on already-decoded pages (a JSON array in `pagesFile`), `rounds` passes. */
export function extractPages(args: { pagesFile: string; rounds: number }): Promise<{ pages: number; chars: number; seconds: number }> {
  const input = JSON.parse(readFileSync(args.pagesFile, 'utf8')) as string[];
  let pages = 0;
  let chars = 0;
  const started = process.hrtime.bigint();
  for (let r = 0; r < args.rounds; r++) {
    for (const html of input) {
      chars += extractHtml(html).text.length;
      pages++;
    }
  }
  return Promise.resolve({ pages, chars, seconds: since(started) });
}

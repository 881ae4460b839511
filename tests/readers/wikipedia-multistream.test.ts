/**
 * Multistream bzip2 dumps (Wikipedia's `*-multistream.xml.bz2`, pbzip2-style files) are read as
 * pieces cut at stream starts: the finder sees only true stream starts, and the pieces together
 * give the documents, ids and skips of the file read whole.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pieceOf } from '../../src/io/byte-range.js';
import { nextStreamStart, streamAlignedRanges } from '../../src/io/bz2-streams.js';
import { localFile } from '../../src/io/input.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import { wikipediaReader } from '../../src/readers/wikipedia.js';
import type { Plan } from '../../src/runner/plan-file.js';
import { sluice } from '../helpers/cli.js';
import { prose, tempDir, writePipeline } from '../helpers/corpus.js';
import { runReader, type ReaderResult } from '../helpers/harness.js';
import { readDataset } from '../helpers/parquet.js';

const bz2 = (text: string | Buffer, level = 9): Buffer => execFileSync('bzip2', [`-${level}`, '-c'], { input: text, maxBuffer: 64 << 20 });

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const HEAD =
  '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="de">\n  <siteinfo>\n    <sitename>Wikipedia</sitename>\n    <dbname>dewiki</dbname>\n' +
  '    <namespaces>\n      <namespace key="-2" case="first-letter">Medium</namespace>\n      <namespace key="0" case="first-letter" />\n' +
  '      <namespace key="6" case="first-letter">Datei</namespace>\n      <namespace key="14" case="first-letter">Kategorie</namespace>\n    </namespaces>\n  </siteinfo>\n';
const TAIL = '</mediawiki>\n';

/** Page i: mostly articles; some in other namespaces, some redirects, with localised file and category links. */
function page(i: number): string {
  const ns = i % 13 === 0 ? 1 : i % 17 === 0 ? 14 : 0;
  const redirect = i % 11 === 0;
  const body = redirect
    ? `#WEITERLEITUNG [[Artikel ${i + 1}]]`
    : `'''Artikel ${i}''' (Zeichen: ü ß 水) ${prose(i, 200 + ((i * 37) % 700))}\n[[Datei:Bild${i}.jpg|mini|Ein Bild]]\n== Abschnitt ==\n${prose(i + 1000, 150)} [[Biene]].\n[[Kategorie:Test]]`;
  return (
    `  <page>\n    <title>${ns === 14 ? 'Kategorie:' : ''}Artikel ${i}</title>\n    <ns>${ns}</ns>\n    <id>${i}</id>\n` +
    (redirect ? `    <redirect title="Artikel ${i + 1}" />\n` : '') +
    `    <revision>\n      <id>${i * 10}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n      <text bytes="${body.length}" xml:space="preserve">${esc(body)}</text>\n    </revision>\n  </page>\n`
  );
}

/** Wikipedia's layout: a stream for the head, one per `perStream` pages, one for the closing tag. Returns the stream starts too. */
function wikipediaMultistream(pages: number, perStream: number): { bytes: Buffer; starts: number[] } {
  const streams = [bz2(HEAD)];
  for (let i = 1; i <= pages; i += perStream) streams.push(bz2(Array.from({ length: Math.min(perStream, pages - i + 1) }, (_, k) => page(i + k)).join('')));
  streams.push(bz2(TAIL));
  const starts: number[] = [];
  let at = 0;
  for (const s of streams) {
    starts.push(at);
    at += s.length;
  }
  return { bytes: Buffer.concat(streams), starts };
}

/** pbzip2's layout: the XML cut into streams at arbitrary bytes (mid-page, mid-tag, mid-character), some streams empty. */
function arbitraryMultistream(xml: Buffer, cuts: number[]): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (const c of [...cuts, xml.length]) {
    parts.push(bz2(xml.subarray(from, c), 1));
    if (c % 3 === 0) parts.push(bz2(''));
    from = c;
  }
  return Buffer.concat(parts);
}

const docKey = (r: ReaderResult): string[] => r.docs.map((d) => JSON.stringify([d.id, d.text, d.meta])).sort();
const skipKey = (r: ReaderResult): string[] => r.skipped.map((s) => `${s.id} ${s.reason}`).sort();

/** Every piece of `path` read on its own, results merged. */
async function readAsPieces(path: string, pieceBytes: number): Promise<{ pieces: number; docs: string[]; skipped: string[]; invalid: string[] }> {
  const size = readFileSync(path).length;
  const ranges = await streamAlignedRanges(path, size, pieceBytes);
  const docs: string[] = [];
  const skipped: string[] = [];
  const invalid: string[] = [];
  for (const r of ranges) {
    const res = await runReader(wikipediaReader, pieceOf(localFile(path), { kind: 'bz2-streams', start: r.start, end: r.end }));
    docs.push(...docKey(res));
    skipped.push(...skipKey(res));
    invalid.push(...res.invalid.map((x) => `${x.id} ${x.reason}`));
  }
  return { pieces: ranges.length, docs: docs.sort(), skipped: skipped.sort(), invalid };
}

describe('finding bzip2 stream starts', () => {
  it('finds exactly the stream starts of a file of many streams, empty ones included', async () => {
    const dir = tempDir();
    const { bytes, starts } = wikipediaMultistream(120, 3);
    // an empty stream (bzip2 of nothing) in the middle: a start of its own
    const empty = bz2('');
    const withEmpty = Buffer.concat([bytes.subarray(0, starts[5]!), empty, bytes.subarray(starts[5]!)]);
    const trueStarts = [...starts.slice(0, 6), ...starts.slice(5).map((s) => s + empty.length)];
    const path = join(dir, 'many.xml.bz2');
    writeFileSync(path, withEmpty);
    // a piece per byte: every cut moves to the next start, so every start is found, and nothing else
    const ranges = await streamAlignedRanges(path, withEmpty.length, 1);
    expect(ranges.map((r) => r.start)).toEqual(trueStarts);
    expect(ranges.at(-1)!.end).toBe(withEmpty.length);
    const coarse = await streamAlignedRanges(path, withEmpty.length, 4096);
    expect(coarse.length).toBeGreaterThan(3);
    for (const r of coarse) expect(trueStarts).toContain(r.start);
  });

  it('finds none past 0 in a single stream of many blocks', async () => {
    const dir = tempDir();
    const path = join(dir, 'single.xml.bz2');
    // level 1: 100k blocks, so the stream has several block headers (byte-aligned ones included, by chance)
    const text = HEAD + Array.from({ length: 1500 }, (_, i) => page(i + 1)).join('') + TAIL;
    expect(text.length).toBeGreaterThan(400_000);
    const bytes = bz2(text, 1);
    writeFileSync(path, bytes);
    expect(await streamAlignedRanges(path, bytes.length, 1000)).toEqual([{ start: 0, end: bytes.length, kind: 'bz2-streams' }]);
  });

  it('finds none in random bytes, even where a stream header is planted without the end of a stream before it', async () => {
    const dir = tempDir();
    const path = join(dir, 'random.bin');
    let seed = 12345;
    const bytes = Buffer.alloc(3 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    const header = Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x26, 0x53, 0x59]);
    for (let at = 1000; at < bytes.length; at += 99_991) header.copy(bytes, at);
    // a header at a window boundary
    header.copy(bytes, (1 << 20) - 5);
    // the 11 bytes before a position: end magic and CRC shifted left by `pad` bits, low bits `low`
    const trailer = (pad: number, low: number): Buffer => Buffer.from(((((0x177245385090n << 32n) | 0x01020304n) << BigInt(pad)) | BigInt(low)).toString(16).padStart(22, '0'), 'hex');
    const plant = async (at: number, bytesBefore: Buffer): Promise<number> => {
      const copy = Buffer.from(bytes);
      bytesBefore.copy(copy, at - 11);
      header.copy(copy, at);
      writeFileSync(path, copy);
      const fh = await open(path, 'r');
      try {
        return await nextStreamStart(fh, 1, copy.length);
      } finally {
        await fh.close();
      }
    };
    expect(await plant(2_000_000, Buffer.alloc(11))).toBe(bytes.length);
    // a trailer whose padding bits are not zero is no stream end
    expect(await plant(2_000_000, trailer(5, 0b10000))).toBe(bytes.length);
    // a real trailer (byte-aligned, or padded with zero bits) makes the planted header a start
    expect(await plant(2_000_000, trailer(0, 0))).toBe(2_000_000);
    expect(await plant(2_000_000, trailer(7, 0))).toBe(2_000_000);
  });

  it('the sample dump is multistream: its three streams are found', async () => {
    const path = 'sample-corpora/wikipedia/enwiki-sample-pages-articles.xml.bz2';
    const size = readFileSync(path).length;
    expect((await streamAlignedRanges(path, size, 1)).map((r) => r.start)).toEqual([0, 408, 3356]);
  });
});

describe('a multistream dump read as pieces', () => {
  it('Wikipedia layout: the pieces give the documents, ids and skips of the whole file, with the site known in every piece', async () => {
    const dir = tempDir();
    const path = join(dir, 'dewiki-multistream.xml.bz2');
    writeFileSync(path, wikipediaMultistream(300, 5).bytes);
    const whole = await runReader(wikipediaReader, localFile(path));
    expect(whole.docs.length).toBeGreaterThan(200);
    expect(whole.docs.every((d) => d.id.startsWith('dewiki:') && !d.text.includes('Datei:'))).toBe(true);
    const split = await readAsPieces(path, 4096);
    expect(split.pieces).toBeGreaterThan(5);
    expect(split.docs).toEqual(docKey(whole));
    expect(split.skipped).toEqual(skipKey(whole));
    expect(new Set(split.skipped.map((s) => s.split(' ')[1]))).toEqual(new Set(['namespace', 'redirect']));
    expect(split.invalid).toEqual([]);
  });

  it('streams cut at arbitrary bytes (pbzip2): a page belongs to the piece its start tag begins in', async () => {
    const dir = tempDir();
    const xml = Buffer.from(HEAD + Array.from({ length: 200 }, (_, i) => page(i + 1)).join('') + TAIL);
    // cuts every ~2 kB at odd offsets, and around the first pages' tags: mid "<page>", right before and after it
    const firstPage = xml.indexOf('<page>');
    const secondPage = xml.indexOf('<page>', firstPage + 1);
    const cuts = [firstPage - 1, secondPage + 3, ...Array.from({ length: 60 }, (_, k) => secondPage + 100 + k * 2011 + (k % 7))].filter((c) => c < xml.length);
    const path = join(dir, 'pbzip2-style.xml.bz2');
    writeFileSync(path, arbitraryMultistream(xml, cuts));
    const whole = await runReader(wikipediaReader, localFile(path));
    expect(whole.docs.length).toBeGreaterThan(120);
    for (const pieceBytes of [1, 20_000]) {
      const split = await readAsPieces(path, pieceBytes);
      expect(split.pieces).toBeGreaterThan(1);
      expect(split.docs).toEqual(docKey(whole));
      expect(split.skipped).toEqual(skipKey(whole));
      expect(split.invalid).toEqual([]);
    }
  });

  it('the sample dump read as pieces gives what it gives whole', async () => {
    const path = 'sample-corpora/wikipedia/enwiki-sample-pages-articles.xml.bz2';
    const whole = await runReader(wikipediaReader, localFile(path));
    const split = await readAsPieces(path, 1);
    expect(split.pieces).toBe(3);
    expect(split.docs).toEqual(docKey(whole));
    expect(split.skipped).toEqual(skipKey(whole));
  });
});

interface RejectLine {
  id: string;
  reason: string;
}

/** Rejects of every stage (the reader's skips, the length filter's drops). */
async function rejectsOf(out: string): Promise<string[]> {
  const rows: string[] = [];
  for (const stage of readdirSync(join(out, 'rejects')).sort())
    for (const f of readdirSync(join(out, 'rejects', stage)).sort()) for await (const r of readJsonl<RejectLine>(join(out, 'rejects', stage, f))) rows.push(`${stage} ${r.id} ${r.reason}`);
  return rows.sort();
}

describe('a multistream dump through the CLI', () => {
  it('split into pieces over two workers gives the output of the whole file', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const dump = join(dir, 'dewiki-latest-pages-articles-multistream.xml.bz2');
    writeFileSync(dump, wikipediaMultistream(400, 5).bytes);
    // plain bzip2 of the same XML: one stream, stays one unit
    const single = join(dir, 'dewiki-single.xml.bz2');
    writeFileSync(single, bz2(HEAD + Array.from({ length: 60 }, (_, i) => page(1000 + i)).join('') + TAIL));
    expect(readFileSync(single).length).toBeGreaterThan(4096);
    const pipeline = (name: string, split: string): string =>
      writePipeline(
        dir,
        `name: ${name}\ninputs:\n  - reader: wikipedia\n    paths: ["${dump}", "${single}"]\nstages:\n  - length: {min_chars: 100}\nrunner:\n  split_bytes: ${split}\noutput:\n  dir: ${dir}/${name}\n`,
        `${name}.yaml`,
      );
    const a = sluice(['run', pipeline('whole', '0'), '--workers', '1']);
    expect(a.stderr).not.toMatch(/Error/);
    expect(a.status).toBe(0);
    const b = sluice(['run', pipeline('split', '4KiB'), '--workers', '2']);
    expect(b.stderr).not.toMatch(/Error/);
    expect(b.status).toBe(0);

    const plan = JSON.parse(readFileSync(join(dir, 'split', '.sluice', 'plan.json'), 'utf8')) as Plan;
    const pieces = plan.units.filter((u) => u.range !== undefined);
    expect(pieces.length).toBeGreaterThan(10);
    expect(pieces.every((u) => u.uri === dump && u.range!.kind === 'bz2-streams' && u.range!.firstLine === undefined)).toBe(true);
    expect(plan.units.filter((u) => u.uri === single)).toEqual([expect.not.objectContaining({ range: expect.anything() })]);

    const columns = ['id', 'text', 'meta'];
    const key = (r: Record<string, unknown>): string => JSON.stringify([r.id, r.text, r.meta]);
    const rowsWhole = await readDataset(join(dir, 'whole'), columns);
    const rowsSplit = await readDataset(join(dir, 'split'), columns);
    expect(rowsWhole.length).toBeGreaterThan(300);
    expect(rowsSplit.map(key).sort()).toEqual(rowsWhole.map(key).sort());
    expect(await rejectsOf(join(dir, 'split'))).toEqual(await rejectsOf(join(dir, 'whole')));
    const ledger = (out: string): unknown => (JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { ledger: unknown }).ledger;
    expect(ledger(join(dir, 'split'))).toEqual(ledger(join(dir, 'whole')));

    // a rerun finds the same pieces in the plan and resumes, changing nothing
    const again = sluice(['run', pipeline('split', '4KiB'), '--workers', '2']);
    expect(again.status).toBe(0);
    expect((await readDataset(join(dir, 'split'), columns)).map(key).sort()).toEqual(rowsSplit.map(key).sort());
  });
});

/**
 * A large uncompressed JSONL file, or a multi-frame .jsonl.zst, is read as pieces
 * (runner.split_bytes), one unit of work each: the pieces cover every line once, and the run's
 * output, ids, rejects and line numbers are those of reading the file whole.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { lineAlignedRanges, lineNumbersAt, pieceOf } from '../../src/io/byte-range.js';
import { localFile } from '../../src/io/input.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import { loadPipeline } from '../../src/config/load.js';
import type { Plan } from '../../src/runner/plan-file.js';
import { numberPieces, resolveUnits } from '../../src/runner/plan.js';
import { sluice } from '../helpers/cli.js';
import { prose, tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** Line starts of `bytes`: 0 and every byte after a newline (but not the end). */
function lineStarts(bytes: Buffer): number[] {
  const out = [0];
  for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) if (i + 1 < bytes.length) out.push(i + 1);
  return out;
}

describe('line-aligned pieces', () => {
  it('cover the file once, start at line starts and know their line numbers, whatever the line lengths', async () => {
    const dir = tempDir();
    let seed = 7;
    const rand = (n: number): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) % n;
    for (const [name, lastNewline] of [
      ['with-final-newline.txt', true],
      ['without-final-newline.txt', false],
    ] as const) {
      const lines: string[] = [];
      for (let i = 0; i < 300; i++) {
        // mostly short lines, some longer than a piece, some CRLF, some empty
        const len = rand(10) === 0 ? 3000 + rand(3000) : rand(200);
        lines.push('x'.repeat(len) + (rand(7) === 0 ? '\r' : ''));
      }
      const text = lines.join('\n') + (lastNewline ? '\n' : '');
      const path = join(dir, name);
      writeFileSync(path, text);
      const bytes = readFileSync(path);
      const starts = new Set(lineStarts(bytes));
      for (const pieceBytes of [1000, 4096, 50_000, bytes.length, bytes.length * 2]) {
        const ranges = await lineAlignedRanges(path, bytes.length, pieceBytes);
        expect(ranges[0]!.start).toBe(0);
        expect(ranges[ranges.length - 1]!.end).toBe(bytes.length);
        for (let i = 0; i < ranges.length; i++) {
          expect(ranges[i]!.end).toBeGreaterThan(ranges[i]!.start);
          if (i > 0) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
          expect(starts.has(ranges[i]!.start)).toBe(true);
        }
        if (pieceBytes < bytes.length / 4) expect(ranges.length).toBeGreaterThan(2);
        const numbers = await lineNumbersAt(
          path,
          ranges.map((r) => r.start),
        );
        ranges.forEach((r, i) => expect(numbers[i]).toBe(bytes.subarray(0, r.start).toString('latin1').split('\n').length));
        // the pieces' bytes, read through pieceOf, are the file's bytes
        const pieces = await Promise.all(ranges.map((r, i) => collect(pieceOf(localFile(path), { kind: 'lines', start: r.start, end: r.end, firstLine: numbers[i]! }).open())));
        expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
      }
    }
  });
});

describe('pieces of an edited file', () => {
  it('number their lines anew even where the cuts fall at the same offsets as in the plan', async () => {
    const dir = tempDir();
    const corpus = join(dir, 'edited.jsonl');
    const lines = Array.from({ length: 200 }, (_, i) => JSON.stringify({ text: `line ${i} ${prose(i, 80)}` }));
    writeFileSync(corpus, lines.join('\n') + '\n');
    const file = writePipeline(dir, `name: edited\ninputs:\n  - reader: jsonl\n    paths: ["${corpus}"]\nrunner:\n  split_bytes: 4KiB\noutput:\n  dir: ${dir}/out\n`);
    const loaded = await loadPipeline(file);
    const first = await resolveUnits(loaded);
    await numberPieces(first);
    const plan: Pick<Plan, 'units'> = {
      units: await Promise.all(first.map(async (u) => ({ input: u.input, uri: u.uri, isDirectory: false, range: { ...u.range! }, fingerprint: await u.file.fingerprint!({ content: false }) }))),
    };
    expect(plan.units.length).toBeGreaterThan(3);

    // same size, one more line early in the first piece: every later cut stays where it was
    const bytes = readFileSync(corpus);
    bytes[bytes.indexOf(' ', 20)] = 0x0a;
    writeFileSync(corpus, bytes);
    utimesSync(corpus, new Date(), new Date(Date.now() + 5000));
    const again = await resolveUnits(loaded, plan as Plan);
    await numberPieces(again);
    expect(again.map((u) => [u.range!.start, u.range!.end])).toEqual(plan.units.map((u) => [u.range!.start, u.range!.end]));
    again.forEach((u, i) => {
      const want = bytes.subarray(0, u.range!.start).toString('latin1').split('\n').length;
      expect(u.range!.firstLine).toBe(want);
      if (i > 0) expect(u.range!.firstLine).toBe(plan.units[i]!.range!.firstLine! + 1);
    });
  });
});

describe('a plan that kept a file whole', () => {
  it('keeps it whole on a resume or in a scheduler task, even grown past split_bytes', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.jsonl');
    const big = join(dir, 'big.jsonl');
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => JSON.stringify({ text: `line ${i} ${prose(i, 80)}` })).join('\n') + '\n';
    writeFileSync(small, lines(10));
    writeFileSync(big, lines(200));
    const file = writePipeline(dir, `name: whole\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl"]\nrunner:\n  split_bytes: 4KiB\noutput:\n  dir: ${dir}/out\n`);
    const loaded = await loadPipeline(file);
    const first = await resolveUnits(loaded);
    expect(first.filter((u) => u.uri.endsWith('small.jsonl')).map((u) => u.range)).toEqual([undefined]);
    expect(first.filter((u) => u.uri.endsWith('big.jsonl')).length).toBeGreaterThan(3);
    const plan: Pick<Plan, 'units'> = { units: first.map((u) => ({ input: u.input, uri: u.uri, isDirectory: false, ...(u.range ? { range: { ...u.range } } : {}) })) };

    // grown past split_bytes: read whole as planned (its task's fingerprint check sees the change)
    writeFileSync(small, lines(200));
    const again = await resolveUnits(loaded, plan as Plan);
    expect(again.filter((u) => u.uri.endsWith('small.jsonl')).map((u) => u.range)).toEqual([undefined]);
  });
});

interface RejectLine {
  id: string;
  reason: string;
  record?: string | number;
}

async function rejectsOf(out: string): Promise<RejectLine[]> {
  const dir = join(out, 'rejects', 'jsonl');
  const rows: RejectLine[] = [];
  for (const f of readdirSync(dir).sort())
    for await (const r of readJsonl<RejectLine>(join(dir, f))) rows.push({ id: r.id, reason: r.reason, ...(r.record === undefined ? {} : { record: r.record }) });
  return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

describe('a JSONL file read as pieces', () => {
  it('gives the same documents, ids, rejects and line numbers as the file read whole', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const corpus = join(dir, 'big.jsonl');
    const lines: string[] = [];
    for (let i = 1; i <= 400; i++) {
      if (i % 53 === 0) lines.push(`{"text": "broken json on line ${i}`);
      else if (i % 71 === 0) lines.push('');
      else lines.push(JSON.stringify({ text: `doc ${i}: ${prose(i, 100 + ((i * 37) % 400))}`, n: i }));
    }
    // a BOM opens the file: only the first piece may strip it
    writeFileSync(corpus, '\uFEFF' + lines.join('\n') + '\n');
    writeFileSync(join(dir, 'small.jsonl.gz'), gzipSync(lines.slice(0, 50).join('\n') + '\n'));
    const pipeline = (name: string, split: string): string =>
      writePipeline(
        dir,
        `name: ${name}\ninputs:\n  - reader: jsonl\n    paths: ["${corpus}", "${join(dir, 'small.jsonl.gz')}"]\nstages:\n  - length: {min_chars: 150}\nrunner:\n  split_bytes: ${split}\noutput:\n  dir: ${dir}/${name}\n`,
        `${name}.yaml`,
      );
    const whole = join(dir, 'whole');
    const split = join(dir, 'split');
    const a = sluice(['run', pipeline('whole', '0'), '--workers', '1']);
    expect(a.stderr).not.toMatch(/Error/);
    expect(a.status).toBe(0);
    const b = sluice(['run', pipeline('split', '4KiB'), '--workers', '2']);
    expect(b.status).toBe(0);

    const plan = JSON.parse(readFileSync(join(split, '.sluice', 'plan.json'), 'utf8')) as Plan;
    const pieces = plan.units.filter((u) => u.range !== undefined);
    expect(pieces.length).toBeGreaterThan(10);
    // the compressed file cannot be split and stays one unit
    expect(plan.units.filter((u) => u.uri.endsWith('.gz') && u.range === undefined)).toHaveLength(1);
    expect(plan.world).toBe(pieces.length + 1);

    const columns = ['id', 'text', 'meta'];
    const rowsWhole = await readDataset(whole, columns);
    const rowsSplit = await readDataset(split, columns);
    expect(rowsSplit.length).toBeGreaterThan(300);
    const key = (r: Record<string, unknown>): string => JSON.stringify([r.id, r.text, r.meta]);
    expect(rowsSplit.map(key).sort()).toEqual(rowsWhole.map(key).sort());
    // ids without an id field carry the absolute line number: line 2 of the file is doc 2
    expect(rowsSplit.some((r) => r.id === `${corpus}:2` && String(r.text).startsWith('doc 2:'))).toBe(true);
    expect(rowsSplit.some((r) => String(r.text).startsWith('\uFEFF'))).toBe(false);

    const rejWhole = await rejectsOf(whole);
    const rejSplit = await rejectsOf(split);
    expect(rejSplit).toEqual(rejWhole);
    expect(rejSplit.filter((r) => r.reason === 'bad_record').map((r) => r.record)).toEqual(expect.arrayContaining([53, 106, 371]));

    const ledger = (out: string): unknown => (JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { ledger: unknown }).ledger;
    expect(ledger(split)).toEqual(ledger(whole));

    // a rerun resumes from the plan (the workers take the pieces' line numbers from it) and changes nothing
    const again = sluice(['run', pipeline('split', '4KiB'), '--workers', '2']);
    expect(again.status).toBe(0);
    expect((await readDataset(split, columns)).map(key)).toEqual(rowsSplit.map(key));

    // another split size is another run: refused with the reason
    const other = sluice(['run', pipeline('split', '8KiB'), '--workers', '2']);
    expect(other.status).not.toBe(0);
    expect(other.stderr).toMatch(/configuration changed/);
  });
});

describe('a multi-frame .jsonl.zst read as pieces', () => {
  it('gives the same documents, ids, rejects and line numbers as the file read whole', { timeout: 240_000 }, async () => {
    const dir = tempDir();
    const lines: string[] = [];
    for (let i = 1; i <= 400; i++) {
      if (i % 53 === 0) lines.push(`{"text": "broken json on line ${i}`);
      else if (i % 71 === 0) lines.push('');
      else lines.push(JSON.stringify({ text: `doc ${i}: ${prose(i, 100 + ((i * 37) % 400))}`, n: i }));
    }
    const plain = Buffer.from(lines.join('\n') + '\n');
    // frames of the zstd command over slices cut anywhere, concatenated (what `zstd` per chunk and `cat` make)
    const frames: Buffer[] = [];
    for (let at = 0, k = 0; at < plain.length; k++) {
      const n = 1500 + ((k * 7919) % 2500);
      const z = spawnSync('zstd', ['-q', '-c', '-3'], { input: plain.subarray(at, at + n) });
      expect(z.status).toBe(0);
      frames.push(z.stdout);
      at += n;
    }
    const corpus = join(dir, 'big.jsonl.zst');
    writeFileSync(corpus, Buffer.concat(frames));
    const pipeline = (name: string, split: string): string =>
      writePipeline(
        dir,
        `name: ${name}\ninputs:\n  - reader: jsonl\n    paths: ["${corpus}"]\nstages:\n  - length: {min_chars: 150}\nrunner:\n  split_bytes: ${split}\noutput:\n  dir: ${dir}/${name}\n`,
        `${name}.yaml`,
      );
    const whole = join(dir, 'whole');
    const split = join(dir, 'split');
    expect(sluice(['run', pipeline('whole', '0'), '--workers', '1']).status).toBe(0);
    const b = sluice(['run', pipeline('split', '4KiB'), '--workers', '2']);
    expect(b.stderr).not.toMatch(/Error/);
    expect(b.status).toBe(0);

    const plan = JSON.parse(readFileSync(join(split, '.sluice', 'plan.json'), 'utf8')) as Plan;
    expect(plan.units.length).toBeGreaterThan(4);
    expect(plan.units.every((u) => u.range?.kind === 'zstd-lines')).toBe(true);

    const columns = ['id', 'text', 'meta'];
    const key = (r: Record<string, unknown>): string => JSON.stringify([r.id, r.text, r.meta]);
    const rowsWhole = await readDataset(whole, columns);
    const rowsSplit = await readDataset(split, columns);
    expect(rowsSplit.length).toBeGreaterThan(300);
    expect(rowsSplit.map(key).sort()).toEqual(rowsWhole.map(key).sort());
    expect(rowsSplit.some((r) => r.id === `${corpus}:399` && String(r.text).startsWith('doc 399:'))).toBe(true);
    const rejSplit = await rejectsOf(split);
    expect(rejSplit).toEqual(await rejectsOf(whole));
    expect(rejSplit.filter((r) => r.reason === 'bad_record').map((r) => r.record)).toEqual(expect.arrayContaining([53, 106, 371]));
    const ledger = (out: string): unknown => (JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { ledger: unknown }).ledger;
    expect(ledger(split)).toEqual(ledger(whole));

    // a resume takes the pieces from the plan and changes nothing
    expect(sluice(['run', pipeline('split', '4KiB'), '--workers', '2']).status).toBe(0);
    expect((await readDataset(split, columns)).map(key)).toEqual(rowsSplit.map(key));
  });
});

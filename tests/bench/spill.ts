/**
 * Documents spilled between phases: the runner's binary spill (src/runner/spill.ts, zstd level 1)
 * against the JSON lines it replaced (JsonlZstWriter at level 3, read back with readJsonl), over
 * the same web documents, write and read timed apart in CPU time (median of the rounds after a
 * warm-up round). Both are read with zstd in this process: the runner used to read JSON spills
 * through a zstd child process, whose CPU time this process cannot see, so the JSON figures are
 * if anything too low.
 */
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Doc } from '../../src/core/doc.js';
import { decodeZstdInProcess } from '../../src/io/decompress.js';
import { localFile } from '../../src/io/input.js';
import { JsonlZstWriter } from '../../src/io/jsonl-zst.js';
import { splitLines } from '../../src/io/lines.js';
import { readSpill, SpillWriter } from '../../src/runner/spill.js';
import { ensureWebCorpus } from './filters-corpus.js';
import { median } from './median.js';
import type { BenchRow } from './types.js';

async function cpuSeconds(work: () => Promise<void>): Promise<number> {
  globalThis.gc?.();
  const c0 = process.cpuUsage();
  await work();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
}

interface Format {
  name: string;
  file: string;
  write(path: string, docs: Doc[]): Promise<void>;
  read(path: string): Promise<number>;
}

const FORMATS: Format[] = [
  {
    name: 'binary spill (zstd 1)',
    file: 'spill.spill.zst',
    async write(path, docs) {
      const w = new SpillWriter(path);
      for (const d of docs) await w.write(d);
      await w.commit();
    },
    async read(path) {
      let n = 0;
      for await (const _ of readSpill(path)) n++;
      return n;
    },
  },
  {
    name: 'JSON lines (zstd 3, before)',
    file: 'spill.jsonl.zst',
    async write(path, docs) {
      const w = new JsonlZstWriter(path, { keepEmpty: true });
      for (const d of docs) await w.write({ id: d.id, text: d.text, source: d.source, meta: d.meta });
      await w.commit();
    },
    async read(path) {
      let n = 0;
      for await (const line of splitLines(decodeZstdInProcess(localFile(path).open()))) {
        if (line.text.length === 0) continue;
        JSON.parse(line.text);
        n++;
      }
      return n;
    },
  },
];

export async function benchSpill(opts: { mb: number; runs?: number }): Promise<BenchRow[]> {
  const corpus = await ensureWebCorpus(opts.mb);
  const docs: Doc[] = readFileSync(corpus.path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; text: string; url: string })
    .map((r) => ({ id: r.id, text: r.text, source: 'web', meta: { url: r.url } }));
  const mb = docs.reduce((s, d) => s + Buffer.byteLength(d.text), 0) / 1e6;
  const dir = join(tmpdir(), `sluice-bench-spill-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const rows: BenchRow[] = [];
  const medians = new Map<string, { write: number; read: number }>();
  try {
    const times = new Map<string, { write: number[]; read: number[] }>(FORMATS.map((f) => [f.name, { write: [], read: [] }]));
    // formats alternate within each round, so both see the same machine
    for (let run = 0; run <= (opts.runs ?? 3); run++) {
      for (const f of FORMATS) {
        const path = join(dir, f.file);
        const write = await cpuSeconds(() => f.write(path, docs));
        let count = 0;
        const read = await cpuSeconds(async () => void (count = await f.read(path)));
        if (count !== docs.length) throw new Error(`${f.name}: read ${count} of ${docs.length} documents`);
        // round 0 warms the JIT up for both formats
        if (run === 0) continue;
        times.get(f.name)!.write.push(write);
        times.get(f.name)!.read.push(read);
      }
    }
    for (const f of FORMATS) {
      const t = times.get(f.name)!;
      const m = { write: median(t.write), read: median(t.read) };
      medians.set(f.name, m);
      const bytes = statSync(join(dir, f.file)).size;
      rows.push({
        bench: 'spill',
        variant: f.name,
        metric: 'write (CPU time)',
        value: m.write,
        unit: 's',
        note: `${docs.length} docs, ${mb.toFixed(1)} MB of text; file ${(bytes / 1e6).toFixed(1)} MB`,
      });
      rows.push({ bench: 'spill', variant: f.name, metric: 'read (CPU time)', value: m.read, unit: 's', note: `median of ${t.read.length}` });
    }
    const [now, before] = FORMATS.map((f) => medians.get(f.name)!);
    rows.push({ bench: 'spill', variant: 'binary / JSON lines', metric: 'speed-up, write + read (CPU)', value: (before!.write + before!.read) / (now!.write + now!.read), unit: 'x' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

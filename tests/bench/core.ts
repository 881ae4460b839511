/**
 * The core's own cost: a no-op pipeline (jsonl reader -> shard writer, no stages) over a
 * generated JSONL corpus, in one process and with worker processes, plus the reader alone.
 */
import { createWriteStream, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { silentLogger } from '../../src/core/log.js';
import { mulberry32 } from '../../src/core/random.js';
import { localFile } from '../../src/io/input.js';
import { jsonlReader } from '../../src/readers/jsonl.js';
import { runPipeline } from '../../src/runner/run.js';
import type { TaskMarker } from '../../src/runner/marker.js';
import { StatsRecorder } from '../../src/core/stats.js';
import type { ReaderContext } from '../../src/readers/reader.js';
import { isolated } from './isolate.js';
import type { BenchRow } from './types.js';

export interface CoreBenchOptions {
  /** Total JSONL size to generate, in MB. */
  mb: number;
  files: number;
  dir?: string;
}

const VOCAB = 'data pipeline shard token corpus filter stream reader writer parquet document ledger barrier phase worker river delta silt rice'.split(' ');

async function generate(dir: string, mb: number, files: number): Promise<{ docs: number; bytes: number }> {
  mkdirSync(dir, { recursive: true });
  const random = mulberry32(12345);
  let docs = 0;
  let bytes = 0;
  const perFile = (mb * 1e6) / files;
  for (let f = 0; f < files; f++) {
    const out = createWriteStream(join(dir, `part-${String(f).padStart(3, '0')}.jsonl`));
    let written = 0;
    while (written < perFile) {
      const words: string[] = [];
      let len = 0;
      while (len < 2000) {
        const w = VOCAB[Math.floor(random() * VOCAB.length)]!;
        words.push(w);
        len += w.length + 1;
      }
      const line = JSON.stringify({ id: `f${f}-${docs}`, text: words.join(' '), url: `https://example.com/${docs}` }) + '\n';
      if (!out.write(line)) await once(out, 'drain');
      written += line.length;
      docs++;
    }
    out.end();
    await once(out, 'finish');
    bytes += written;
  }
  return { docs, bytes };
}

/** Reader alone: parse every line into a Doc and drop it. */
export async function readerOnly(args: { dir: string }): Promise<{ docs: number }> {
  const stats = new StatsRecorder();
  let docs = 0;
  for (const name of readdirSync(args.dir).sort()) {
    const file = localFile(join(args.dir, name));
    const ctx: ReaderContext = { file, source: 'bench', stats: stats.stage('jsonl'), log: silentLogger, signal: new AbortController().signal, invalid: () => {}, skip: () => {} };
    for await (const _doc of jsonlReader.read(file, jsonlReader.params.parse({}), ctx)) docs++;
  }
  return { docs };
}

/** The whole runner with no stages: read, count, write zstd Parquet shards, finalize. */
export async function noopPipeline(args: { dir: string; out: string; workers: number }): Promise<{ kept: number; maxWorkerRssMb: number; cpu: number }> {
  const pipeline = join(args.out + '.yaml');
  writeFileSync(pipeline, `name: bench-noop\ninputs:\n  - reader: jsonl\n    paths: ["${args.dir}/*.jsonl"]\nstages: []\noutput:\n  dir: ${args.out}\n`);
  const c0 = process.cpuUsage();
  const result = await runPipeline({ pipelineFile: pipeline, workers: args.workers, fresh: true, log: silentLogger });
  // this process's threads (GC and compiler included); with 1 worker it is the whole run
  const used = process.cpuUsage(c0);
  const markersDir = join(args.out, '.sluice', 'tasks', 'docs-0');
  const rss = readdirSync(markersDir).map((n) => (JSON.parse(readFileSync(join(markersDir, n), 'utf8')) as TaskMarker).peak_rss_mb);
  return { kept: result.report!.stats.ledger.kept, maxWorkerRssMb: Math.max(...rss), cpu: (used.user + used.system) / 1e6 };
}

export async function benchCore(opts: CoreBenchOptions): Promise<BenchRow[]> {
  const dir = opts.dir ?? join(tmpdir(), `sluice-bench-core-${process.pid}`);
  const input = join(dir, 'input');
  process.stderr.write(`core: generating ${opts.mb} MB of JSONL in ${opts.files} files...\n`);
  const { docs, bytes } = await generate(input, opts.mb, opts.files);
  const mb = bytes / 1e6;
  const rows: BenchRow[] = [];
  const add = (variant: string, seconds: number, rssMb: number, note?: string): void => {
    rows.push({ bench: 'core', variant, metric: 'throughput', value: mb / seconds, unit: 'MB/s', ...(note ? { note } : {}) });
    rows.push({ bench: 'core', variant, metric: 'docs', value: docs / seconds, unit: 'docs/s' });
    rows.push({ bench: 'core', variant, metric: 'peak RSS', value: rssMb, unit: 'MiB' });
  };
  try {
    const reader = await isolated<{ docs: number }>('./core.js', 'readerOnly', { dir: input });
    add('jsonl reader only', reader.seconds, reader.peakRssMb);
    for (const workers of [1, 2]) {
      const out = join(dir, `out-${workers}`);
      const r = await isolated<{ kept: number; maxWorkerRssMb: number; cpu: number }>('./core.js', 'noopPipeline', { dir: input, out, workers });
      if (r.value.kept !== docs) throw new Error(`no-op pipeline kept ${r.value.kept} of ${docs} docs`);
      const shardBytes = readdirSync(join(out, 'shards')).reduce((s, n) => s + statSync(join(out, 'shards', n)).size, 0);
      add(
        `no-op pipeline, ${workers} worker${workers > 1 ? 's' : ''}`,
        r.seconds,
        workers === 1 ? r.peakRssMb : r.value.maxWorkerRssMb,
        `${(shardBytes / 1e6).toFixed(0)} MB zstd shards${workers > 1 ? '; RSS per worker' : ''}`,
      );
      // the workers' CPU is in their own processes: only the single-process run has all of it
      if (workers === 1)
        rows.push({
          bench: 'core',
          variant: 'no-op pipeline, 1 worker',
          metric: 'throughput (CPU time)',
          value: mb / r.value.cpu,
          unit: 'MB/s',
          note: `${r.value.cpu.toFixed(1)} s CPU, GC threads included`,
        });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Loader throughput: tokens per second into Python tensors with 2 ranks side by side (each a
 * trainer process pulling SluiceDataset batches from its own `sluice loader serve`), the
 * in-process TypeScript loader, dataset open (sha256 + index), and the token-column reader
 * against hyparquet on the same shard (why the loader has its own reader).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DocReader, TokenDataset } from '../../src/loader/dataset.js';
import { TokenLoader } from '../../src/loader/loader.js';
import { writeBenchDataset } from './loader-data.js';
import type { BenchRow } from './types.js';
import { REPO_ROOT } from './repo-root.js';

export interface LoaderBenchOptions {
  /** Tokens in the synthetic dataset. */
  tokens: number;
  seqLen: number;
  batch: number;
  /** Batches each Python rank pulls (after the first). */
  steps: number;
  ranks: number;
  python?: string;
}

/** Default sizes finish in well under a minute on 2 busy cores; --full is the larger run. */
export function loaderBenchDefaults(full: boolean): LoaderBenchOptions {
  return { tokens: full ? 200_000_000 : 20_000_000, seqLen: 1024, batch: 16, steps: full ? 12_000 : 3_000, ranks: 2 };
}

const ROOT = REPO_ROOT;
const TARGET = 5e6;

const PY_CLIENT = `
import json, os, sys, time
from sluice_loader import SluiceDataset
c = json.loads(sys.argv[1])
ds = SluiceDataset(c["dataset"], seq_len=c["seq_len"], batch=c["batch"], rank=c["rank"], world=c["world"], seed=1)
def server_cpu():
    with open(f"/proc/{ds.server_pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
t_open = time.perf_counter()
it = iter(ds)
x, y = next(it)
opened = time.perf_counter() - t_open
n = 0
cpu0 = time.process_time() + server_cpu()
t0 = time.perf_counter()
for _ in range(c["steps"]):
    x, y = next(it)
    n += x.numel()
dt = time.perf_counter() - t0
cpu = time.process_time() + server_cpu() - cpu0
rss = 0
with open(f"/proc/{ds.server_pid}/status") as f:
    for line in f:
        if line.startswith("VmHWM:"):
            rss = int(line.split()[1])
ds.close()
print(json.dumps({"tokens": n, "seconds": dt, "cpu_seconds": cpu, "open_seconds": opened, "server_rss_kb": rss}))
`;

interface RankResult {
  tokens: number;
  seconds: number;
  /** CPU seconds of the trainer process and its server together. */
  cpu_seconds: number;
  open_seconds: number;
  server_rss_kb: number;
}

function runRank(python: string, cfg: Record<string, unknown>): Promise<RankResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-c', PY_CLIENT, JSON.stringify(cfg)], {
      cwd: ROOT,
      env: { ...process.env, PYTHONPATH: join(ROOT, 'src', 'loader', 'python'), PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1)!) as RankResult);
      else reject(new Error(`python rank exited ${code}: ${err.slice(-2000)}`));
    });
  });
}

/** Tokens per wall-clock second and per CPU second of this process (the latter holds up when other jobs share the cores). */
interface Rate {
  wall: number;
  cpu: number;
}

async function measure(work: () => number | Promise<number>): Promise<Rate> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const tokens = await work();
  const c = process.cpuUsage(c0);
  return { wall: tokens / ((performance.now() - t0) / 1000), cpu: tokens / ((c.user + c.system) / 1e6) };
}

const perCpu = (r: Rate): string => `${(r.cpu / 1e6).toFixed(1)} M per CPU second`;

async function hyparquetTokens(file: string): Promise<number> {
  const buf = await asyncBufferFromFile(file);
  let n = 0;
  await parquetRead({ file: buf, compressors, columns: ['input_ids'], onComplete: (rows) => rows.forEach((r) => (n += (r as number[][])[0]!.length)) });
  return n;
}

function sluiceTokens(ds: TokenDataset, shard: number): number {
  const reader = new DocReader(ds);
  const from = ds.shardDocStart[shard]!;
  const to = ds.shardDocStart[shard + 1]!;
  const scratch = new Int32Array(1 << 16);
  let n = 0;
  for (let d = from; d < to; d++) {
    reader.copyTokens(d, scratch, 0);
    n += ds.numTokens[d]!;
  }
  reader.close();
  return n;
}

export async function benchLoader(opts: LoaderBenchOptions): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-loader-'));
  const rows: BenchRow[] = [];
  const shape = `T=${opts.seqLen} B=${opts.batch}`;
  try {
    const made = await writeBenchDataset(dir, { tokens: opts.tokens, shards: 8, vocab: 50_257 });
    const t0 = performance.now();
    const ds = await TokenDataset.open(dir);
    const openS = (performance.now() - t0) / 1000;
    rows.push({
      bench: 'loader',
      variant: 'open + validate (sha256, index)',
      metric: 'throughput',
      value: made.bytes / 1e6 / openS,
      unit: 'MB/s',
      note: `${(made.tokens / 1e6).toFixed(0)}M tokens, ${(made.bytes / 1e6).toFixed(0)} MB zstd`,
    });

    const hyp = await measure(() => hyparquetTokens(ds.shards[0]!.file));
    const own = await measure(() => sluiceTokens(ds, 0));
    rows.push({ bench: 'loader', variant: 'decode input_ids: hyparquet', metric: 'throughput', value: hyp.wall / 1e6, unit: 'M tokens/s', note: perCpu(hyp) });
    rows.push({
      bench: 'loader',
      variant: 'decode input_ids: sluice page reader',
      metric: 'throughput',
      value: own.wall / 1e6,
      unit: 'M tokens/s',
      note: `${(own.wall / hyp.wall).toFixed(1)}x hyparquet; ${perCpu(own)}`,
    });

    const loader = new TokenLoader(ds, { seqLen: opts.seqLen, batch: opts.batch, world: opts.ranks, rank: 0, seed: 1 });
    loader.next();
    const ts = await measure(() => {
      let n = 0;
      for (let i = 0; i < opts.steps; i++) n += loader.next().tokens.length;
      return n;
    });
    loader.close();
    rows.push({ bench: 'loader', variant: `TypeScript loader, in process, rank 0 of ${opts.ranks}`, metric: 'throughput', value: ts.wall / 1e6, unit: 'M tokens/s', note: `${shape}; ${perCpu(ts)}` });

    const python = opts.python ?? process.env['SLUICE_PYTHON'] ?? '/usr/bin/python3';
    let results: RankResult[];
    try {
      results = await Promise.all(
        Array.from({ length: opts.ranks }, (_, rank) => runRank(python, { dataset: dir, seq_len: opts.seqLen, batch: opts.batch, rank, world: opts.ranks, steps: opts.steps })),
      );
    } catch (err) {
      // keep the other figures (and the other benches' tables) when Python is unusable here
      const why = err instanceof Error ? err.message.split('\n').slice(-2).join(' ') : String(err);
      rows.push({
        bench: 'loader',
        variant: `python tensors, ${opts.ranks} ranks side by side`,
        metric: 'throughput',
        value: Number.NaN,
        unit: 'M tokens/s',
        note: `failed (${python} needs numpy and torch): ${why}`,
      });
      return rows;
    }
    results.forEach((r, rank) => {
      const rate = r.tokens / r.seconds;
      rows.push({
        bench: 'loader',
        variant: `python tensors, rank ${rank} of ${opts.ranks} side by side`,
        metric: 'throughput',
        value: rate / 1e6,
        unit: 'M tokens/s',
        note: `${shape}; ${rate >= TARGET ? 'meets' : 'BELOW'} the 5M/rank target; ${perCpu({ wall: rate, cpu: r.tokens / r.cpu_seconds })} (client + server); first batch after ${r.open_seconds.toFixed(1)} s`,
      });
    });
    rows.push({ bench: 'loader', variant: 'loader serve process', metric: 'peak RSS', value: Math.max(...results.map((r) => r.server_rss_kb)) / 1024, unit: 'MiB' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

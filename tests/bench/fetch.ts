/**
 * The fetch stage of issue 19 (`--only fetch`): pages per second over 64 loopback hosts
 * (127.0.0.x, one HTTP server each, in this process) with the stage in a child process of its
 * own (isolate.ts), so its CPU per page and peak RSS are the stage's alone: robots.txt, per-host
 * gate, undici, the WARC record (gzip) and the same main-text extraction as the warc reader.
 * Each size is crawled twice: over the network, then again on the same output, served from the
 * WARC files (what a rerun after a crash costs). Target: 500 pages/s on loopback with 64 hosts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHost, stopHost, type FarmHost } from '../fetch/farm.js';
import type { FetchCrawlArgs, FetchCrawlResult } from './fetch-child.js';
import { isolated } from './isolate.js';
import type { BenchRow } from './types.js';

const CHILD = './fetch-child.js';

export interface FetchBenchOptions {
  hosts: number;
  pages: number;
}

export async function benchFetch(opts: FetchBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const hosts: FarmHost[] = [];
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-fetch-'));
  try {
    for (let i = 0; i < opts.hosts; i++) hosts.push(await startHost(`127.0.0.${10 + i}`));
    const bases = hosts.map((h) => h.base);
    const perHost = Math.ceil(opts.pages / opts.hosts);
    const params = { per_host_delay_seconds: 0, per_host_connections: 2, concurrency: 64 };
    for (const [kind, size] of [
      ['page', '1.5 KB pages'],
      ['article', '24 KB articles'],
    ] as const) {
      const outDir = join(root, kind);
      for (const pass of ['network', 'rerun from WARC'] as const) {
        const res = await isolated<FetchCrawlResult>(CHILD, 'crawlTimed', { bases, perHost, kind, params, outDir } satisfies FetchCrawlArgs);
        const v = res.value;
        const variant = `${size}, ${pass}`;
        const maxOpen = Math.max(...hosts.map((h) => h.maxOpen));
        const note = `${v.pages} pages over ${opts.hosts} hosts, 2 connections and no delay per host, concurrency 64; rejected ${JSON.stringify(v.rejected)}; most connections on one host ${maxOpen}`;
        rows.push({ bench: 'fetch', variant, metric: 'pages per wall second', value: v.pages / v.seconds, unit: 'pages/s', note: pass === 'network' ? `${note}; target 500` : note });
        rows.push({ bench: 'fetch', variant, metric: 'CPU per page', value: (v.cpuSeconds / v.pages) * 1000, unit: 'ms' });
        rows.push({ bench: 'fetch', variant, metric: 'peak RSS', value: res.peakRssMb, unit: 'MiB' });
        if (pass === 'network') rows.push({ bench: 'fetch', variant, metric: 'WARC bytes per page', value: v.warcBytes / v.pages, unit: 'B', note: 'gzip level 6, one member per record' });
      }
    }
  } finally {
    await Promise.all(hosts.map(stopHost));
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

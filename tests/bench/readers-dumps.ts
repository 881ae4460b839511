/**
 * Dump readers (books, reddit, wikipedia, parquet; `--only readers-dumps`, formerly readers-a): MB/s of compressed and uncompressed
 * input, documents/s, and peak RSS, each at 1x and 10x input size in its own process, so a
 * reader whose memory grows with its input shows it. Also side by side: bzip2 and zstd decoder
 * backends, and the wikitext converter against wtf_wikipedia (speed and leftover markup).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolated } from './isolate.js';
import type { ConvertArgs, ConvertResult, DecodeArgs, ReadArgs } from './readers-dumps-child.js';
import { Text, makeBooks, makeParquet, makeReddit, makeWikipedia, syntheticArticle, type GeneratedInput } from './readers-dumps-data.js';
import type { ReadCounts } from './readers-drain.js';
import type { BenchRow } from './types.js';

export interface ReadersDumpsBenchOptions {
  /** Uncompressed MiB of the 1x inputs (the 10x inputs are ten times this). */
  mb: number;
  /** A directory of real wikitext articles (.txt) for the converter comparison; synthetic articles otherwise. */
  wikitextDir?: string;
  onRow?: (row: BenchRow) => void;
}

const CHILD = './readers-dumps-child.js';
const MB = 1024 * 1024;

export async function benchReadersDumps(opts: ReadersDumpsBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const push = (r: BenchRow): void => {
    rows.push(r);
    opts.onRow?.(r);
  };
  const root = mkdtempSync(join(tmpdir(), 'sluice-bench-readers-dumps-'));
  try {
    const inputs: {
      name: string;
      make: (dir: string, mb: number) => Promise<GeneratedInput>;
      runs: { variant: string; params?: Record<string, unknown>; files?: (g: GeneratedInput) => string[] }[];
    }[] = [
      { name: 'books', make: async (dir, mb) => makeBooks(dir, Math.max(1, Math.round((mb * 1024) / 256))), runs: [{ variant: 'books .txt.gz' }] },
      {
        name: 'reddit',
        make: makeReddit,
        runs: [
          { variant: 'reddit RC+RS .zst', params: { min_score: 0 } },
          { variant: 'reddit RC .zst group:thread', params: { group: 'thread', min_score: 0 }, files: (g) => g.files.filter((f) => f.includes('RC_')) },
        ],
      },
      { name: 'wikipedia', make: makeWikipedia, runs: [{ variant: 'wikipedia .xml.bz2' }] },
      { name: 'parquet', make: makeParquet, runs: [{ variant: 'parquet (hyparquet)' }] },
    ];
    const generated = new Map<string, GeneratedInput>();
    for (const input of inputs) {
      for (const scale of [1, 10]) {
        const dir = join(root, `${input.name}-${scale}x`);
        mkdirSync(dir, { recursive: true });
        process.stderr.write(`  generating ${input.name} ${scale}x (${opts.mb * scale} MiB)\n`);
        const g = await input.make(dir, opts.mb * scale);
        generated.set(`${input.name}-${scale}`, g);
        for (const run of input.runs) {
          const files = run.files ? run.files(g) : g.files;
          const res = await isolated<ReadCounts>(CHILD, 'readAllFiles', { reader: input.name, files, ...(run.params ? { params: run.params } : {}) } satisfies ReadArgs);
          const { seconds, docs, rejected } = res.value;
          const variant = `${run.variant} ${scale}x`;
          const note = `${(g.rawBytes / MB).toFixed(0)} MiB raw, ${(g.compressedBytes / MB).toFixed(1)} MiB compressed, ${docs} docs, ${rejected} rejected`;
          push({ bench: 'readers-dumps', variant, metric: 'throughput compressed', value: g.compressedBytes / MB / seconds, unit: 'MB/s', note });
          push({ bench: 'readers-dumps', variant, metric: 'throughput uncompressed', value: g.rawBytes / MB / seconds, unit: 'MB/s' });
          push({ bench: 'readers-dumps', variant, metric: 'documents', value: docs / seconds, unit: 'docs/s' });
          push({ bench: 'readers-dumps', variant, metric: 'peak RSS', value: res.peakRssMb, unit: 'MiB' });
        }
      }
      if (input.name === 'wikipedia') {
        const g = generated.get('wikipedia-10')!;
        for (const backend of ['lbzip2', 'bzip2', 'js']) {
          const res = await isolated<{ bytes: number }>(CHILD, 'decodeOnly', { file: g.files[0]!, codec: 'bzip2', backend } satisfies DecodeArgs);
          push({
            bench: 'readers-dumps',
            variant: `bzip2 decode ${backend}`,
            metric: 'throughput uncompressed',
            value: res.value.bytes / MB / res.seconds,
            unit: 'MB/s',
            note: `peak RSS ${res.peakRssMb.toFixed(0)} MiB`,
          });
        }
      }
      if (input.name === 'reddit') {
        const g = generated.get('reddit-10')!;
        for (const backend of ['cli', 'napi']) {
          const res = await isolated<{ bytes: number }>(CHILD, 'decodeOnly', { file: g.files[0]!, codec: 'zstd', backend } satisfies DecodeArgs);
          push({
            bench: 'readers-dumps',
            variant: `zstd --long=31 decode ${backend === 'cli' ? 'zstd command' : 'zstd-napi'}`,
            metric: 'throughput uncompressed',
            value: res.value.bytes / MB / res.seconds,
            unit: 'MB/s',
            note: `peak RSS ${res.peakRssMb.toFixed(0)} MiB`,
          });
        }
      }
      for (const scale of [1, 10]) rmSync(join(root, `${input.name}-${scale}x`), { recursive: true, force: true });
    }

    // wikitext converters side by side
    let source: Pick<ConvertArgs, 'dir' | 'synthetic'>;
    let what: string;
    if (opts.wikitextDir) {
      source = { dir: opts.wikitextDir };
      what = `articles in ${opts.wikitextDir}`;
    } else {
      const t = new Text(5);
      const path = join(root, 'articles.txt');
      writeFileSync(path, Array.from({ length: 200 }, (_, i) => syntheticArticle(t, `Article ${i}`)).join('\f'));
      source = { synthetic: path };
      what = '200 synthetic articles';
    }
    for (const converter of ['sluice', 'wtf_wikipedia'] as const) {
      const res = await isolated<ConvertResult>(CHILD, 'convertArticles', { converter, ...source, repeat: converter === 'sluice' ? 5 : 1 } satisfies ConvertArgs);
      const v = res.value;
      const residue = Object.values(v.residue).reduce((a, b) => a + b, 0);
      const detail = Object.entries(v.residue)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      push({ bench: 'readers-dumps', variant: `wikitext ${converter}`, metric: 'articles', value: v.articles / res.seconds, unit: 'articles/s', note: what });
      push({ bench: 'readers-dumps', variant: `wikitext ${converter}`, metric: 'throughput', value: v.inputChars / 1e6 / res.seconds, unit: 'M chars/s' });
      push({
        bench: 'readers-dumps',
        variant: `wikitext ${converter}`,
        metric: 'markup left',
        value: (residue / Math.max(1, v.outputChars)) * 100_000,
        unit: 'per 100k chars',
        note: detail || 'none',
      });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

/**
 * Web and code readers (`--only readers-web-code`, formerly readers-b): throughput and peak RSS of the warc, wet and code readers on generated
 * inputs at 1x and 10x size (RSS must not grow with input size), HTML extraction pages/s, and
 * the WARC framing and gunzip side by side with warcio and node:zlib on the same file.
 * Every variant runs in its own process (isolate.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { isolated } from './isolate.js';
import type { ReadCounts } from './readers-drain.js';
import { writeCodeInputs, writeWebInputs } from './readers-web-code-data.js';
import type { BenchRow } from './types.js';

export interface ReadersWebCodeBenchOptions {
  /** Uncompressed WARC megabytes at 1x. */
  webMb: number;
  /** Repositories at 1x (the 10x tree has ten times as many). */
  codeRepos: number;
  codeFilesPerRepo: number;
  /** The larger input is this many times the smaller. */
  scale: number;
  /** Where inputs go (default: a fresh temp folder, removed afterwards). */
  dir?: string;
  log?: (line: string) => void;
}

const CHILD = './readers-web-code-child.js';
const BENCH = 'readers-web-code';

function row(variant: string, metric: string, value: number, unit: string, note?: string): BenchRow {
  return note === undefined ? { bench: BENCH, variant, metric, value, unit } : { bench: BENCH, variant, metric, value, unit, note };
}

async function tarGzOf(root: string, out: string): Promise<number> {
  const pack = tar.pack();
  const parts: Buffer[] = [];
  pack.on('data', (c: unknown) => parts.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on('end', () => resolve());
    pack.on('error', reject);
  });
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const abs = join(e.parentPath, e.name);
    pack.entry({ name: `bench-repo/${abs.slice(root.length + 1)}` }, readFileSync(abs));
  }
  pack.finalize();
  await done;
  const gz = gzipSync(Buffer.concat(parts));
  await writeFile(out, gz);
  return gz.length;
}

export async function benchReadersWebCode(opts: ReadersWebCodeBenchOptions): Promise<BenchRow[]> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'sluice-bench-readers-web-code-')));
  const rows: BenchRow[] = [];
  const scales = [1, opts.scale];
  try {
    log(`generating ${opts.webMb} MB of WARC (x${scales.join(', x')}) and ${opts.codeRepos} repositories (x${scales.join(', x')}) in ${dir}`);
    const web = await writeWebInputs(join(dir, 'web'), opts.webMb, scales);

    for (const scale of scales) {
      const files = web.byScale.get(scale)!;
      const label = (what: string): string => `${what} ${scale}x (${(files.warcBytes.raw / 1e6).toFixed(0)} MB warc)`;
      const warc = await isolated<ReadCounts>(CHILD, 'readWarc', { path: files.warc });
      log(`  warc ${scale}x: ${warc.value.seconds.toFixed(1)} s, ${warc.value.docs} docs, ${warc.peakRssMb.toFixed(0)} MiB`);
      rows.push(
        row(label('warc'), 'throughput compressed', files.warcBytes.compressed / 1e6 / warc.value.seconds, 'MB/s'),
        row(label('warc'), 'throughput uncompressed', files.warcBytes.raw / 1e6 / warc.value.seconds, 'MB/s'),
        row(label('warc'), 'docs', warc.value.docs / warc.value.seconds, 'docs/s'),
        row(label('warc'), 'peak RSS', warc.peakRssMb, 'MiB'),
      );
      const wet = await isolated<ReadCounts>(CHILD, 'readWet', { path: files.wet });
      log(`  wet ${scale}x: ${wet.value.seconds.toFixed(1)} s, ${wet.value.docs} docs, ${wet.peakRssMb.toFixed(0)} MiB`);
      const wetLabel = `wet ${scale}x (${(files.wetBytes.raw / 1e6).toFixed(0)} MB)`;
      rows.push(
        row(wetLabel, 'throughput compressed', files.wetBytes.compressed / 1e6 / wet.value.seconds, 'MB/s'),
        row(wetLabel, 'throughput uncompressed', files.wetBytes.raw / 1e6 / wet.value.seconds, 'MB/s'),
        row(wetLabel, 'docs', wet.value.docs / wet.value.seconds, 'docs/s'),
        row(wetLabel, 'peak RSS', wet.peakRssMb, 'MiB'),
      );
    }

    // WARC framing and gunzip alone, side by side on the 1x file
    const one = web.byScale.get(1)!;
    for (const [name, fn] of [
      ['sluice gunzipMembers + WarcRecordParser', 'parseWarcSluice'],
      ['warcio 2.4.11 + node:zlib Gunzip', 'parseWarcWarcio'],
    ] as const) {
      const r = await isolated<{ records: number; bytes: number; seconds: number }>(CHILD, fn, { path: one.warc });
      rows.push(
        row(`parse ${name}`, 'records', r.value.records / r.value.seconds, 'records/s'),
        row(`parse ${name}`, 'throughput uncompressed', one.warcBytes.raw / 1e6 / r.value.seconds, 'MB/s'),
        row(`parse ${name}`, 'peak RSS', r.peakRssMb, 'MiB'),
      );
    }
    for (const [name, fn] of [
      ['sluice gunzipMembers (per member, CRC checked)', 'gunzipSluice'],
      ['node:zlib Gunzip stream', 'gunzipNode'],
    ] as const) {
      const r = await isolated<{ bytes: number; seconds: number }>(CHILD, fn, { path: one.warc });
      rows.push(row(`gunzip ${name}`, 'throughput uncompressed', r.value.bytes / 1e6 / r.value.seconds, 'MB/s'));
    }

    // HTML extraction alone
    const pagesFile = join(dir, 'pages.json');
    await writeFile(pagesFile, JSON.stringify(web.pages));
    const rounds = Math.max(1, Math.ceil(2000 / web.pages.length));
    const ex = await isolated<{ pages: number; chars: number; seconds: number }>(CHILD, 'extractPages', { pagesFile, rounds });
    rows.push(
      row(
        'extract htmlparser2 main text',
        'pages',
        ex.value.pages / ex.value.seconds,
        'pages/s',
        `${web.pages.length} pages x ${rounds}, avg ${(web.htmlBytes / web.pages.length / 1024).toFixed(1)} KiB`,
      ),
      row('extract htmlparser2 main text', 'throughput', (web.htmlBytes * rounds) / 1e6 / ex.value.seconds, 'MB/s'),
    );

    // code: folders of repositories at 1x and 10x, and one tar.gz
    for (const scale of scales) {
      const code = await writeCodeInputs(join(dir, `code-${scale}x`), opts.codeRepos * scale, opts.codeFilesPerRepo);
      const r = await isolated<ReadCounts>(CHILD, 'readCode', { path: code.root, isDirectory: true });
      log(`  code ${scale}x: ${r.value.seconds.toFixed(1)} s, ${r.value.docs} docs, ${r.peakRssMb.toFixed(0)} MiB`);
      const label = `code folder ${scale}x (${code.files} files, ${(code.bytes / 1e6).toFixed(0)} MB)`;
      rows.push(row(label, 'throughput', code.bytes / 1e6 / r.value.seconds, 'MB/s'), row(label, 'docs', r.value.docs / r.value.seconds, 'docs/s'), row(label, 'peak RSS', r.peakRssMb, 'MiB'));
      if (scale === 1) {
        const archive = join(dir, 'bench-repo.tar.gz');
        const gzBytes = await tarGzOf(code.root, archive);
        const t = await isolated<ReadCounts>(CHILD, 'readCode', { path: archive, isDirectory: false });
        const tl = `code tar.gz 1x (${(gzBytes / 1e3).toFixed(0)} KB gz)`;
        rows.push(
          row(tl, 'throughput uncompressed', code.bytes / 1e6 / t.value.seconds, 'MB/s', 'read twice: licence pass, then files'),
          row(tl, 'docs', t.value.docs / t.value.seconds, 'docs/s'),
          row(tl, 'peak RSS', t.peakRssMb, 'MiB'),
        );
      }
      await rm(code.root, { recursive: true, force: true });
    }
  } finally {
    if (opts.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

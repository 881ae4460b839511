/**
 * pipelines/network/webtext-fetch.yaml, the WebText pipeline with the fetch stage, run through
 * the CLI against loopback servers: its connect_to sends every host of the sample link list to
 * an HTTP and an HTTPS server here. Also what the runner does with `fetched/`: `sluice verify`
 * accepts it, a finished run's rerun fetches nothing, `--fresh` discards it with the rest.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { localFile } from '../../src/io/input.js';
import { warcReader } from '../../src/readers/warc.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { runReader } from '../helpers/harness.js';
import { readDataset } from '../helpers/parquet.js';
import { selfSignedCert } from './farm.js';

const BOOK = readFileSync(join(ROOT, 'sample-corpora/books/pg-sample-lighthouse-ledger.txt'), 'utf8')
  .split(/\n\s*\n/)
  .map((p) => p.replace(/\s+/g, ' ').trim())
  .filter((p) => p.length > 80);

const requests: string[] = [];
function site(req: IncomingMessage, res: ServerResponse): void {
  const host = req.headers.host ?? '';
  requests.push(`${host}${req.url}`);
  if (req.url === '/robots.txt') {
    res.writeHead(200, { 'content-type': 'text/plain' });
    return void res.end(host.startsWith('tabi-nikki.') ? 'User-agent: *\nDisallow: /kyoto/\n' : 'User-agent: *\nAllow: /\n');
  }
  const paras = BOOK.map((p) => `<p>${p}</p>`).join('');
  const body = `<!doctype html><html lang="en"><head><title>${host}${req.url}</title></head><body><nav><a href="/">Home</a></nav><article><h1>A page at ${host}${req.url}</h1><p>This page lives at ${host}${req.url} and was written for the test of the fetch stage.</p>${paras}</article></body></html>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(body);
}

const http = createHttp(site);
const https = createHttps(selfSignedCert(), site);
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-webtext-'));
  http.listen(0, '127.0.0.41');
  https.listen(0, '127.0.0.42');
  await Promise.all([once(http, 'listening'), once(https, 'listening')]);
});

afterAll(async () => {
  http.closeAllConnections();
  https.closeAllConnections();
  http.close();
  https.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
}

describe('pipelines/network/webtext-fetch.yaml', () => {
  it('runs against loopback servers; verify, rerun and --fresh treat fetched/ as part of the output', async () => {
    const config = parse(readFileSync(join(ROOT, 'pipelines/network/webtext-fetch.yaml'), 'utf8')) as { stages: Array<Record<string, Record<string, unknown>>> };
    const fetch = config.stages.find((s) => 'fetch' in s)!['fetch']!;
    fetch['connect_to'] = { '*:80': `127.0.0.41:${(http.address() as AddressInfo).port}`, '*:443': `127.0.0.42:${(https.address() as AddressInfo).port}` };
    fetch['verify_tls'] = false;
    fetch['per_host_delay_seconds'] = 0.05;
    const file = join(dir, 'webtext-fetch.yaml');
    writeFileSync(file, stringify(config));
    const out = join(dir, 'out');

    const first = await run(['run', file, '--out', out]);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('[balanced]');
    const rows = await readDataset(out, ['id', 'text', 'meta']);
    const urls = rows.map((r) => (JSON.parse(r['meta'] as string) as { url: string }).url).sort();
    // the sample's kept links (one has no score: a bad record), less the robots-disallowed one; riverlog's two URLs are one page
    expect(urls).toEqual(
      ['http://chaye.example.cn/article/longjing.html', 'http://sad-ogorod.example.ru/stati/tomaty.html', 'https://www.riverlog.example.org/2024/05/restoring-the-millbrook'].sort(),
    );
    expect(requests.filter((r) => !r.endsWith('/robots.txt')).sort()).toEqual(urls.map((u) => u.replace(/^https?:\/\//, '')).sort());
    expect(requests.some((r) => r.startsWith('tabi-nikki.example.jp/kyoto'))).toBe(false);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { stages: Record<string, { rejected: Record<string, number> }> };
    expect(stats.stages['fetch']!.rejected).toEqual({ robots_disallowed: 1 });
    for (const r of rows) expect(r['text']).toContain('This page lives at');

    // replayed offline by the warc reader: the same texts
    const warcs = readdirSync(join(out, 'fetched'));
    const replay = await runReader(warcReader, localFile(join(out, 'fetched', warcs[0]!)));
    const byUrl = new Map(replay.docs.map((d) => [d.meta['url'], d.text]));
    for (const r of rows) expect(byUrl.get((JSON.parse(r['meta'] as string) as { url: string }).url)).toBe(r['text']);

    expect((await run(['verify', out])).status).toBe(0);
    const seen = requests.length;
    const again = await run(['run', file, '--out', out]);
    expect(again.status, again.stderr).toBe(0);
    expect(requests.length).toBe(seen);

    const fresh = await run(['run', file, '--out', out, '--fresh']);
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(requests.length).toBe(seen * 2);
    expect(existsSync(join(out, 'fetched', warcs[0]!))).toBe(true);
    expect(readdirSync(out).filter((n) => n.startsWith('.sluice-discarded'))).toEqual([]);
  }, 120_000);
});

/**
 * Whole crawls over a farm of loopback hosts: 10,000 URLs with every kind of failure mixed in
 * (each URL fetched once or rejected with its reason, no host ever sees more connections than
 * allowed, the ledger balances); a CLI run killed with SIGKILL mid-crawl and rerun (nothing that
 * was recorded is fetched again, and the output equals an uninterrupted run's); and the crawl's
 * WARC files replayed offline through the warc reader.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { fetchStage } from '../../src/fetch/stage.js';
import { scanMembers } from '../../src/fetch/warc-file.js';
import { parseRecord } from '../../src/fetch/warc-record.js';
import { localFile } from '../../src/io/input.js';
import { warcReader } from '../../src/readers/warc.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { fromArray, runReader, streamStage, testContext } from '../helpers/harness.js';
import { readDataset } from '../helpers/parquet.js';
import { clientSockets, startHost, stopHost, type FarmHost, FAST_TIMINGS } from './farm.js';

let dir: string;
const hosts: FarmHost[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-crawl-'));
});

afterAll(async () => {
  await Promise.all(hosts.map(stopHost));
  rmSync(dir, { recursive: true, force: true });
});

const FAST = {
  ...FAST_TIMINGS,
  max_bytes: '1MiB',
};

/** What each kind of URL must end as, and how often each of its paths may be asked for. */
const KINDS: Record<string, { reason: string | undefined; requests: number }> = {
  page: { reason: undefined, requests: 1 },
  gzip: { reason: undefined, requests: 1 },
  plain: { reason: undefined, requests: 1 },
  redir: { reason: undefined, requests: 1 },
  flaky: { reason: undefined, requests: 2 },
  private: { reason: 'robots_disallowed', requests: 0 },
  slow: { reason: 'timeout', requests: 1 },
  drop: { reason: 'connect_error', requests: 3 },
  big: { reason: 'too_large', requests: 1 },
  pdf: { reason: 'non_html', requests: 1 },
  missing: { reason: 'http_404', requests: 1 },
  loop: { reason: 'redirect_loop', requests: 1 },
  chain: { reason: 'too_many_redirects', requests: 1 },
  busy: { reason: 'http_429', requests: 3 },
};

/** Per host: how many URLs of each special kind; the rest of its share are pages. */
const SPECIAL: Record<string, number> = { gzip: 5, plain: 5, redir: 5, flaky: 2, private: 5, slow: 1, drop: 3, big: 2, pdf: 5, missing: 5, loop: 2, chain: 1, busy: 1 };

function urlDoc(url: string, i: number): Doc {
  return { id: `u${String(i).padStart(5, '0')}`, text: url, source: 'links', meta: { url } };
}

describe('a crawl of 10,000 URLs over 16 hosts', () => {
  it('fetches every URL once or rejects it with its reason, within the per-host connection limit', async () => {
    const hostCount = 16;
    const farm = await Promise.all(Array.from({ length: hostCount }, (_, i) => startHost(`127.0.0.${101 + i}`)));
    // two hosts whose robots.txt cannot be read: every URL on them is rejected without a request
    farm.push(await startHost('127.0.0.117', { robotsStatus: 503 }), await startHost('127.0.0.118', { robotsStatus: 'drop' }));
    hosts.push(...farm);
    const urls: Array<{ url: string; kind: string; host: FarmHost; path: string }> = [];
    const total = 10_000;
    const perHost = Math.floor(total / farm.length);
    for (const [h, host] of farm.entries()) {
      const mine: Array<[string, string]> = [];
      for (const [kind, n] of Object.entries(SPECIAL)) for (let i = 0; i < n; i++) mine.push([kind, `${kind}/${h}-${i}`]);
      const share = h === farm.length - 1 ? total - perHost * (farm.length - 1) : perHost;
      for (let i = mine.length; i < share; i++) mine.push(['page', `page/${h}-${i}`]);
      for (const [kind, path] of mine) urls.push({ url: `${host.base}/${path}`, kind, host, path: `/${path}` });
    }
    // interleave hosts, as a link list sorted by time would
    urls.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : x.host.base < y.host.base ? -1 : 1));
    // 50 URLs listed twice: asked for once, both documents kept
    for (let i = 0; i < 50; i++) urls.push(urls[i * 97]!);
    expect(urls.length).toBe(total + 50);

    const out = mkdtempSync(join(dir, 'big-'));
    const perHostLimit = 2;
    const stage = await streamStage(
      fetchStage,
      { ...FAST, per_host_connections: perHostLimit, concurrency: 64 },
      { workDir: join(out, 'work'), world: 1, configDir: ROOT, outputDir: out, log: silentLogger },
    );
    const { ctx, rejected, stats } = testContext('fetch');
    const kept: Doc[] = [];
    const sockets = clientSockets();
    const started = Date.now();
    for await (const d of stage(fromArray(urls.map((u, i) => urlDoc(u.url, i))), ctx)) kept.push(d);
    const seconds = (Date.now() - started) / 1000;
    sockets.stop();

    // the ledger balances, and documents leave in input order
    expect(kept.length + rejected.length).toBe(urls.length);
    const order = [...kept.map((d) => d.id), ...rejected.map((r) => r.doc.id)].sort();
    expect(order).toEqual(urls.map((_, i) => `u${String(i).padStart(5, '0')}`));
    expect(kept.map((d) => d.id)).toEqual([...kept.map((d) => d.id)].sort());

    // every URL ends as its kind says
    const byId = new Map<string, string>(rejected.map((r) => [r.doc.id, r.reason]));
    const unreachable = new Set(farm.slice(hostCount));
    for (const [i, u] of urls.entries()) {
      const id = `u${String(i).padStart(5, '0')}`;
      const want = unreachable.has(u.host) ? (u.host.address === '127.0.0.117' ? 'robots_unavailable' : 'connect_error') : KINDS[u.kind]!.reason;
      expect(byId.get(id), `${u.url}`).toBe(want);
    }
    // and was asked for as often as its kind allows: once, or its retries
    for (const u of new Map(urls.map((x) => [x.url, x])).values()) {
      const want = unreachable.has(u.host) ? 0 : KINDS[u.kind]!.requests;
      expect(u.host.requests.get(u.path) ?? 0, u.url).toBe(want);
    }
    for (const h of farm) {
      // robots.txt once per host (the two that fail: with their retries)
      expect(h.requests.get('/robots.txt'), h.base).toBe(unreachable.has(h) ? 3 : 1);
      expect(h.maxOpen, `${h.base} had ${h.maxOpen} connections open at once`).toBeLessThanOrEqual(perHostLimit);
      expect(sockets.max.get(h.address) ?? 0, `${h.base}: sockets open at once on the client`).toBeLessThanOrEqual(perHostLimit);
    }
    const counters = stats.stats.stages['fetch']!.counters;
    // a URL listed twice is one exchange: the second document shares the first's, or reads its record
    expect((counters['pages_fetched'] ?? 0) + (counters['pages_from_warc'] ?? 0)).toBe(kept.length);
    expect(counters['pages_from_warc'] ?? 0).toBeLessThanOrEqual(50);
    // the limit was reached: the hosts were really fetched in parallel
    expect(Math.max(...farm.map((h) => h.maxOpen))).toBe(perHostLimit);
    console.log(`10,050 documents in ${seconds.toFixed(1)} s (${Math.round(urls.length / seconds)}/s); ${kept.length} pages, ${rejected.length} rejects`);

    // replayed offline: the warc reader gives every kept page's text from the stage's own file
    const replay = await runReader(warcReader, localFile(join(out, 'fetched', 'fetch-00000.warc.gz')));
    expect(replay.invalid).toEqual([]);
    const replayed = new Map(replay.docs.map((d) => [d.meta['url'], d.text]));
    for (const d of kept) expect(replayed.get(d.meta['url'])).toBe(d.text);
    expect(replayed.size).toBe(new Set(kept.map((d) => d.meta['url'])).size);
  }, 240_000);
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The built CLI, started asynchronously: the farm answers from this process meanwhile. */
function startCli(args: string[]): { done: Promise<CliResult>; pid: number } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) => child.once('exit', (status) => resolve({ status, stdout, stderr })));
  return { done, pid: child.pid! };
}

/** URLs with a whole record (response or failure) in the WARC files under `out/fetched`. */
async function recordedUrls(out: string): Promise<Set<string>> {
  const urls = new Set<string>();
  const d = join(out, 'fetched');
  for (const name of existsSync(d) ? readdirSync(d) : []) {
    for await (const { bytes } of scanMembers(join(d, name)).members) {
      const rec = parseRecord(bytes);
      const url = rec?.headers.get('warc-target-uri');
      if (url !== undefined) urls.add(url);
    }
  }
  return urls;
}

describe('a crawl killed with SIGKILL and rerun', () => {
  it('fetches nothing that was recorded a second time, and ends with the output of an uninterrupted run', async () => {
    const farm = await Promise.all(Array.from({ length: 6 }, (_, i) => startHost(`127.0.0.${131 + i}`)));
    hosts.push(...farm);
    const lines: string[] = [];
    const n = 3000;
    for (let i = 0; i < n; i++) {
      const h = farm[i % farm.length]!;
      // a few failures and redirects among the pages: they must not be asked for again either
      const kind = i % 100 === 7 ? 'missing' : i % 100 === 13 ? 'drop' : i % 100 === 21 ? 'redir' : 'page';
      const url = `${h.base}/${kind}/${i}`;
      lines.push(JSON.stringify({ id: `u${String(i).padStart(5, '0')}`, text: url, url }));
    }
    const input = join(dir, 'urls.jsonl');
    writeFileSync(input, lines.join('\n') + '\n');
    const pipeline = join(dir, 'kill.yaml');
    writeFileSync(
      pipeline,
      `name: fetch-kill
inputs:
  - reader: jsonl
    paths: ["${input}"]
stages:
  - fetch: {per_host_delay_seconds: 0.01, per_host_connections: 2, concurrency: 12, retries: 2, backoff_seconds: 0.05, headers_timeout_seconds: 2}
  - length: {min_chars: 100}
output:
  dir: ${join(dir, 'unused')}
`,
    );
    const killedOut = join(dir, 'killed');
    const first = startCli(['run', pipeline, '--out', killedOut, '--workers', '1']);
    const pages = (): number => farm.reduce((s, h) => s + [...h.requests.keys()].filter((p) => p.startsWith('/page/')).length, 0);
    const deadline = Date.now() + 90_000;
    while (pages() < n / 3 && Date.now() < deadline) await sleep(5);
    process.kill(-first.pid, 'SIGKILL');
    const killed = await first.done;
    expect(killed.status, killed.stderr).toBe(null);
    expect(existsSync(join(killedOut, 'manifest.json'))).toBe(false);
    const asked = new Map<string, number>();
    for (const h of farm) for (const [p, c] of h.requests) asked.set(`${h.base}${p}`, c);
    const recorded = await recordedUrls(killedOut);
    expect(recorded.size).toBeGreaterThan(n / 4);
    const warc = join(killedOut, 'fetched', 'fetch-00000.warc.gz');
    const sizeAtKill = statSync(warc).size;

    const rerun = await startCli(['run', pipeline, '--out', killedOut, '--workers', '1']).done;
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(rerun.stdout).toContain('[balanced]');
    expect(statSync(warc).size).toBeGreaterThan(sizeAtKill - 64 * 1024);

    // nothing recorded before the kill was asked for again; what was asked twice had no whole
    // record: it was in flight (or its record was being written) when the process died
    const twice: string[] = [];
    for (const h of farm) {
      for (const [p, c] of h.requests) {
        const url = `${h.base}${p}`;
        const before = asked.get(url) ?? 0;
        if (c > before && before > 0) {
          expect(recorded.has(url), `${url} was recorded before the kill and fetched again`).toBe(false);
          twice.push(url);
        }
        // the dropped connections are retried within one attempt only
        const per = p.startsWith('/drop/') ? 3 : 1;
        expect(c - before === 0 || before === 0 || c - before <= per, url).toBe(true);
      }
    }
    // at most what one process had in flight (concurrency 12), besides dropped connections that
    // were waiting to be retried, which hold no slot while they wait
    expect(twice.filter((u) => !u.includes('/drop/')).length, twice.join('\n')).toBeLessThanOrEqual(12);
    console.log(`killed after ${recorded.size} recorded URLs; ${twice.length} URL(s) in flight at the kill were asked for again`);

    // an uninterrupted run of the same pipeline writes the same documents (the fetch times aside)
    const cleanOut = join(dir, 'clean');
    const clean = await startCli(['run', pipeline, '--out', cleanOut, '--workers', '1']).done;
    expect(clean.status, clean.stderr).toBe(0);
    const rows = async (out: string): Promise<unknown[]> =>
      (await readDataset(out, ['id', 'text', 'meta'])).map((r) => {
        const meta = JSON.parse(r['meta'] as string) as Record<string, unknown>;
        delete meta['fetched_at'];
        return { id: r['id'], text: r['text'], meta };
      });
    const a = await rows(killedOut);
    expect(a.length).toBeGreaterThan(n * 0.9);
    expect(a).toEqual(await rows(cleanOut));
  }, 240_000);
});

import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { runPipeline } from '../../src/runner/run.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

const WARC = readFileSync(join(ROOT, 'sample-corpora/web/CC-sample.warc.gz'));
let server: Server;
let base: string;
const requests: (string | undefined)[] = [];

beforeAll(async () => {
  // The first full response is cut after 40% of the body, mid-record; ranged requests are served whole.
  server = createServer((req, res) => {
    requests.push(req.headers.range);
    const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const headers = { 'accept-ranges': 'bytes', etag: '"w1"', 'content-type': 'application/warc' };
    if (m) {
      const start = Number(m[1]);
      res.writeHead(206, { ...headers, 'content-length': WARC.length - start, 'content-range': `bytes ${start}-${WARC.length - 1}/${WARC.length}` });
      res.end(WARC.subarray(start));
    } else if (requests.length === 1) {
      res.writeHead(200, { ...headers, 'content-length': WARC.length });
      res.write(WARC.subarray(0, Math.floor(WARC.length * 0.4)), () => res.socket?.destroy());
    } else {
      res.writeHead(200, { ...headers, 'content-length': WARC.length });
      res.end(WARC);
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

function pipeline(dir: string, path: string, out: string): string {
  return writePipeline(dir, `name: warc-http\ninputs:\n  - reader: warc\n    paths: ["${path}"]\noutput:\n  dir: ${out}\n`, `${out.split('/').pop()}.yaml`);
}

describe('a .warc.gz over HTTP', () => {
  it('resumes with Range after the connection drops mid-body and reads every record exactly once', async () => {
    const dir = tempDir();
    const remote = await runPipeline({ pipelineFile: pipeline(dir, `${base}/crawl/CC-sample.warc.gz`, join(dir, 'remote')), workers: 1, log: silentLogger });
    const local = await runPipeline({ pipelineFile: pipeline(dir, join(ROOT, 'sample-corpora/web/CC-sample.warc.gz'), join(dir, 'local')), workers: 1, log: silentLogger });

    expect(requests[0]).toBeUndefined();
    expect(requests.slice(1).some((r) => r !== undefined && r !== 'bytes=0-')).toBe(true);
    const remoteIds = (await readDataset(join(dir, 'remote'), ['id'])).map((r) => r['id']);
    const localIds = (await readDataset(join(dir, 'local'), ['id'])).map((r) => r['id']);
    expect(remoteIds.length).toBeGreaterThan(0);
    expect(new Set(remoteIds).size).toBe(remoteIds.length);
    expect(remoteIds).toEqual(localIds);
    expect(remote.report!.stats.ledger).toEqual(local.report!.stats.ledger);
    expect(remote.report!.stats.stages['warc']).toEqual(local.report!.stats.stages['warc']);
  });
});

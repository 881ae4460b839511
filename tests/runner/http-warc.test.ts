import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { runPipeline } from '../../src/runner/run.js';
import { ROOT } from '../helpers/cli.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { answerRange, startLoopbackServer, type LoopbackServer } from '../helpers/http.js';
import { readDataset } from '../helpers/parquet.js';

const WARC = readFileSync(join(ROOT, 'sample-corpora/web/CC-sample.warc.gz'));
let server: LoopbackServer;
const requests: (string | undefined)[] = [];

beforeAll(async () => {
  // The first full response is cut after 40% of the body, mid-record; ranged requests are served whole.
  server = await startLoopbackServer((req, res) => {
    const headers = { 'accept-ranges': 'bytes', etag: '"w1"', 'content-type': 'application/warc' };
    // the run's plan fingerprints the input with a HEAD first; only GETs carry the body under test
    if (req.method === 'HEAD') {
      res.writeHead(200, { ...headers, 'content-length': WARC.length }).end();
      return;
    }
    requests.push(req.headers.range);
    if (answerRange(req, res, WARC, headers)) return;
    res.writeHead(200, { ...headers, 'content-length': WARC.length });
    if (requests.length === 1) res.write(WARC.subarray(0, Math.floor(WARC.length * 0.4)), () => res.socket?.destroy());
    else res.end(WARC);
  });
});

afterAll(() => server.close());

function pipeline(dir: string, path: string, out: string): string {
  return writePipeline(dir, `name: warc-http\ninputs:\n  - reader: warc\n    paths: ["${path}"]\noutput:\n  dir: ${out}\n`, `${out.split('/').pop()}.yaml`);
}

describe('a .warc.gz over HTTP', () => {
  it('resumes with Range after the connection drops mid-body and reads every record exactly once', async () => {
    const dir = tempDir();
    const remote = await runPipeline({ pipelineFile: pipeline(dir, `${server.base}/crawl/CC-sample.warc.gz`, join(dir, 'remote')), workers: 1, log: silentLogger });
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

/** Child-process side of the `fetch` bench (run through isolate.ts): the stage alone, so CPU and peak RSS are its own. */
import { join } from 'node:path';
import { statSync } from 'node:fs';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder } from '../../src/core/stats.js';
import type { StageContext } from '../../src/core/stage.js';
import { fetchStage } from '../../src/fetch/stage.js';

export interface FetchCrawlArgs {
  /** `http://127.0.0.x:port` of every host. */
  bases: string[];
  perHost: number;
  /** Path kind on the farm: `page` (1.5 KB) or `article` (24 KB). */
  kind: string;
  params: Record<string, unknown>;
  outDir: string;
}

export interface FetchCrawlResult {
  pages: number;
  rejected: Record<string, number>;
  seconds: number;
  cpuSeconds: number;
  warcBytes: number;
  counters: Record<string, number>;
}

/** Crawls bases x perHost URLs through the stage (hosts interleaved); a second call on the same outDir is served from the WARC. */
export async function crawlTimed(args: FetchCrawlArgs): Promise<FetchCrawlResult> {
  const stats = new StatsRecorder();
  const rejected: Record<string, number> = {};
  const ctx: StageContext = {
    rank: 0,
    world: 1,
    stage: 'fetch',
    stats: stats.stage('fetch'),
    signal: new AbortController().signal,
    log: silentLogger,
    strict: false,
    reject: (_doc, reason) => void (rejected[reason] = (rejected[reason] ?? 0) + 1),
    duplicate: () => undefined,
  };
  const stage = fetchStage.build(fetchStage.params.parse(args.params), { workDir: join(args.outDir, 'work'), world: 1, configDir: '.', outputDir: args.outDir, log: silentLogger });
  const built = await stage;
  if (built.kind !== 'stream') throw new Error('fetch is a stream stage');
  async function* docs(): AsyncIterable<Doc> {
    for (let i = 0; i < args.perHost; i++) {
      for (const base of args.bases) {
        const url = `${base}/${args.kind}/${i}`;
        yield { id: `${base}#${i}`, text: url, source: 'links', meta: { url } };
      }
    }
  }
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let pages = 0;
  for await (const _ of built.run(docs(), ctx)) pages++;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return {
    pages,
    rejected,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    warcBytes: statSync(join(args.outDir, 'fetched', 'fetch-00000.warc.gz')).size,
    counters: stats.stats.stages['fetch']?.counters ?? {},
  };
}

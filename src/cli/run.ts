import { availableParallelism } from 'node:os';
import { runPipeline } from '../runner/run.js';
import { intOption, stringOption } from './args.js';
import type { Command } from './command.js';
import { renderStats } from './render-stats.js';

export const runCommand: Command = {
  spec: {
    name: 'run',
    usage: 'sluice run <pipeline.yaml> [--out DIR] [--workers N] [--rank R --world W [--phase P]] [--strict] [--fresh]',
    summary: 'Run a pipeline: read the inputs, apply the stages, write shards, manifest, stats and rejects. A rerun resumes: finished tasks are skipped.',
    options: {
      out: { type: 'string', short: 'o' },
      workers: { type: 'string', short: 'j' },
      rank: { type: 'string' },
      world: { type: 'string' },
      phase: { type: 'string' },
      strict: { type: 'boolean' },
      fresh: { type: 'boolean' },
      worker: { type: 'boolean' },
    },
    help: [
      '-o, --out DIR         output directory (overrides output.dir)',
      `-j, --workers N       parallel worker processes (default: CPU cores, here ${availableParallelism()})`,
      '--rank R --world W    run only task R of W, as a scheduler array task would',
      '--phase P             with --rank: which phase (see `sluice validate` for the list)',
      '--strict              fail on the first bad input record instead of rejecting it',
      '--fresh               delete the output directory first instead of resuming',
    ],
  },
  async run(args, io) {
    const [pipelineFile, ...extra] = args.positionals;
    if (!pipelineFile || extra.length > 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
    const rank = intOption(args.values, 'rank');
    const world = intOption(args.values, 'world');
    if (rank !== undefined && world === undefined) {
      io.log.error('--rank needs --world');
      return 2;
    }
    const controller = new AbortController();
    const stop = (): void => controller.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // a worker whose parent died (even by SIGKILL) must not finish its task unobserved
    const orphaned = (): never => process.exit(1);
    if (args.values['worker']) process.once('disconnect', orphaned);
    const out = stringOption(args.values, 'out');
    const workers = intOption(args.values, 'workers');
    const phase = stringOption(args.values, 'phase');
    const result = await runPipeline({
      pipelineFile,
      ...(out !== undefined ? { out } : {}),
      ...(workers !== undefined ? { workers } : {}),
      ...(rank !== undefined ? { rank } : {}),
      ...(world !== undefined ? { world } : {}),
      ...(phase !== undefined ? { phase } : {}),
      strict: Boolean(args.values['strict']),
      fresh: Boolean(args.values['fresh']),
      worker: Boolean(args.values['worker']),
      log: io.log,
      signal: controller.signal,
    }).finally(() => process.off('disconnect', orphaned));
    if (result.report) {
      io.out(renderStats(result.report.stats));
      io.out(`\nwrote ${result.report.manifest.shards.length} shard(s), ${result.report.manifest.rows.toLocaleString('en-US')} rows to ${result.prepared.layout.dir}`);
    }
    return 0;
  },
};

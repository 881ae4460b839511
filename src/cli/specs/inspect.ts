import type { CommandSpec } from '../args.js';

/** `sluice inspect`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'inspect',
  usage: 'sluice inspect <shard.parquet | rejects file or dir> [--limit N] [--reason R] [--json]',
  summary: 'Print documents from a shard, or rejected documents with their stage and reason.',
  options: { limit: { type: 'string', short: 'n' }, reason: { type: 'string' }, json: { type: 'boolean' } },
  help: ['-n, --limit N         documents to print (default 10)', '--reason R            only rejects with this reason', '--json                one JSON object per line, full text'],
};

import type { CommandSpec } from '../args.js';

/** `sluice schema`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'schema',
  usage: 'sluice schema',
  summary: 'Print the JSON Schema of pipeline files (for editor completion; pipelines/sluice.schema.json is this output).',
  options: {},
  help: [],
};

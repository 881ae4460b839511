import { pipelineJsonSchema } from '../config/json-schema.js';
import type { Command } from './command.js';

export const schemaCommand: Command = {
  spec: {
    name: 'schema',
    usage: 'sluice schema',
    summary: 'Print the JSON Schema of pipeline files (for editor completion; pipelines/sluice.schema.json is this output).',
    options: {},
    help: [],
  },
  async run(_args, io) {
    io.out(JSON.stringify(pipelineJsonSchema(), null, 2));
    return 0;
  },
};

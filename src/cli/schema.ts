import type { ParsedArgs } from './args.js';
import { pipelineJsonSchema } from '../config/json-schema.js';
import type { CliIO } from './command.js';

/** `sluice schema` (options and help in specs/schema.ts). */
export async function run(_args: ParsedArgs, io: CliIO): Promise<number> {
  io.out(JSON.stringify(pipelineJsonSchema(), null, 2));
  return 0;
}

import type { CommandSpec } from '../args.js';

/** `sluice validate`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'validate',
  usage: 'sluice validate <pipeline.yaml>',
  summary: 'Check a pipeline without running it: schema, stage parameters, and that every input path exists. Prints the plan.',
  options: {},
  help: [],
};

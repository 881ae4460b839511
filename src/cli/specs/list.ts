import type { CommandSpec } from '../args.js';

/** `sluice list`: usage, options and help, loaded without the command's implementation (commands.ts). */
export const spec: CommandSpec = {
  name: 'list',
  usage: 'sluice list [readers|stages] [PIPELINE.yaml | --pipeline PIPELINE.yaml]',
  summary: "List the readers and stages a pipeline can use, with every parameter and its default; with a pipeline, also its plugins' (marked with the plugin).",
  options: { pipeline: { type: 'string' } },
  help: ['--pipeline FILE       also load the plugins FILE lists and show their readers and stages (same as a FILE argument)'],
};

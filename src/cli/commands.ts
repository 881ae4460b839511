import type { ParsedArgs } from './args.js';
import type { CliIO, Command } from './command.js';
import { spec as classifierSpec } from './specs/classifier.js';
import { spec as cleanSpec } from './specs/clean.js';
import { spec as exportSpec } from './specs/export.js';
import { spec as inspectSpec } from './specs/inspect.js';
import { spec as listSpec } from './specs/list.js';
import { spec as loaderSpec } from './specs/loader.js';
import { spec as reportSpec } from './specs/report.js';
import { spec as runSpec } from './specs/run.js';
import { spec as schemaSpec } from './specs/schema.js';
import { spec as statsSpec } from './specs/stats.js';
import { spec as tokenizerSpec } from './specs/tokenizer.js';
import { spec as validateSpec } from './specs/validate.js';
import { spec as verifySpec } from './specs/verify.js';

type CommandModule = { run(args: ParsedArgs, io: CliIO): Promise<number> };

/**
 * A command whose implementation is imported only when it runs: `sluice --help`, `sluice X --help`
 * and a mistyped command then load the specs alone, not the readers, stages and tokenizer tables
 * (about 1 s of CPU), and each command loads only what it uses.
 */
function lazy(spec: Command['spec'], load: () => Promise<CommandModule>): Command {
  return { spec, run: async (args, io) => (await load()).run(args, io) };
}

/** Every `sluice <command>`, in the order --help lists them. */
export const commands: readonly Command[] = [
  lazy(runSpec, () => import('./run.js')),
  lazy(validateSpec, () => import('./validate.js')),
  lazy(statsSpec, () => import('./stats.js')),
  lazy(reportSpec, () => import('./report.js')),
  lazy(verifySpec, () => import('./verify.js')),
  lazy(cleanSpec, () => import('./clean.js')),
  lazy(inspectSpec, () => import('./inspect.js')),
  lazy(listSpec, () => import('./list.js')),
  lazy(schemaSpec, () => import('./schema.js')),
  lazy(loaderSpec, () => import('./loader.js')),
  lazy(exportSpec, () => import('./export.js')),
  lazy(tokenizerSpec, () => import('./tokenizer.js')),
  lazy(classifierSpec, () => import('./classifier.js')),
];

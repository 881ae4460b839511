import type { Command } from './command.js';
import { inspectCommand } from './inspect.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { statsCommand } from './stats.js';
import { tokenizerCommand } from './tokenizer.js';
import { validateCommand } from './validate.js';

/** Every `sluice <command>`, in the order --help lists them. */
export const commands: readonly Command[] = [runCommand, validateCommand, statsCommand, inspectCommand, schemaCommand, tokenizerCommand];

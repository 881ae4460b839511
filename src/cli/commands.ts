import type { Command } from './command.js';
import { exportCommand } from './export.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { loaderCommand } from './loader.js';
import { runCommand } from './run.js';
import { schemaCommand } from './schema.js';
import { statsCommand } from './stats.js';
import { tokenizerCommand } from './tokenizer.js';
import { validateCommand } from './validate.js';
import { verifyCommand } from './verify.js';

/** Every `sluice <command>`, in the order --help lists them. */
export const commands: readonly Command[] = [runCommand, validateCommand, statsCommand, verifyCommand, inspectCommand, listCommand, schemaCommand, loaderCommand, exportCommand, tokenizerCommand];

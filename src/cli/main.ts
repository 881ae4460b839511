#!/usr/bin/env node
import { reportableError } from '../core/system-error.js';
import { createLogger, logLevelFromEnv } from '../core/log.js';
import { helpText, parseCommand } from './args.js';
import type { Command, CliIO } from './command.js';
import { commands } from './commands.js';

const USAGE_CODES = new Set([
  'SLUICE_USAGE',
  'SLUICE_CONFIG_INVALID',
  'SLUICE_CONFIG_UNKNOWN_KEY',
  'SLUICE_CONFIG_PARSE',
  'SLUICE_PLUGIN',
  'SLUICE_INPUT_MISSING',
  'SLUICE_INPUT_NO_MATCH',
  'SLUICE_RESUME_MISMATCH',
  'SLUICE_INPUT_CHANGED',
]);

function topHelp(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.spec.name.length));
  return [
    'sluice: a streaming preprocessing pipeline that turns raw text into LLM pretraining data',
    '',
    'usage: sluice <command> [options]   (sluice <command> --help for details)',
    '',
    'commands:',
    ...list.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary.split('. ')[0]!.replace(/\.$/, '')}`),
  ].join('\n');
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    io.out('sluice 0.1.0');
    return 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  if (!command) {
    io.log.error(`unknown command "${name}"\n\n${topHelp(commands)}`);
    return 2;
  }
  try {
    const args = parseCommand(command.spec, rest);
    if (args.values['help']) {
      io.out(helpText(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    const reportable = reportableError(err);
    if (reportable) {
      io.log.error(reportable.describe());
      return USAGE_CODES.has(reportable.code) ? 2 : 1;
    }
    io.log.error(`internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return 1;
  }
}

const io: CliIO = { out: (text) => process.stdout.write(text + '\n'), log: createLogger(logLevelFromEnv()) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // a worker's IPC channel would keep it alive after its task
    if (process.connected) process.disconnect();
  },
  (err: unknown) => {
    process.stderr.write(`fatal: ${String(err)}\n`);
    process.exitCode = 1;
  },
);

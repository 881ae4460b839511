#!/usr/bin/env node
import { SluiceError } from '../core/errors.js';
import { closest } from '../core/suggest.js';
import { createLogger, logLevelFromEnv } from '../core/log.js';
import { helpText, parseCommand } from './args.js';
import type { Command, CliIO } from './command.js';
import { commands } from './commands.js';
import { EXIT_STATUSES } from './exit-codes.js';
import { reportError } from './report-error.js';

function topHelp(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.spec.name.length));
  return [
    'sluice: a streaming preprocessing pipeline that turns raw text into LLM pretraining data',
    '',
    'usage: sluice <command> [options]   (sluice <command> --help for details)',
    '',
    'commands:',
    ...list.map((c) => `  ${c.spec.name.padEnd(width)}  ${c.spec.summary.split('. ')[0]!.replace(/\.$/, '')}`),
    '',
    `exit codes: ${EXIT_STATUSES.map((e) => `${e.status} ${e.meaning}`).join('; ')}`,
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
  try {
    const command = commands.find((c) => c.spec.name === name);
    if (!command) throw unknownCommand(name);
    const args = parseCommand(command.spec, rest);
    if (args.values['help']) {
      io.out(helpText(command.spec));
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    return reportError(err, io.err);
  }
}

function unknownCommand(name: string): SluiceError {
  const names = commands.map((c) => c.spec.name);
  const near = closest(name, names);
  return new SluiceError('SLUICE_USAGE', `unknown command "${name}"`, { hint: `${near === undefined ? '' : `did you mean "${near}"? `}commands: ${names.join(', ')} (sluice --help)` });
}

const io: CliIO = {
  out: (text) => process.stdout.write(text + '\n'),
  err: (text) => process.stderr.write(text + '\n'),
  log: createLogger(logLevelFromEnv()),
};
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

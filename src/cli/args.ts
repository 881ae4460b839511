import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SluiceError } from '../core/errors.js';

export interface CommandSpec {
  name: string;
  usage: string;
  summary: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** One line per option for --help, in order. */
  help: string[];
}

export type ParsedArgs = { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };

export function parseCommand(spec: CommandSpec, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...spec.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new SluiceError('SLUICE_USAGE', `${spec.name}: ${(err as Error).message}`, { hint: `usage: ${spec.usage}` });
  }
}

export function helpText(spec: CommandSpec): string {
  return [`usage: ${spec.usage}`, '', spec.summary, '', 'options:', ...spec.help.map((h) => `  ${h}`), '  -h, --help            show this help'].join('\n');
}

export function intOption(values: ParsedArgs['values'], name: string): number | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 0) throw new SluiceError('SLUICE_USAGE', `--${name} must be a non-negative integer (got "${String(v)}")`);
  return n;
}

export function stringOption(values: ParsedArgs['values'], name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(values: ParsedArgs['values'], name: string): string[] | undefined {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
}

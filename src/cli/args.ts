import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SluiceError } from '../core/errors.js';
import { closest } from '../core/suggest.js';

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
    const unknown = unknownOption(err);
    if (unknown !== undefined) throw unknownOptionError(spec, unknown);
    throw usageError(spec, `${spec.name}: ${(err as Error).message}`);
  }
}

/** The flag node:util's parseArgs refused as unknown (`--wokers` of `--wokers=2`), if that was the error. */
function unknownOption(err: unknown): string | undefined {
  if ((err as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  return /Unknown option '([^']+)'/.exec((err as Error).message)?.[1]?.split('=')[0];
}

function unknownOptionError(spec: CommandSpec, flag: string): SluiceError {
  const names = [...Object.keys(spec.options), 'help'];
  const near = flag.startsWith('--') ? closest(flag.slice(2), names) : undefined;
  const list = `\`sluice ${spec.name} --help\` lists its options`;
  return new SluiceError('SLUICE_USAGE', `${spec.name}: unknown option ${flag}`, { hint: near === undefined ? `${list}; usage: ${spec.usage}` : `did you mean --${near}? (${list})` });
}

/** A command line the command cannot run: exit 2, with the usage as the hint. */
export function usageError(spec: CommandSpec, message = `${spec.name}: missing or extra arguments`): SluiceError {
  return new SluiceError('SLUICE_USAGE', message, { hint: `usage: ${spec.usage}` });
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

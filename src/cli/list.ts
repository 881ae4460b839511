import { z } from '../vendor/zod.js';
import { loadPipelinePlugins } from '../config/load.js';
import { SIZE_TITLE } from '../core/size.js';
import { readerRegistry, stageRegistry } from '../registry-loaded.js';
import { stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/list.js';

interface ParamInfo {
  name: string;
  type: string;
  default?: string;
}

function typeOf(schema: Record<string, unknown>): string {
  // a byte size takes a number or a string with a unit; its JSON type alone would say `number | string`
  if (schema['title'] === SIZE_TITLE) return 'size';
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map(String).join(' | ');
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as Record<string, unknown>[]).map(typeOf).join(' | ');
  if (schema['type'] === 'array') return `${typeOf((schema['items'] ?? {}) as Record<string, unknown>)}[]`;
  if (Array.isArray(schema['type'])) return (schema['type'] as unknown[]).map(String).join(' | ');
  return typeof schema['type'] === 'string' ? (schema['type'] as string) : 'any';
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Each parameter of a schema with its type and default, read from the JSON Schema zod generates. */
export function paramsOf(schema: z.ZodType): ParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> };
  return Object.entries(json.properties ?? {}).map(([name, p]) => {
    const type = typeOf(p);
    const fallback = p['default'];
    // a size as a user writes it (256MiB), not as a JSON string
    const shown = type === 'size' && typeof fallback === 'string' ? fallback : JSON.stringify(fallback);
    return { name, type, ...(fallback === undefined ? {} : { default: shorten(shown) }) };
  });
}

function describe(kind: string, name: string, summary: string, params: ParamInfo[]): string {
  const lines = [`${kind} ${name}: ${summary}`];
  for (const p of params) lines.push(`    ${p.name}: ${p.type}${p.default === undefined ? '' : ` = ${p.default}`}`);
  return lines.join('\n');
}

const KINDS = new Set(['readers', 'stages']);

/** `sluice list` (options and help in specs/list.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const positionals = [...args.positionals];
  const what = positionals[0] !== undefined && KINDS.has(positionals[0]) ? positionals.shift() : undefined;
  const fromFlag = stringOption(args.values, 'pipeline');
  const file = fromFlag ?? positionals.shift();
  if (positionals.length > 0 || (fromFlag !== undefined && args.positionals.length > (what === undefined ? 0 : 1))) throw usageError(spec);
  const plugins = file === undefined ? [] : await loadPipelinePlugins(file);
  const visible = new Set(plugins.map((p) => p.id));
  const from = (plugin: { label: string } | undefined): string => (plugin ? ` [plugin ${plugin.label}]` : '');
  const blocks: string[] = [];
  if (what === undefined || what === 'readers') {
    for (const { def: r, plugin } of readerRegistry.entries(visible)) blocks.push(describe('reader', r.name, `${r.summary} (source: ${r.defaultSource})${from(plugin)}`, paramsOf(r.params)));
  }
  if (what === undefined || what === 'stages') {
    for (const { def: s, plugin } of stageRegistry.entries(visible)) blocks.push(describe('stage', s.name, `${s.summary}${from(plugin)}`, paramsOf(s.params)));
  }
  io.out(blocks.join('\n\n'));
  return 0;
}

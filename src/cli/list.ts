import { z } from 'zod';
import { readers, stages } from '../registry.js';
import type { Command } from './command.js';

interface ParamInfo {
  name: string;
  type: string;
  default?: string;
}

function typeOf(schema: Record<string, unknown>): string {
  if (Array.isArray(schema['enum'])) return (schema['enum'] as unknown[]).map(String).join(' | ');
  if (Array.isArray(schema['anyOf'])) return (schema['anyOf'] as Record<string, unknown>[]).map(typeOf).join(' | ');
  if (schema['type'] === 'array') return `${typeOf((schema['items'] ?? {}) as Record<string, unknown>)}[]`;
  // a byte size takes a number or a string: `"type": ["number", "string"]`
  if (Array.isArray(schema['type'])) return (schema['type'] as unknown[]).map(String).join(' | ');
  return typeof schema['type'] === 'string' ? (schema['type'] as string) : 'any';
}

function shorten(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Each parameter of a schema with its type and default, read from the JSON Schema zod generates. */
export function paramsOf(schema: z.ZodType): ParamInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, Record<string, unknown>> };
  return Object.entries(json.properties ?? {}).map(([name, p]) => ({
    name,
    type: typeOf(p),
    ...(p['default'] === undefined ? {} : { default: shorten(JSON.stringify(p['default'])) }),
  }));
}

function describe(kind: string, name: string, summary: string, params: ParamInfo[]): string {
  const lines = [`${kind} ${name}: ${summary}`];
  for (const p of params) lines.push(`    ${p.name}: ${p.type}${p.default === undefined ? '' : ` = ${p.default}`}`);
  return lines.join('\n');
}

export const listCommand: Command = {
  spec: {
    name: 'list',
    usage: 'sluice list [readers|stages]',
    summary: 'List the readers and stages a pipeline can use, with every parameter and its default.',
    options: {},
    help: [],
  },
  async run(args, io) {
    const what = args.positionals[0];
    const blocks: string[] = [];
    if (what === undefined || what === 'readers') {
      for (const r of Object.values(readers)) blocks.push(describe('reader', r.name, `${r.summary} (source: ${r.defaultSource})`, paramsOf(r.params)));
    }
    if (what === undefined || what === 'stages') {
      for (const s of Object.values(stages)) blocks.push(describe('stage', s.name, s.summary, paramsOf(s.params)));
    }
    if (blocks.length === 0) {
      io.log.error(`usage: ${this.spec.usage}`);
      return 2;
    }
    io.out(blocks.join('\n\n'));
    return 0;
  },
};

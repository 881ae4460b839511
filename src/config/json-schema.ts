import { z } from 'zod';
import { readers, stages } from '../registry.js';
import { inputBaseSchema, outputSchema, runnerSchema, stageSourcesSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out['$schema'];
  return out;
}

/** JSON Schema of a pipeline file, generated from the same zod schemas the loader validates with. */
export function pipelineJsonSchema(): JsonSchema {
  const base = toSchema(inputBaseSchema);
  const baseProps = (base['properties'] ?? {}) as Record<string, JsonSchema>;
  const inputVariants = Object.values(readers).map((reader) => {
    const own = toSchema(reader.params);
    return {
      title: `${reader.name} input`,
      description: reader.summary,
      type: 'object',
      properties: { ...baseProps, reader: { const: reader.name }, ...((own['properties'] ?? {}) as Record<string, JsonSchema>) },
      required: ['reader', 'paths'],
      additionalProperties: false,
    };
  });
  const sources = toSchema(stageSourcesSchema);
  const withSources = (params: JsonSchema): JsonSchema =>
    params['type'] === 'object' ? { ...params, properties: { ...((params['properties'] ?? {}) as Record<string, JsonSchema>), sources } } : params;
  const stageVariants = Object.values(stages).map((stage) => ({
    title: stage.name,
    description: stage.summary,
    type: 'object',
    properties: { [stage.name]: { anyOf: [withSources(toSchema(stage.params)), { type: 'null' }] } },
    required: [stage.name],
    additionalProperties: false,
  }));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://sluice.dev/schemas/pipeline.json',
    title: 'sluice pipeline',
    type: 'object',
    required: ['name', 'inputs', 'output'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1 },
      description: { type: 'string' },
      inputs: { type: 'array', minItems: 1, items: { oneOf: inputVariants } },
      stages: { type: 'array', items: { oneOf: stageVariants } },
      output: toSchema(outputSchema),
      runner: toSchema(runnerSchema),
      executor: { type: 'object', description: 'executor settings (see README: Slurm)' },
    },
  };
}

import { z } from '../vendor/zod.js';
import { readerRegistry, stageRegistry } from '../registry-loaded.js';
import { executorSchema, inputBaseSchema, outputSchema, pluginsSchema, runnerSchema, stageSourcesSchema } from './schema.js';

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType): JsonSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete out['$schema'];
  return out;
}

/**
 * JSON Schema of a pipeline file, generated from the same zod schemas the loader validates with.
 * Built-in readers and stages are described exactly; a name that is not built in is accepted as
 * a plugin's (its params are checked when the pipeline loads, by the plugin's own schema).
 */
export function pipelineJsonSchema(): JsonSchema {
  const readers = readerRegistry
    .entries()
    .filter((e) => !e.plugin)
    .map((e) => e.def);
  const stages = stageRegistry
    .entries()
    .filter((e) => !e.plugin)
    .map((e) => e.def);
  const base = toSchema(inputBaseSchema);
  const baseProps = (base['properties'] ?? {}) as Record<string, JsonSchema>;
  const inputVariants: JsonSchema[] = readers.map((reader) => {
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
  const stageVariants: JsonSchema[] = stages.map((stage) => ({
    title: stage.name,
    description: stage.summary,
    type: 'object',
    properties: { [stage.name]: { anyOf: [withSources(toSchema(stage.params)), { type: 'null' }] } },
    required: [stage.name],
    additionalProperties: false,
  }));
  inputVariants.push({
    title: 'plugin input',
    description: "a reader from one of the pipeline's plugins; its own keys are checked by the plugin when the pipeline loads",
    type: 'object',
    properties: { ...baseProps, reader: { type: 'string', not: { enum: readers.map((r) => r.name) } } },
    required: ['reader', 'paths'],
  });
  stageVariants.push({
    title: 'plugin stage',
    description: "a stage from one of the pipeline's plugins; its params are checked by the plugin when the pipeline loads",
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    propertyNames: { not: { enum: stages.map((s) => s.name) } },
    additionalProperties: { anyOf: [{ type: 'object' }, { type: 'null' }] },
  });
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
      plugins: toSchema(pluginsSchema),
      inputs: { type: 'array', minItems: 1, items: { oneOf: inputVariants } },
      stages: { type: 'array', items: { oneOf: stageVariants } },
      output: toSchema(outputSchema),
      runner: toSchema(runnerSchema),
      executor: { ...toSchema(executorSchema), description: 'where `sluice run` runs the tasks: locally, or as Slurm job arrays (README: Slurm)' },
    },
  };
}

import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { SluiceError } from '../core/errors.js';
import { readers, stages } from '../registry.js';
import {
  INPUT_BASE_KEYS,
  executorSchema,
  TOP_LEVEL_KEYS,
  inputBaseSchema,
  outputSchema,
  runnerSchema,
  stageSourcesSchema,
  STAGE_RUNNER_KEYS,
  type InputConfig,
  type PipelineConfig,
  type StageConfig,
} from './schema.js';
import { slurmOptionsSchema } from './slurm.js';
import { suggestionHint } from './suggest.js';

type PathSegment = string | number;

interface ConfigIssue {
  path: PathSegment[];
  message: string;
  hint?: string;
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out === '' ? seg : `.${seg}`;
  return out === '' ? '(top level)' : out;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PathSegment, unknown>)[seg];
  }
  return v;
}

/**
 * Turns zod issues into config issues rooted at `base`, naming the offending value; `validated`
 * is what the schema was given (the value at `base`, as written), where issue paths start.
 */
function zodIssues(error: z.ZodError, base: PathSegment[], validated: unknown, validKeys?: readonly string[]): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const rel = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const path = [...base, ...rel];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ path: [...path, key], message: `unknown key "${key}"`, ...(validKeys ? { hint: suggestionHint(key, validKeys) } : {}) });
      }
      continue;
    }
    const value = valueAt(validated, rel);
    // a refinement may flag a key the user left out (a defaulted min above a max); its message names the value
    const got = value === undefined && issue.code === 'custom' ? 'not set: the default applies' : `got ${describeValue(value)}`;
    out.push({ path, message: `${issue.message} (${got})` });
  }
  return out;
}

function objectKeys(schema: z.ZodType): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape as Record<string, unknown>) : [];
}

/** Valid keys for an unknown-key hint in `executor:`: its own, or `executor.slurm`'s. */
function executorKeys(error: z.ZodError): string[] {
  const nested = error.issues.some((i) => i.code === 'unrecognized_keys' && i.path[0] === 'slurm');
  return nested ? objectKeys(slurmOptionsSchema) : objectKeys(executorSchema);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validateInput(raw: unknown, index: number, issues: ConfigIssue[]): InputConfig | undefined {
  const path: PathSegment[] = ['inputs', index];
  if (!isPlainObject(raw)) {
    issues.push({ path, message: `an input must be a mapping with reader and paths (got ${describeValue(raw)})` });
    return undefined;
  }
  const readerName = raw['reader'];
  const reader = typeof readerName === 'string' ? readers[readerName] : undefined;
  const base = inputBaseSchema.safeParse(Object.fromEntries(INPUT_BASE_KEYS.map((k) => [k, raw[k]])));
  if (!base.success) issues.push(...zodIssues(base.error, path, raw));
  if (typeof readerName === 'string' && reader === undefined) {
    issues.push({ path: [...path, 'reader'], message: `unknown reader "${readerName}"`, hint: suggestionHint(readerName, Object.keys(readers)) });
  }
  if (!reader || !base.success) return undefined;
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!INPUT_BASE_KEYS.includes(k)) own[k] = v;
  const parsed = reader.params.safeParse(own);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, path, own, [...INPUT_BASE_KEYS, ...objectKeys(reader.params)]));
    return undefined;
  }
  return { reader: base.data.reader, paths: base.data.paths, ...(base.data.source ? { source: base.data.source } : {}), ...(base.data.base_url ? { base_url: base.data.base_url } : {}), params: parsed.data as Record<string, unknown> };
}

function validateStage(raw: unknown, index: number, issues: ConfigIssue[], seen: Map<string, number>): StageConfig | undefined {
  const path: PathSegment[] = ['stages', index];
  let name: string;
  let params: unknown;
  if (typeof raw === 'string') {
    name = raw;
    params = {};
  } else if (isPlainObject(raw) && Object.keys(raw).length === 1) {
    name = Object.keys(raw)[0]!;
    params = raw[name] ?? {};
  } else {
    issues.push({ path, message: `a stage must be a mapping with exactly one key, the stage name (got ${describeValue(raw)})`, hint: 'write e.g. `- length: {min_chars: 200}`' });
    return undefined;
  }
  let sources: string[] | undefined;
  if (isPlainObject(params) && 'sources' in params) {
    const { sources: rawSources, ...rest } = params;
    const parsed = stageSourcesSchema.safeParse(rawSources);
    if (!parsed.success) issues.push({ path: [...path, name, 'sources'], message: `sources must be a non-empty list of source labels (got ${describeValue(rawSources)})` });
    else sources = parsed.data;
    params = rest;
  }
  const def = stages[name];
  if (!def) {
    issues.push({ path: [...path, name], message: `unknown stage "${name}"`, hint: suggestionHint(name, Object.keys(stages)) });
    return undefined;
  }
  const parsed = def.params.safeParse(params);
  if (!parsed.success) {
    const base = [...path, name];
    issues.push(...zodIssues(parsed.error, base, params, [...objectKeys(def.params), ...STAGE_RUNNER_KEYS]));
    return undefined;
  }
  const count = (seen.get(name) ?? 0) + 1;
  seen.set(name, count);
  const config: StageConfig = { stage: name, id: count === 1 ? name : `${name}#${count}`, params: parsed.data };
  if (sources) config.sources = sources;
  return config;
}

function isNode(v: unknown): v is { range?: [number, number, number] } {
  return typeof v === 'object' && v !== null && 'range' in v;
}

/** line:col of the deepest node on `path` that exists in the YAML document. */
function locate(doc: Document, counter: LineCounter, path: PathSegment[]): string {
  for (let n = path.length; n > 0; n--) {
    const node: unknown = doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = counter.linePos(node.range[0]);
      return `${pos.line}:${pos.col}`;
    }
  }
  return '1:1';
}

/** Parses and validates a pipeline file's text; every problem is reported, each with its YAML path. */
export function parsePipeline(text: string, file: string): PipelineConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = counter.linePos(e.pos[0]);
    throw new SluiceError('SLUICE_CONFIG_PARSE', `${file}:${pos.line}:${pos.col}: YAML syntax error: ${e.message.split('\n')[0]}`, {
      file,
      record: `${pos.line}:${pos.col}`,
    });
  }
  const root: unknown = doc.toJS();
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(root)) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${file}: a pipeline must be a YAML mapping with name, inputs, stages and output`, { file });
  }
  for (const key of Object.keys(root)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: [key], message: `unknown key "${key}"`, hint: suggestionHint(key, TOP_LEVEL_KEYS) });
    }
  }
  const name = root['name'];
  if (typeof name !== 'string' || name.length === 0) issues.push({ path: ['name'], message: `name must be a non-empty string (got ${describeValue(name)})` });

  const inputs: InputConfig[] = [];
  const rawInputs = root['inputs'];
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) {
    issues.push({ path: ['inputs'], message: `inputs must be a non-empty list (got ${describeValue(rawInputs)})`, hint: 'e.g. inputs: [{reader: jsonl, paths: ["data/*.jsonl.gz"]}]' });
  } else {
    rawInputs.forEach((raw, i) => {
      const input = validateInput(raw, i, issues);
      if (input) inputs.push(input);
    });
  }

  const stageConfigs: StageConfig[] = [];
  const rawStages = root['stages'] ?? [];
  if (!Array.isArray(rawStages)) {
    issues.push({ path: ['stages'], message: `stages must be a list (got ${describeValue(rawStages)})` });
  } else {
    const seen = new Map<string, number>();
    rawStages.forEach((raw, i) => {
      const stage = validateStage(raw, i, issues, seen);
      if (stage) stageConfigs.push(stage);
    });
  }

  const output = outputSchema.safeParse(root['output']);
  if (!output.success) issues.push(...zodIssues(output.error, ['output'], root['output'], objectKeys(outputSchema)));
  const runner = runnerSchema.safeParse(root['runner'] ?? {});
  if (!runner.success) issues.push(...zodIssues(runner.error, ['runner'], root['runner'], objectKeys(runnerSchema)));
  const executor = executorSchema.safeParse(root['executor'] ?? {});
  if (!executor.success) issues.push(...zodIssues(executor.error, ['executor'], root['executor'], executorKeys(executor.error)));

  if (issues.length > 0) {
    const lines = issues.map((i) => `${file}:${locate(doc, counter, i.path)}: ${formatPath(i.path)}: ${i.message}${i.hint ? `\n    hint: ${i.hint}` : ''}`);
    const first = issues[0]!;
    throw new SluiceError('SLUICE_CONFIG_INVALID', `invalid pipeline ${file} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, {
      file,
      path: formatPath(first.path),
      ...(first.hint ? { hint: first.hint } : {}),
    });
  }
  return {
    name: name as string,
    inputs,
    stages: stageConfigs,
    output: output.data!,
    runner: runner.data!,
    executor: executor.data!,
  };
}

export interface LoadedPipeline {
  config: PipelineConfig;
  /** Absolute path of the pipeline file. */
  file: string;
  /** The file's text, recorded in the manifest. */
  text: string;
}

export async function loadPipeline(file: string): Promise<LoadedPipeline> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SluiceError('SLUICE_CONFIG_PARSE', `cannot read pipeline file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, {
      file,
      hint: 'pipelines live under pipelines/, e.g. `sluice run pipelines/default.yaml`',
    });
  }
  return { config: parsePipeline(text, file), file: resolve(file), text };
}

export function configDir(loaded: LoadedPipeline): string {
  return dirname(loaded.file);
}

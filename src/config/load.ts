import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, parseDocument, stringify, type Document } from '../vendor/yaml.js';
import type { z } from '../vendor/zod.js';
import { SluiceError } from '../core/errors.js';
import { loadPlugins, type LoadedPlugin } from '../plugins/load.js';
import { noteInstance } from '../plugins/wrap.js';
import { loadBuiltins, readerRegistry, stageRegistry } from '../registry.js';
import {
  INPUT_BASE_KEYS,
  executorSchema,
  TOP_LEVEL_KEYS,
  inputBaseSchema,
  outputSchema,
  pluginsSchema,
  runnerSchema,
  stageSourcesSchema,
  STAGE_RUNNER_KEYS,
  type InputConfig,
  type PipelineConfig,
  type StageConfig,
} from './schema.js';
import { slurmOptionsSchema } from './slurm.js';
import { suggestionHint } from '../core/suggest.js';

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
  // duck-typed: a plugin's schema may come from another copy of zod
  const shape = (schema as { shape?: unknown }).shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : [];
}

/** Valid keys for an unknown-key hint in `executor:`: its own, or `executor.slurm`'s. */
function executorKeys(error: z.ZodError): string[] {
  const nested = error.issues.some((i) => i.code === 'unrecognized_keys' && i.path[0] === 'slurm');
  return nested ? objectKeys(slurmOptionsSchema) : objectKeys(executorSchema);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Plugin ids (resolved module URLs) whose stages and readers a pipeline may use: those it lists. */
type Visible = ReadonlySet<string>;

/** Hint for a name that is unknown to this pipeline: the nearest names, or the plugin that has it. */
function unknownHint(kind: 'stage' | 'reader', name: string, visible: Visible): string {
  const registry = kind === 'stage' ? stageRegistry : readerRegistry;
  const owner = registry.pluginOf(name);
  if (owner && !visible.has(owner.id)) return `${kind} "${name}" comes from plugin ${owner.label} (${owner.path}); add it to this pipeline's plugins:`;
  return suggestionHint(name, registry.names(visible));
}

function validateInput(raw: unknown, index: number, issues: ConfigIssue[], visible: Visible): InputConfig | undefined {
  const path: PathSegment[] = ['inputs', index];
  if (!isPlainObject(raw)) {
    issues.push({ path, message: `an input must be a mapping with reader and paths (got ${describeValue(raw)})` });
    return undefined;
  }
  const readerName = raw['reader'];
  const reader = typeof readerName === 'string' ? readerRegistry.get(readerName, visible) : undefined;
  const base = inputBaseSchema.safeParse(Object.fromEntries(INPUT_BASE_KEYS.map((k) => [k, raw[k]])));
  if (!base.success) issues.push(...zodIssues(base.error, path, raw));
  if (typeof readerName === 'string' && reader === undefined) {
    issues.push({ path: [...path, 'reader'], message: `unknown reader "${readerName}"`, hint: unknownHint('reader', readerName, visible) });
  }
  if (!reader || !base.success) return undefined;
  const own: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) if (!INPUT_BASE_KEYS.includes(k)) own[k] = v;
  const parsed = reader.params.safeParse(own);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, path, own, [...INPUT_BASE_KEYS, ...objectKeys(reader.params)]));
    return undefined;
  }
  return {
    reader: base.data.reader,
    paths: base.data.paths,
    ...(base.data.source ? { source: base.data.source } : {}),
    ...(base.data.base_url ? { base_url: base.data.base_url } : {}),
    params: parsed.data as Record<string, unknown>,
  };
}

/** A `stages:` item's name and params: `- name` or `- name: {params}`; undefined for any other shape. */
function stageEntry(raw: unknown): { name: string; params: unknown } | undefined {
  if (typeof raw === 'string') return { name: raw, params: {} };
  if (!isPlainObject(raw) || Object.keys(raw).length !== 1) return undefined;
  const name = Object.keys(raw)[0]!;
  return { name, params: raw[name] ?? {} };
}

function validateStage(raw: unknown, index: number, issues: ConfigIssue[], seen: Map<string, number>, visible: Visible): StageConfig | undefined {
  const path: PathSegment[] = ['stages', index];
  const entry = stageEntry(raw);
  if (!entry) {
    issues.push({ path, message: `a stage must be a mapping with exactly one key, the stage name (got ${describeValue(raw)})`, hint: 'write e.g. `- length: {min_chars: 200}`' });
    return undefined;
  }
  const name = entry.name;
  let params = entry.params;
  let sources: string[] | undefined;
  if (isPlainObject(params) && 'sources' in params) {
    const { sources: rawSources, ...rest } = params;
    const parsed = stageSourcesSchema.safeParse(rawSources);
    if (!parsed.success) issues.push({ path: [...path, name, 'sources'], message: `sources must be a non-empty list of source labels (got ${describeValue(rawSources)})` });
    else sources = parsed.data;
    params = rest;
  }
  const def = stageRegistry.get(name, visible);
  if (!def) {
    issues.push({ path: [...path, name], message: `unknown stage "${name}"`, hint: unknownHint('stage', name, visible) });
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
  // a plugin's build errors name the instance; the runner hands build this same params object
  if (stageRegistry.pluginOf(name)) noteInstance(parsed.data, config.id);
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

/** A pipeline as parsed, before validation, and how to name a place in it in messages. */
interface RawPipeline {
  root: unknown;
  /** `file:line:col` (YAML) or the object's label for a config path. */
  where(path: PathSegment[]): string;
}

function parseYaml(text: string, file: string): RawPipeline {
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
  return { root: doc.toJS() as unknown, where: (path) => `${file}:${locate(doc, counter, path)}` };
}

/** The `plugins:` entries when they are well-formed (a list of non-empty strings); validation reports them otherwise. */
function pluginSpecs(root: unknown): string[] {
  if (!isPlainObject(root)) return [];
  const parsed = pluginsSchema.safeParse(root['plugins'] ?? []);
  return parsed.success ? parsed.data : [];
}

/** The reader and stage names a parsed pipeline uses, as written (validation judges them). */
function namesIn(root: unknown): { readers: string[]; stages: string[] } {
  const out = { readers: [] as string[], stages: [] as string[] };
  if (!isPlainObject(root)) return out;
  const inputs = root['inputs'];
  const stages = root['stages'];
  if (Array.isArray(inputs)) for (const i of inputs) if (isPlainObject(i) && typeof i['reader'] === 'string') out.readers.push(i['reader']);
  if (Array.isArray(stages)) {
    for (const st of stages) {
      const entry = stageEntry(st);
      if (entry) out.stages.push(entry.name);
    }
  }
  return out;
}

/** Plugins first (their names may not clash with built-ins), then the built-ins the pipeline names. */
async function loadDefinitionsOf(raw: RawPipeline, baseDir: string): Promise<LoadedPlugin[]> {
  const plugins = await loadPluginsOf(raw, baseDir);
  await loadBuiltins(namesIn(raw.root));
  return plugins;
}

/** Loads the plugins a pipeline lists, from `baseDir`; a failure names the entry and where the pipeline lists it. */
async function loadPluginsOf(raw: RawPipeline, baseDir: string): Promise<LoadedPlugin[]> {
  const specs = pluginSpecs(raw.root);
  try {
    return await loadPlugins(specs, baseDir);
  } catch (err) {
    if (!(err instanceof SluiceError)) throw err;
    const index = specs.findIndex((s) => err.message.startsWith(`plugin ${s} `) || err.message.startsWith(`plugin ${s}:`));
    const at = index < 0 ? ['plugins'] : ['plugins', index];
    throw new SluiceError(err.code, `${raw.where(at)}: ${formatPath(at)}: ${err.message}`, {
      ...(err.file === undefined ? {} : { file: err.file }),
      path: formatPath(at),
      ...(err.hint === undefined ? {} : { hint: err.hint }),
      cause: err.cause ?? err,
    });
  }
}

/** Validates a parsed pipeline; every problem is reported, each with its path. */
function validatePipeline(raw: RawPipeline, label: string, plugins: readonly LoadedPlugin[]): PipelineConfig {
  const { root } = raw;
  const visible: Visible = new Set(plugins.map((p) => p.id));
  const issues: ConfigIssue[] = [];
  if (!isPlainObject(root)) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `${label}: a pipeline must be a mapping with name, inputs, stages and output`, { file: label });
  }
  for (const key of Object.keys(root)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      issues.push({ path: [key], message: `unknown key "${key}"`, hint: suggestionHint(key, TOP_LEVEL_KEYS) });
    }
  }
  const name = root['name'];
  if (typeof name !== 'string' || name.length === 0) issues.push({ path: ['name'], message: `name must be a non-empty string (got ${describeValue(name)})` });

  const pluginList = pluginsSchema.safeParse(root['plugins'] ?? []);
  if (!pluginList.success)
    issues.push({ path: ['plugins'], message: `plugins must be a list of module paths or package names (got ${describeValue(root['plugins'])})`, hint: 'e.g. plugins: [./plugins/my-stages.js]' });

  const inputs: InputConfig[] = [];
  const rawInputs = root['inputs'];
  if (!Array.isArray(rawInputs) || rawInputs.length === 0) {
    issues.push({ path: ['inputs'], message: `inputs must be a non-empty list (got ${describeValue(rawInputs)})`, hint: 'e.g. inputs: [{reader: jsonl, paths: ["data/*.jsonl.gz"]}]' });
  } else {
    rawInputs.forEach((rawInput, i) => {
      const input = validateInput(rawInput, i, issues, visible);
      if (input) inputs.push(input);
    });
  }

  const stageConfigs: StageConfig[] = [];
  const rawStages = root['stages'] ?? [];
  if (!Array.isArray(rawStages)) {
    issues.push({ path: ['stages'], message: `stages must be a list (got ${describeValue(rawStages)})` });
  } else {
    const seen = new Map<string, number>();
    rawStages.forEach((rawStage, i) => {
      const stage = validateStage(rawStage, i, issues, seen, visible);
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
    const lines = issues.map((i) => `${raw.where(i.path)}: ${formatPath(i.path)}: ${i.message}${i.hint ? `\n    hint: ${i.hint}` : ''}`);
    const first = issues[0]!;
    throw new SluiceError('SLUICE_CONFIG_INVALID', `invalid pipeline ${label} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, {
      file: label,
      path: formatPath(first.path),
      ...(first.hint ? { hint: first.hint } : {}),
    });
  }
  return {
    name: name as string,
    ...(pluginList.success && pluginList.data.length > 0 ? { plugins: pluginList.data } : {}),
    inputs,
    stages: stageConfigs,
    output: output.data!,
    runner: runner.data!,
    executor: executor.data!,
  };
}

/**
 * Parses and validates a pipeline file's text; every problem is reported, each with its YAML
 * path. Synchronous, so it loads nothing: the built-ins it names must be loaded (registry.ts
 * `loadBuiltins`; `registry-loaded.ts` loads all) and stages and readers of `plugins` too (pass
 * them), which loadPipeline does.
 */
export function parsePipeline(text: string, file: string, plugins: readonly LoadedPlugin[] = []): PipelineConfig {
  return validatePipeline(parseYaml(text, file), file, plugins);
}

export interface LoadedPipeline {
  config: PipelineConfig;
  /** Absolute path of the pipeline file. */
  file: string;
  /** The file's text, recorded in the manifest. */
  text: string;
  /** The plugins the pipeline lists, loaded and registered. */
  plugins?: LoadedPlugin[];
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
  const raw = parseYaml(text, file);
  const plugins = await loadDefinitionsOf(raw, dirname(resolve(file)));
  return { config: validatePipeline(raw, file, plugins), file: resolve(file), text, plugins };
}

/** Where a pipeline given as an object resolves relative paths (plugins, tokenizers, data files). */
export interface PipelineObjectOptions {
  /** Folder that relative paths resolve against, as a pipeline file's own folder would be (default: the working directory). */
  baseDir?: string;
  /** Name used in messages (default `pipeline object`). */
  label?: string;
}

/**
 * Loads a pipeline given as a plain object (the YAML file's content as data), validated exactly
 * as a file is and its plugins loaded from `baseDir`. `file` of the result is a stand-in path
 * inside `baseDir` (nothing is written); to run it, write it with writePipelineFile.
 */
export async function loadPipelineObject(obj: unknown, opts: PipelineObjectOptions = {}): Promise<LoadedPipeline> {
  const baseDir = resolve(opts.baseDir ?? process.cwd());
  const label = opts.label ?? 'pipeline object';
  const raw: RawPipeline = { root: obj, where: () => label };
  const plugins = await loadDefinitionsOf(raw, baseDir);
  const config = validatePipeline(raw, label, plugins);
  return { config, file: join(baseDir, 'pipeline.yaml'), text: stringify(obj), plugins };
}

/**
 * Validates a pipeline object (its plugins and relative paths resolved from the file's folder)
 * and writes it as YAML to `file`, where runPipeline, its workers and Slurm tasks can load it.
 */
export async function writePipelineFile(obj: unknown, file: string): Promise<LoadedPipeline> {
  const path = resolve(file);
  const loaded = await loadPipelineObject(obj, { baseDir: dirname(path), label: file });
  const text = stringify(obj);
  await writeFile(path, text);
  return { ...loaded, file: path, text };
}

/** Loads only the plugins a pipeline file lists (for `sluice list`): the rest of the file is not validated. */
export async function loadPipelinePlugins(file: string): Promise<LoadedPlugin[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new SluiceError('SLUICE_CONFIG_PARSE', `cannot read pipeline file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file });
  }
  return loadPluginsOf(parseYaml(text, file), dirname(resolve(file)));
}

export function configDir(loaded: LoadedPipeline): string {
  return dirname(loaded.file);
}

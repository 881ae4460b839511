/**
 * Loads the modules a pipeline's `plugins:` names and registers what they define. A module
 * default-exports a definition, a list of them, or `{ stages, readers }`; or it has named
 * exports `stages` and/or `readers` (lists or name → definition records). Definitions are made
 * with defineStage, defineFilter and defineReader (src/index.ts).
 */
import { SluiceError, errorMessage } from '../core/errors.js';
import type { StageDefinition } from '../core/stage.js';
import type { ReaderDefinition } from '../readers/reader.js';
import { readerRegistry, stageRegistry, type PluginRef } from '../registry.js';
import { resolvePlugin } from './resolve.js';
import { ensureTypeScript, isTypeScriptPath } from './tsx.js';
import { wrapReader, wrapStage } from './wrap.js';

/** What one plugin module defines. */
export interface PluginDefinitions {
  stages: StageDefinition[];
  readers: ReaderDefinition[];
}

/** A plugin that is loaded and registered. */
export interface LoadedPlugin extends PluginRef {
  stages: string[];
  readers: string[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const hasSchema = (v: Obj): boolean => isObj(v['params']) && typeof (v['params'] as Obj)['safeParse'] === 'function';

function isStageDefinition(v: unknown): v is StageDefinition {
  return isObj(v) && typeof v['name'] === 'string' && typeof v['build'] === 'function' && hasSchema(v);
}

function isReaderDefinition(v: unknown): v is ReaderDefinition {
  return isObj(v) && typeof v['name'] === 'string' && typeof v['read'] === 'function' && typeof v['defaultSource'] === 'string' && hasSchema(v);
}

function bad(plugin: PluginRef, message: string): SluiceError {
  return new SluiceError('SLUICE_PLUGIN', `plugin ${plugin.label} (${plugin.path}): ${message}`, {
    file: plugin.path,
    hint: 'a plugin default-exports a definition made with defineStage, defineFilter or defineReader, a list of them, or { stages, readers }; or has named exports stages and/or readers',
  });
}

/** Values of a `stages` / `readers` export: a list or a record of definitions. */
function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isObj(value) && !isStageDefinition(value) && !isReaderDefinition(value)) return Object.values(value);
  return [value];
}

/** Sorts a module's exports into stage and reader definitions; anything else where a definition belongs is an error. */
export function definitionsOf(mod: Obj, plugin: PluginRef): PluginDefinitions {
  const out: PluginDefinitions = { stages: [], readers: [] };
  const take = (v: unknown, where: string, want?: 'stage' | 'reader'): void => {
    if (want !== 'reader' && isStageDefinition(v)) out.stages.push(v);
    else if (want !== 'stage' && isReaderDefinition(v)) out.readers.push(v);
    else throw bad(plugin, `${where} is not a ${want ?? 'stage or reader'} definition (got ${Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v})`);
  };
  const named = (value: unknown, key: 'stages' | 'readers', where: string): void => {
    listOf(value).forEach((v, i) => take(v, `${where}${key}[${i}]`, key === 'stages' ? 'stage' : 'reader'));
  };
  const def = mod['default'];
  if (def !== undefined) {
    if (Array.isArray(def)) def.forEach((v, i) => take(v, `the default export's [${i}]`));
    else if (isStageDefinition(def) || isReaderDefinition(def)) take(def, 'the default export');
    else if (isObj(def) && ('stages' in def || 'readers' in def)) {
      if (def['stages'] !== undefined) named(def['stages'], 'stages', "the default export's ");
      if (def['readers'] !== undefined) named(def['readers'], 'readers', "the default export's ");
    } else if (mod['stages'] === undefined && mod['readers'] === undefined) {
      throw bad(plugin, `the default export is neither a definition, a list of them, nor { stages, readers }`);
    }
  }
  if (mod['stages'] !== undefined) named(mod['stages'], 'stages', 'export ');
  if (mod['readers'] !== undefined) named(mod['readers'], 'readers', 'export ');
  // a module that exports both ways lists the same definitions twice
  out.stages = [...new Set(out.stages)];
  out.readers = [...new Set(out.readers)];
  if (out.stages.length === 0 && out.readers.length === 0) throw bad(plugin, 'exports nothing usable: no stage or reader definitions');
  return out;
}

/**
 * Plugin params are checked as strictly as the built-ins': an object schema that would strip
 * unknown keys (zod's default) is made strict, so a misspelt key is an error with a hint.
 */
function strictParams<S>(schema: S): S {
  const s = schema as { strict?: () => unknown; _zod?: { def?: { type?: string; catchall?: unknown } } };
  if (typeof s.strict === 'function' && s._zod?.def?.type === 'object' && s._zod.def.catchall === undefined) return s.strict() as S;
  return schema;
}

async function importPlugin(plugin: PluginRef): Promise<Obj> {
  if (isTypeScriptPath(plugin.path)) await ensureTypeScript();
  try {
    return (await import(plugin.id)) as Obj;
  } catch (err) {
    throw new SluiceError('SLUICE_PLUGIN', `plugin ${plugin.label} (${plugin.path}) failed to import: ${errorMessage(err)}`, {
      file: plugin.path,
      cause: err,
      hint: 'the module threw or could not be loaded; try `node --input-type=module -e "await import(process.argv[1])" <path>` to see its full error',
    });
  }
}

/** Imports one plugin module and registers its stages and readers; loading the same module again is a no-op. */
export async function loadPlugin(plugin: PluginRef): Promise<LoadedPlugin> {
  const defs = definitionsOf(await importPlugin(plugin), plugin);
  for (const def of defs.stages) {
    stageRegistry.register(def, plugin, wrapStage({ ...def, params: strictParams(def.params) }, plugin));
  }
  for (const def of defs.readers) {
    readerRegistry.register(def, plugin, wrapReader({ ...def, params: strictParams(def.params) }, plugin));
  }
  return { ...plugin, stages: defs.stages.map((d) => d.name), readers: defs.readers.map((d) => d.name) };
}

/** Resolves (from `baseDir`, the pipeline file's folder) and loads every entry, in order. */
export async function loadPlugins(specs: readonly string[], baseDir: string): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  for (const spec of specs) out.push(await loadPlugin(resolvePlugin(spec, baseDir)));
  return out;
}

/**
 * A plugin's definitions are wrapped once, when they are registered, so that an error thrown by
 * the plugin's own code (build, a stream stage, a barrier's steps, a reader) reaches the user
 * naming the plugin and the stage instance. The runner sees ordinary definitions and needs no
 * change. Errors that only pass through a plugin stage (thrown upstream, or an abort) are left
 * as they are.
 */
import { basename } from 'node:path';
import type { Doc } from '../core/doc.js';
import { SluiceError, errorMessage, type ErrorDetails } from '../core/errors.js';
import type { Barrier, BuiltStage, GlobalStep, RemovedDocs, Stage, StageDefinition } from '../core/stage.js';
import type { ReaderDefinition } from '../readers/reader.js';
import type { PluginRef } from '../registry.js';

/** Stage instance names by the params object validation produced for them (the runner hands build that same object). */
const instances = new WeakMap<object, string>();

/** Records that `params` (as validated) belong to stage instance `id`, so a build error can name the instance. */
export function noteInstance(params: unknown, id: string): void {
  if (typeof params === 'object' && params !== null) instances.set(params, id);
}

function isSluiceError(err: unknown): err is SluiceError {
  // duck-typed: a plugin importing another copy of sluice throws that copy's class
  return err instanceof Error && err.name === 'SluiceError' && typeof (err as { code?: unknown }).code === 'string';
}

/** `line:col` of the first stack frame inside the plugin's module, if any. */
function frameIn(err: unknown, path: string): string | undefined {
  const stack = err instanceof Error ? err.stack : undefined;
  if (!stack) return undefined;
  for (const line of stack.split('\n')) {
    const i = line.indexOf(path);
    if (i < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(i + path.length));
    if (m) return `${m[1]}:${m[2]}`;
  }
  return undefined;
}

/** The error to throw instead of `err`, which plugin code threw while `what` ran. */
export function pluginError(err: unknown, plugin: PluginRef, what: string): SluiceError {
  const where = `plugin ${plugin.label}, ${what}`;
  if (isSluiceError(err)) {
    const details: ErrorDetails = { cause: err };
    if (err.hint !== undefined) details.hint = err.hint;
    if (err.path !== undefined) details.path = err.path;
    if (err.file !== undefined) details.file = err.file;
    if (err.record !== undefined) details.record = err.record;
    return new SluiceError(err.code, `${where}: ${err.message}`, details);
  }
  const frame = frameIn(err, plugin.path);
  const name = err instanceof Error && err.name !== 'Error' ? `${err.name}: ` : '';
  return new SluiceError('SLUICE_PLUGIN_FAILED', `${where} failed: ${name}${errorMessage(err)}`, {
    cause: err,
    file: plugin.path,
    ...(frame === undefined ? {} : { record: frame }),
    hint: "the plugin's own code threw this (at the location above when the stack shows it), not sluice",
  });
}

/** Marks errors that come from the documents flowing in, so a plugin stage does not take the blame for them. */
const passedThrough = new WeakSet<object>();

async function* marked(docs: AsyncIterable<Doc>): AsyncIterable<Doc> {
  try {
    yield* docs;
  } catch (err) {
    if (typeof err === 'object' && err !== null) passedThrough.add(err);
    throw err;
  }
}

function guardStage(run: Stage, plugin: PluginRef, part: string): Stage {
  return async function* (docs, ctx) {
    try {
      yield* run(marked(docs), ctx);
    } catch (err) {
      if (ctx.signal.aborted || (typeof err === 'object' && err !== null && passedThrough.has(err))) throw err;
      throw pluginError(err, plugin, `stage "${ctx.stage}"${part}`);
    }
  };
}

function guardStep(step: GlobalStep, plugin: PluginRef, instance: string): GlobalStep {
  return {
    name: step.name,
    tasks: (world) => step.tasks(world),
    async run(rank, tasks, ctx) {
      try {
        await step.run(rank, tasks, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw pluginError(err, plugin, `stage "${instance}" (step ${step.name}, task ${rank})`);
      }
    },
  };
}

function guardBuilt(built: BuiltStage, plugin: PluginRef, instance: string): BuiltStage {
  if (built.kind === 'stream') return { ...built, run: guardStage(built.run, plugin, '') };
  return { ...built, barrier: guardBarrier(built.barrier, plugin, instance) };
}

function guardBarrier(b: Barrier, plugin: PluginRef, instance: string): Barrier {
  const after = b.after?.bind(b);
  return {
    collect: guardStage(b.collect, plugin, ' (collect)'),
    steps: b.steps.map((s) => guardStep(s, plugin, instance)),
    apply: guardStage(b.apply, plugin, ' (apply)'),
    // a plugin barrier that can run fused after others (core/stage.ts) stays fusible
    ...(b.removed === undefined ? {} : { removed: b.removed }),
    ...(after === undefined ? {} : { after: (upstream: RemovedDocs) => guardBarrier(after(upstream), plugin, instance) }),
  };
}

/** The stage definition the registry holds for a plugin's `def`: same name, summary and params; build and run name the plugin on error. */
export function wrapStage(def: StageDefinition, plugin: PluginRef): StageDefinition {
  return {
    name: def.name,
    summary: def.summary,
    params: def.params,
    async build(params, env) {
      const instance = (typeof params === 'object' && params !== null ? instances.get(params) : undefined) ?? basename(env.workDir);
      let built: BuiltStage;
      try {
        built = await def.build(params, env);
      } catch (err) {
        throw pluginError(err, plugin, `stage "${instance}" (build)`);
      }
      return guardBuilt(built, plugin, instance);
    },
  };
}

/** The reader definition the registry holds for a plugin's `def`: errors from `read` name the plugin, the reader and the input. */
export function wrapReader(def: ReaderDefinition, plugin: PluginRef): ReaderDefinition {
  return {
    name: def.name,
    summary: def.summary,
    defaultSource: def.defaultSource,
    params: def.params,
    ...(def.acceptsDirectories === undefined ? {} : { acceptsDirectories: def.acceptsDirectories }),
    async *read(file, params, ctx) {
      try {
        yield* def.read(file, params, ctx);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        throw pluginError(err, plugin, `reader "${def.name}" (input ${file.uri})`);
      }
    },
  };
}

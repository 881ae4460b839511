/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file maps names to definitions: the built-ins below, plus whatever plugins
 * register (src/plugins/) without editing this file.
 *
 * Built-ins are loaded when first named: loading a pipeline loads the readers and stages it uses
 * (`Registry.load`), so a filters-only run, each of its workers and each Slurm task import the
 * jsonl reader and four filters, not the tokenizers, dedup, fetch, classifier and the other
 * readers (about 0.19 s of CPU per process start, measured by importing one set and the other).
 * `registry-loaded.ts` loads them all, for listings and tests.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
import { SluiceError } from './core/errors.js';
// side effects: bzip2 inputs decode through lbzip2 / bzip2 / unbzip2-stream, zstd through the zstd
// command, and http(s) paths open as remote inputs; every command that resolves inputs loads this file
import './io/bzip2.js';
import './io/zstd-cli.js';
import './io/remote-inputs.js';

/** A loaded plugin module: `id` is its resolved file URL (one per module), `label` the entry as the pipeline wrote it. */
export interface PluginRef {
  readonly id: string;
  readonly label: string;
  /** Absolute path of the module file. */
  readonly path: string;
}

/** One registry entry: the definition and, for a plugin's, the plugin it came from. */
export interface RegistryEntry<D> {
  readonly def: D;
  readonly plugin?: PluginRef;
}

/** Imports a built-in's module and returns its definition. */
export type BuiltinLoader<D> = () => Promise<D>;

/**
 * Name → definition for one kind (stages or readers). `table` is the live lookup the runner
 * indexes by name: built-ins enter it once loaded (`load`), plugins' when `register`ed. A
 * plugin's entries are visible to a pipeline only when that pipeline lists the plugin (the
 * `visible` sets below), so a pipeline cannot use a stage that its workers would not load.
 */
export class Registry<D extends { readonly name: string }> {
  /** Live table: every loaded built-in and every registered plugin definition, by name. */
  readonly table: Record<string, D> = {};
  private readonly plugins = new Map<string, { plugin: PluginRef; original: D }>();
  /** Built-in names in their listing order, and the loaders of those not loaded yet. */
  private readonly builtinNames: readonly string[];
  private readonly pending: Map<string, BuiltinLoader<D>>;

  constructor(
    readonly kind: 'stage' | 'reader',
    builtins: Readonly<Record<string, BuiltinLoader<D>>>,
  ) {
    this.builtinNames = Object.keys(builtins);
    this.pending = new Map(Object.entries(builtins));
  }

  /** Loads the built-ins among `names` (other names are left for validation to report); every built-in when omitted. */
  async load(names?: Iterable<string>): Promise<void> {
    const wanted = names === undefined ? [...this.pending.keys()] : [...new Set(names)].filter((n) => this.pending.has(n));
    const loaded = await Promise.all(wanted.map((n) => this.pending.get(n)!()));
    wanted.forEach((n, i) => {
      this.table[n] = loaded[i]!;
      this.pending.delete(n);
    });
  }

  private isBuiltin(name: string): boolean {
    return this.builtinNames.includes(name);
  }

  /** The definition named `name`: a built-in, or a plugin's whose id is in `visible` (every plugin's when omitted). */
  get(name: string, visible?: ReadonlySet<string>): D | undefined {
    if (this.pending.has(name)) throw new SluiceError('SLUICE_INTERNAL', `built-in ${this.kind} "${name}" was looked up before it was loaded (Registry.load)`);
    if (!Object.hasOwn(this.table, name)) return undefined;
    const p = this.plugins.get(name);
    if (p && visible && !visible.has(p.plugin.id)) return undefined;
    return this.table[name];
  }

  /** The plugin a name comes from; undefined for a built-in or an unknown name. */
  pluginOf(name: string): PluginRef | undefined {
    return this.plugins.get(name)?.plugin;
  }

  /** Every entry a pipeline with these plugins sees (all when `visible` is omitted), built-ins first. */
  entries(visible?: ReadonlySet<string>): RegistryEntry<D>[] {
    if (this.pending.size > 0) throw new SluiceError('SLUICE_INTERNAL', `${this.kind} entries were listed before every built-in was loaded (Registry.load)`);
    const out: RegistryEntry<D>[] = this.builtinNames.map((name) => ({ def: this.table[name]! }));
    for (const [name, { plugin }] of this.plugins) if (!visible || visible.has(plugin.id)) out.push({ def: this.table[name]!, plugin });
    return out;
  }

  /** Every name a pipeline with these plugins may use (all when `visible` is omitted), built-ins first; loads nothing. */
  names(visible?: ReadonlySet<string>): string[] {
    const plugins = [...this.plugins].filter(([, p]) => !visible || visible.has(p.plugin.id)).map(([name]) => name);
    return [...this.builtinNames, ...plugins];
  }

  /**
   * Adds a plugin's definition under its name; `wrapped` is what the table holds (the plugin
   * loader wraps build and run so errors name the plugin). Registering the same definition from
   * the same module again is a no-op (a pipeline loaded twice); any other clash is an error
   * naming both sides.
   */
  register(def: D, plugin: PluginRef, wrapped: D = def): void {
    const name = def.name;
    const existing = this.plugins.get(name);
    if (existing) {
      if (existing.original === def && existing.plugin.id === plugin.id) return;
      const other = existing.plugin.id === plugin.id ? 'another definition in the same module' : `plugin ${existing.plugin.label} (${existing.plugin.path})`;
      throw new SluiceError('SLUICE_PLUGIN', `plugin ${plugin.label} (${plugin.path}) defines ${this.kind} "${name}", which clashes with ${this.kind} "${name}" of ${other}`, {
        file: plugin.path,
        hint: `rename one of them; ${this.kind} names are shared by every plugin loaded in this process`,
      });
    }
    if (this.isBuiltin(name)) {
      throw new SluiceError('SLUICE_PLUGIN', `plugin ${plugin.label} (${plugin.path}) defines ${this.kind} "${name}", which clashes with the built-in ${this.kind} "${name}"`, {
        file: plugin.path,
        hint: `rename the plugin's ${this.kind} (built-in names are listed by \`sluice list\`)`,
      });
    }
    this.plugins.set(name, { plugin, original: def });
    this.table[name] = wrapped;
  }
}

export const readerRegistry = new Registry<ReaderDefinition>('reader', {
  books: async () => (await import('./readers/books.js')).booksReader,
  jsonl: async () => (await import('./readers/jsonl.js')).jsonlReader,
  parquet: async () => (await import('./readers/parquet.js')).parquetReader,
  reddit: async () => (await import('./readers/reddit.js')).redditReader,
  reddit_links: async () => (await import('./readers/reddit-links.js')).redditLinksReader,
  stackexchange: async () => (await import('./readers/stackexchange.js')).stackexchangeReader,
  wikipedia: async () => (await import('./readers/wikipedia.js')).wikipediaReader,
  warc: async () => (await import('./readers/warc.js')).warcReader,
  wet: async () => (await import('./readers/wet.js')).wetReader,
  code: async () => (await import('./readers/code.js')).codeReader,
});

export const stageRegistry = new Registry<StageDefinition>('stage', {
  length: async () => (await import('./filters/length.js')).lengthFilter,
  tokenize: async () => (await import('./tokenize/stage.js')).tokenizeStage,
  redact: async () => (await import('./redact/redact.js')).redactStage,
  language: async () => (await import('./filters/language.js')).languageFilter,
  gopher_quality: async () => (await import('./filters/gopher-quality.js')).gopherQualityFilter,
  gopher_repetition: async () => (await import('./filters/gopher-repetition.js')).gopherRepetitionFilter,
  c4: async () => (await import('./filters/c4.js')).c4Filter,
  c4_badwords: async () => (await import('./filters/c4-badwords.js')).c4BadwordsFilter,
  fineweb: async () => (await import('./filters/fineweb.js')).finewebFilter,
  code_quality: async () => (await import('./filters/code-quality.js')).codeQualityFilter,
  url_blocklist: async () => (await import('./filters/url-blocklist.js')).urlBlocklistFilter,
  exact_dedup: async () => (await import('./dedup/exact.js')).exactDedupStage,
  minhash_dedup: async () => (await import('./dedup/minhash/stage.js')).minhashDedupStage,
  classifier: async () => (await import('./classify/stage.js')).classifierStage,
  fetch: async () => (await import('./fetch/stage.js')).fetchStage,
});

/** Loads the built-in readers and stages a pipeline names (all of them when `names` is omitted). */
export async function loadBuiltins(names?: { readers: Iterable<string>; stages: Iterable<string> }): Promise<void> {
  await Promise.all([readerRegistry.load(names?.readers), stageRegistry.load(names?.stages)]);
}

/** Every reader by name (built-ins and loaded plugins'); a live view the runner looks names up in. */
export const readers: Readonly<Record<string, ReaderDefinition>> = readerRegistry.table;

/** Every stage by name (built-ins and loaded plugins'); a live view the runner looks names up in. */
export const stages: Readonly<Record<string, StageDefinition>> = stageRegistry.table;

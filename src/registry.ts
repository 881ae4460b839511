/**
 * The names a pipeline file may use. Each reader and stage lives in the folder named for its
 * concern; this file maps names to definitions: the built-ins below, plus whatever plugins
 * register (src/plugins/) without editing this file.
 */
import type { StageDefinition } from './core/stage.js';
import type { ReaderDefinition } from './readers/reader.js';
import { SluiceError } from './core/errors.js';
// side effects: bzip2 inputs decode through lbzip2 / bzip2 / unbzip2-stream, zstd through the zstd
// command, and http(s) paths open as remote inputs; every command that resolves inputs loads this file
import './io/bzip2.js';
import './io/zstd-cli.js';
import './io/remote-inputs.js';
import { booksReader } from './readers/books.js';
import { codeReader } from './readers/code.js';
import { jsonlReader } from './readers/jsonl.js';
import { parquetReader } from './readers/parquet.js';
import { redditReader } from './readers/reddit.js';
import { redditLinksReader } from './readers/reddit-links.js';
import { stackexchangeReader } from './readers/stackexchange.js';
import { warcReader } from './readers/warc.js';
import { wetReader } from './readers/wet.js';
import { wikipediaReader } from './readers/wikipedia.js';
import { redactStage } from './redact/redact.js';
import { c4Filter } from './filters/c4.js';
import { c4BadwordsFilter } from './filters/c4-badwords.js';
import { codeQualityFilter } from './filters/code-quality.js';
import { finewebFilter } from './filters/fineweb.js';
import { gopherQualityFilter } from './filters/gopher-quality.js';
import { gopherRepetitionFilter } from './filters/gopher-repetition.js';
import { languageFilter } from './filters/language.js';
import { lengthFilter } from './filters/length.js';
import { tokenizeStage } from './tokenize/stage.js';
import { urlBlocklistFilter } from './filters/url-blocklist.js';
import { exactDedupStage } from './dedup/exact.js';
import { minhashDedupStage } from './dedup/minhash/stage.js';
import { classifierStage } from './classify/stage.js';
import { fetchStage } from './fetch/stage.js';

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

/**
 * Name → definition for one kind (stages or readers). `table` is the live lookup the runner
 * indexes by name; built-ins are in it from the start and `register` adds a plugin's. A
 * plugin's entries are visible to a pipeline only when that pipeline lists the plugin (the
 * `visible` sets below), so a pipeline cannot use a stage that its workers would not load.
 */
export class Registry<D extends { readonly name: string }> {
  /** Live table: every built-in and every registered plugin definition, by name. */
  readonly table: Record<string, D> = {};
  private readonly plugins = new Map<string, { plugin: PluginRef; original: D }>();

  constructor(
    readonly kind: 'stage' | 'reader',
    builtins: Readonly<Record<string, D>>,
  ) {
    Object.assign(this.table, builtins);
  }

  /** The definition named `name`: a built-in, or a plugin's whose id is in `visible` (every plugin's when omitted). */
  get(name: string, visible?: ReadonlySet<string>): D | undefined {
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
    const out: RegistryEntry<D>[] = [];
    for (const [name, def] of Object.entries(this.table)) {
      const p = this.plugins.get(name);
      if (!p) out.push({ def });
      else if (!visible || visible.has(p.plugin.id)) out.push({ def, plugin: p.plugin });
    }
    return out;
  }

  names(visible?: ReadonlySet<string>): string[] {
    return this.entries(visible).map((e) => e.def.name);
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
    if (Object.hasOwn(this.table, name)) {
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
  books: booksReader,
  jsonl: jsonlReader,
  parquet: parquetReader,
  reddit: redditReader,
  reddit_links: redditLinksReader,
  stackexchange: stackexchangeReader,
  wikipedia: wikipediaReader,
  warc: warcReader,
  wet: wetReader,
  code: codeReader,
});

export const stageRegistry = new Registry<StageDefinition>('stage', {
  length: lengthFilter,
  tokenize: tokenizeStage,
  redact: redactStage,
  language: languageFilter,
  gopher_quality: gopherQualityFilter,
  gopher_repetition: gopherRepetitionFilter,
  c4: c4Filter,
  c4_badwords: c4BadwordsFilter,
  fineweb: finewebFilter,
  code_quality: codeQualityFilter,
  url_blocklist: urlBlocklistFilter,
  exact_dedup: exactDedupStage,
  minhash_dedup: minhashDedupStage,
  classifier: classifierStage,
  fetch: fetchStage,
});

/** Every reader by name (built-ins and loaded plugins'); a live view the runner looks names up in. */
export const readers: Readonly<Record<string, ReaderDefinition>> = readerRegistry.table;

/** Every stage by name (built-ins and loaded plugins'); a live view the runner looks names up in. */
export const stages: Readonly<Record<string, StageDefinition>> = stageRegistry.table;

/**
 * Import rules for src/, checked by `make lint` (npx depcruise src --config .config/dependency-cruiser.cjs).
 *
 * Layers, lowest first; a module may import its own layer and the layers below it, never one above:
 *
 *   core (+ src/types, src/vendor)  →  io  →  domain areas  →  config + registry.ts + plugins  →  runner  →  cli
 *
 * The domain areas (extract, readers, filters, dedup, redact, tokenize, shard, loader, export) are
 * one layer but do not import each other, except the edges listed in DOMAIN_SIBLINGS. The public
 * entry points (src/index.ts, src/loader/index.ts) may import anything below cli, and nothing may
 * import them. A folder that is in no layer cannot be imported by one: add new folders to LAYERS.
 */

const DOMAIN = ['extract', 'readers', 'filters', 'dedup', 'redact', 'tokenize', 'shard', 'loader', 'export', 'report', 'classify', 'fetch'];

/** The only imports between domain areas: area → areas it may import. */
const DOMAIN_SIBLINGS = {
  readers: ['extract'], // the WARC/WET, Wikipedia and books readers decode HTML, wikitext, charsets, Gutenberg
  export: ['loader'], // `sluice export` reads token shards through the loader's dataset
  filters: ['classify'], // the language stage can use a fastText language model (lid.176.bin)
  fetch: ['readers', 'extract'], // fetched pages go through the warc reader's response-to-page code (readers/warc/page.ts) and extractors
};

const ENTRY_POINTS = ['^src/index[.]ts$', '^src/loader/index[.]ts$'];

/** Lowest first. `paths` are regexes over paths relative to the repository root. */
const LAYERS = [
  { name: 'core', paths: ['^src/core/', '^src/types/', '^src/vendor/'] },
  { name: 'io', paths: ['^src/io/'] },
  { name: 'domain', paths: DOMAIN.map((area) => `^src/${area}/`) },
  { name: 'config', paths: ['^src/config/', '^src/registry(-loaded)?[.]ts$', '^src/plugins/'] },
  { name: 'runner', paths: ['^src/runner/'] },
  { name: 'cli', paths: ['^src/cli/'] },
];

const ORDER = 'Layers, lowest first: core+types+vendor → io → domain areas → config+registry.ts+plugins → runner → cli.';

const layerRules = LAYERS.map((layer, i) => {
  const allowed = LAYERS.slice(0, i + 1).flatMap((l) => l.paths);
  const below = LAYERS.slice(0, i).map((l) => l.name);
  return {
    name: `${layer.name}-layer`,
    severity: 'error',
    comment: `A ${layer.name} module may import only ${[layer.name, ...below].join(', ')}. ${ORDER}`,
    from: { path: layer.paths, pathNot: ENTRY_POINTS },
    to: { path: '^src/', pathNot: allowed },
  };
});

const siblingRules = DOMAIN.map((area) => {
  const mayImport = DOMAIN_SIBLINGS[area] ?? [];
  const others = DOMAIN.filter((a) => a !== area && !mayImport.includes(a));
  return {
    name: 'domain-sibling',
    severity: 'error',
    comment:
      `Domain areas do not import each other; ${area} may import ` +
      (mayImport.length ? `only the ${mayImport.join(', ')} area(s)` : 'no other area') +
      '. Move shared code down to core or io, or list the edge in DOMAIN_SIBLINGS (.config/dependency-cruiser.cjs).',
    from: { path: `^src/${area}/`, pathNot: ENTRY_POINTS },
    to: { path: others.map((a) => `^src/${a}/`) },
  };
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only imports included) make module initialisation order fragile and tangle the layers. Break the cycle by moving the shared piece down.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...layerRules,
    ...siblingRules,
    {
      name: 'entry-point-layer',
      severity: 'error',
      comment: `The public entry points (src/index.ts, src/loader/index.ts) may import anything below cli. ${ORDER}`,
      from: { path: ENTRY_POINTS },
      to: { path: '^src/', pathNot: LAYERS.filter((l) => l.name !== 'cli').flatMap((l) => l.paths) },
    },
    {
      name: 'not-to-entry-point',
      severity: 'error',
      comment: 'src/index.ts and src/loader/index.ts are for users of the package; src/ imports the module that defines a thing, not an entry point.',
      from: { path: '^src/' },
      to: { path: ENTRY_POINTS },
    },
    {
      name: 'not-to-test',
      severity: 'error',
      comment: 'src/ must not import tests/ (test helpers and fixtures are not shipped).',
      from: { path: '^src/' },
      to: { path: '^tests/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import depcruise cannot resolve would escape every rule above.',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type-only import still couples the importer to the other layer's
    // design (config/schema.ts once took ExecutorConfig from runner/ that way), and it becomes a
    // value import with one edit.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};

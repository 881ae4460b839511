import { isAbsolute, join, relative } from 'node:path';
/**
 * Runs each filter over whole corpora and compares per-reason counts (and, for small corpora,
 * each document's verdict) with a golden file, so any change in a filter's behaviour shows up as
 * a diff. Corpora are listed in golden-corpora.json; `SLUICE_UPDATE_GOLDEN=1` rewrites the
 * goldens after an intended change (review the diff before committing it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { expandPath } from '../../src/io/resolve.js';
import { readers, stages } from '../../src/registry-loaded.js';
import { buildStage, runReader, runStage } from '../helpers/harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

interface CorpusEntry {
  name: string;
  reader: string;
  paths: string[];
  params?: Record<string, unknown>;
  source?: string;
  filters?: string[];
}

type Step = { stage: string; params: Record<string, unknown> };

/** Filter configurations the goldens cover; a chain is several steps run in order. */
const FILTER_SUITE: Record<string, Step[]> = {
  language: [{ stage: 'language', params: {} }],
  gopher_quality: [{ stage: 'gopher_quality', params: {} }],
  gopher_repetition: [{ stage: 'gopher_repetition', params: {} }],
  c4: [{ stage: 'c4', params: {} }],
  c4_fineweb: [{ stage: 'c4', params: { filter_no_terminal_punct: false } }],
  c4_badwords: [{ stage: 'c4_badwords', params: {} }],
  fineweb: [{ stage: 'fineweb', params: {} }],
  length_words: [{ stage: 'length', params: { min_words: 50 } }],
  url_blocklist: [{ stage: 'url_blocklist', params: { domain_files: [`${here}fixtures/lists/domains.txt`] } }],
  code_quality: [{ stage: 'code_quality', params: {} }],
  fineweb_chain: [
    { stage: 'language', params: {} },
    { stage: 'gopher_repetition', params: {} },
    { stage: 'gopher_quality', params: {} },
    { stage: 'c4', params: { filter_no_terminal_punct: false } },
    { stage: 'fineweb', params: {} },
  ],
};
const TEXT_FILTERS = Object.keys(FILTER_SUITE).filter((k) => k !== 'code_quality');
const VERDICT_LIMIT = 200;

interface FilterOutcome {
  kept: number;
  modified: number;
  rejected: Record<string, number>;
}

interface Golden {
  corpus: string;
  docs: number;
  filters: Record<string, FilterOutcome>;
  verdicts?: Record<string, Record<string, string>>;
}

async function readCorpus(entry: CorpusEntry): Promise<Doc[]> {
  const reader = readers[entry.reader];
  if (!reader) throw new Error(`golden-corpora.json: unknown reader "${entry.reader}" for ${entry.name}`);
  const docs: Doc[] = [];
  for (const [k, pattern] of entry.paths.entries()) {
    // relative to the repository root, as in a pipeline file, so document ids (some readers use the path) match on every checkout
    const files = await expandPath(
      { pattern: isAbsolute(pattern) ? pattern : relative(process.cwd(), join(root, pattern)) || '.', yamlPath: `${entry.name}.paths[${k}]` },
      reader.acceptsDirectories ?? false,
    );
    for (const file of files) {
      const out = await runReader(reader, file, entry.params ?? {}, entry.source === undefined ? {} : { source: entry.source });
      docs.push(...out.docs);
    }
  }
  return docs;
}

async function runSuite(id: string, steps: Step[], docs: Doc[], verdicts: Record<string, Record<string, string>> | undefined): Promise<FilterOutcome> {
  const outcome: FilterOutcome = { kept: 0, modified: 0, rejected: {} };
  let current = docs.map((d) => structuredClone(d));
  const before = new Map(current.map((d) => [d.id, d.text]));
  const reasons = new Map<string, string>();
  for (const [k, step] of steps.entries()) {
    const def = stages[step.stage];
    if (!def) throw new Error(`unknown stage ${step.stage}`);
    const built = await buildStage(def, step.params);
    if (built.kind !== 'stream') throw new Error(`${step.stage} is not a stream stage`);
    const prefix = steps.length > 1 ? `${k}:${step.stage}:` : '';
    const { kept, rejected } = await runStage(built.run, current);
    for (const r of rejected) {
      const reason = prefix + r.reason;
      outcome.rejected[reason] = (outcome.rejected[reason] ?? 0) + 1;
      reasons.set(r.doc.id, reason);
    }
    current = kept;
  }
  outcome.kept = current.length;
  for (const d of current) if (before.get(d.id) !== d.text) outcome.modified++;
  if (verdicts) {
    for (const d of docs) {
      const modified = current.some((c) => c.id === d.id && c.text !== d.text);
      (verdicts[d.id] ??= {})[id] = reasons.get(d.id) ?? (modified ? 'modified' : 'kept');
    }
  }
  outcome.rejected = Object.fromEntries(Object.entries(outcome.rejected).sort(([a], [b]) => a.localeCompare(b)));
  return outcome;
}

const corpora = (JSON.parse(readFileSync(`${here}golden-corpora.json`, 'utf8')) as { corpora: CorpusEntry[] }).corpora;

describe('filters over corpora match their goldens', () => {
  it.each(corpora.map((c) => [c.name, c] as const))('%s', async (_name, entry) => {
    const docs = await readCorpus(entry);
    expect(docs.length).toBeGreaterThan(0);
    const verdicts = docs.length <= VERDICT_LIMIT ? {} : undefined;
    const golden: Golden = { corpus: entry.name, docs: docs.length, filters: {} };
    for (const id of entry.filters ?? TEXT_FILTERS) {
      const steps = FILTER_SUITE[id];
      if (!steps) throw new Error(`golden-corpora.json: unknown filter id "${id}" for ${entry.name}`);
      golden.filters[id] = await runSuite(id, steps, docs, verdicts);
    }
    if (verdicts) golden.verdicts = verdicts;
    const path = `${here}golden/${entry.name}.json`;
    if (process.env['SLUICE_UPDATE_GOLDEN'] === '1') {
      mkdirSync(`${here}golden`, { recursive: true });
      writeFileSync(path, `${JSON.stringify(golden, null, 1)}\n`);
    }
    if (!existsSync(path)) throw new Error(`no golden for ${entry.name}: run with SLUICE_UPDATE_GOLDEN=1 and review ${path}`);
    expect(golden).toEqual(JSON.parse(readFileSync(path, 'utf8')));
  });
});

/**
 * Dedup stages in a row share one pass over the documents (fuseBarriers in src/runner/pipeline.ts):
 * both collect in one phase, the second leaves the first's removals out of its decisions, and both
 * apply at the start of the next phase. Each fused run here is held to the same run with
 * `runner.fuse_barriers: false`: the same kept documents, the same removal decisions (kept id and
 * similarity), the same stage counters and histograms, in both MinHash modes and with the exact
 * stage on either side.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/core/random.js';
import { silentLogger } from '../../src/core/log.js';
import { readJsonl } from '../../src/io/jsonl-zst.js';
import type { StatsFile } from '../../src/runner/finalize.js';
import type { RejectRecord } from '../../src/runner/rejects.js';
import { prepareRunDryRun } from '../../src/runner/dry-run.js';
import { runPipeline } from '../../src/runner/run.js';
import { familyCorpus, randomWords, vocabulary } from '../corpora/dedup-families.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';
import { readDataset } from '../helpers/parquet.js';

const CHAINS = 30;

/**
 * Families of near-duplicates and unrelated documents, each with a url of its own, plus:
 * - chains a-i, x-i, c-i: windows of one word sequence, x shifted 30 words from a and c 60 (Jaccard
 *   about 0.86 to each neighbour, 0.74 from a to c), where x has a's url. With x, MinHash joins a
 *   and c through it; an exact dedup on url removes x first, and then a and c meet only where
 *   their own bands collide: what a fused MinHash gets wrong if it does not leave x out;
 * - exact copies of texts under other ids, empty and one-word documents twice (no shingles), and
 *   documents without a url (exact on url counts them as missing the field).
 */
function writeCorpus(dir: string): void {
  const lines: Record<string, string>[] = familyCorpus({ families: 30, rates: [0, 0.01, 0.3], unrelated: 60, words: 150, seed: 5 }).map((d) => ({
    id: d.id,
    text: d.text,
    url: `https://f.example/${d.id}`,
  }));
  const vocab = vocabulary(20_000, 9);
  const r = mulberry32(17);
  for (let i = 0; i < CHAINS; i++) {
    const words = randomWords(460, vocab, r);
    const url = `https://chain.example/${i}`;
    lines.push({ id: `a-${i}`, text: words.slice(0, 400).join(' '), url });
    lines.push({ id: `x-${i}`, text: words.slice(30, 430).join(' '), url });
    lines.push({ id: `c-${i}`, text: words.slice(60, 460).join(' '), url: `${url}/c` });
  }
  for (let i = 0; i < 20; i++) lines.push({ id: `copy-${i}`, text: lines[i]!['text']!, url: `https://copy.example/${i}` });
  lines.push({ id: 'empty-1', text: '', url: 'https://e.example/1' }, { id: 'empty-2', text: '', url: 'https://e.example/2' });
  lines.push({ id: 'word-1', text: 'hello', url: 'https://w.example/1' }, { id: 'word-2', text: 'hello', url: 'https://w.example/2' });
  for (let i = 0; i < 10; i++) lines.push({ id: `nourl-${i}`, text: i < 5 ? lines[100 + i]!['text']! : `standalone ${i} ${randomWords(80, vocab, r).join(' ')}` });
  // spread over three files in an order that mixes the kinds, so tasks see some of each
  const order = lines.map((_, i) => i).sort((a, b) => ((a * 7919) % 101) - ((b * 7919) % 101) || a - b);
  for (let f = 0; f < 3; f++) {
    writeFileSync(
      join(dir, `part-${f}.jsonl`),
      order
        .filter((_, k) => k % 3 === f)
        .map((i) => JSON.stringify(lines[i]))
        .join('\n') + '\n',
    );
  }
}

interface Outcome {
  phases: string[];
  kept: string[];
  decisions: string[];
  stats: StatsFile;
}

async function decisionsOf(out: string): Promise<string[]> {
  const all: string[] = [];
  for (const stage of readdirSync(join(out, 'rejects'))) {
    for (const f of readdirSync(join(out, 'rejects', stage))) {
      for await (const r of readJsonl<RejectRecord>(join(out, 'rejects', stage, f)))
        all.push(`${r.stage} ${r.id} ${r.reason} -> ${String(r.detail?.['kept_id'])} @ ${String(r.detail?.['similarity'] ?? 1)}`);
    }
  }
  return all.sort();
}

async function run(dir: string, name: string, stages: string, world: number, fuse?: boolean): Promise<Outcome> {
  const out = join(dir, name);
  const runner = [`  tasks: ${world}`, ...(fuse === undefined ? [] : [`  fuse_barriers: ${fuse}`])].join('\n');
  const file = writePipeline(dir, `name: fused\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl"]\nstages:\n${stages}output:\n  dir: ${out}\nrunner:\n${runner}\n`, `${name}.yaml`);
  const result = await runPipeline({ pipelineFile: file, workers: 1, log: silentLogger });
  const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as StatsFile;
  expect(stats.ledger.balanced).toBe(true);
  return {
    phases: (result.report?.stats.tasks ?? []).map((p) => p.phase),
    kept: (await readDataset(out, ['id'])).map((row) => String(row['id'])).sort(),
    decisions: await decisionsOf(out),
    stats,
  };
}

function expectSameRun(fused: Outcome, unfused: Outcome): void {
  expect(fused.kept).toEqual(unfused.kept);
  expect(fused.decisions).toEqual(unfused.decisions);
  expect(fused.stats.ledger).toEqual(unfused.stats.ledger);
  expect(fused.stats.stages).toEqual(unfused.stats.stages);
  expect(fused.stats.histograms).toEqual(unfused.stats.histograms);
  expect(fused.phases.filter((p) => p.startsWith('docs-')).length).toBe(unfused.phases.filter((p) => p.startsWith('docs-')).length - 1);
}

const EXACT_TEXT = '  - exact_dedup: {}\n  - minhash_dedup: {}\n';
const EXACT_URL = '  - exact_dedup: {field: url}\n  - minhash_dedup: {}\n';
const URL_AFTER = '  - minhash_dedup: {}\n  - exact_dedup: {field: url}\n';

describe('dedup stages fused into one pass', () => {
  const dir = tempDir('sluice-fused-');
  writeCorpus(dir);

  it('fuses barriers that nothing separates and that see the same sources; runner.fuse_barriers: false keeps them apart', async () => {
    const docsPhases = async (stages: string, runner = ''): Promise<string[]> => {
      const file = writePipeline(dir, `name: plan\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl"]\nstages:\n${stages}output:\n  dir: ${dir}/plan-out\n${runner}`, 'plan.yaml');
      const plan = await prepareRunDryRun(file, silentLogger);
      return plan.phases.map((p) => p.id).filter((id) => id.startsWith('docs-'));
    };
    const two = ['docs-0', 'docs-1'];
    const three = ['docs-0', 'docs-1', 'docs-2'];
    expect(await docsPhases(EXACT_TEXT)).toEqual(two);
    expect(await docsPhases(`${EXACT_TEXT}  - exact_dedup: {field: url}\n`)).toEqual(two);
    expect(await docsPhases('  - exact_dedup: {}\n  - length: {min_chars: 10}\n  - minhash_dedup: {}\n')).toEqual(three);
    expect(await docsPhases('  - exact_dedup: {sources: [jsonl]}\n  - minhash_dedup: {}\n')).toEqual(three);
    expect(await docsPhases('  - exact_dedup: {sources: [jsonl]}\n  - minhash_dedup: {sources: [jsonl]}\n')).toEqual(two);
    expect(await docsPhases(EXACT_TEXT, 'runner:\n  fuse_barriers: false\n')).toEqual(three);
  });

  it('exact on the text, then MinHash: one docs phase fewer, the same decisions, in one task (streaming) and three (scale-out)', async () => {
    for (const world of [1, 3]) {
      const fused = await run(dir, `text-${world}-fused`, EXACT_TEXT, world);
      const unfused = await run(dir, `text-${world}-unfused`, EXACT_TEXT, world, false);
      expect(fused.phases.filter((p) => p.startsWith('docs-'))).toEqual(['docs-0', 'docs-1']);
      expect(fused.phases.indexOf('exact_dedup.groups')).toBeLessThan(fused.phases.findIndex((p) => p.startsWith('minhash_dedup.')));
      expectSameRun(fused, unfused);
      // the exact copies, one of the two empty texts and one of the two one-word ones
      expect(fused.stats.stages['exact_dedup']!.duplicates).toBeGreaterThanOrEqual(22);
      // the surviving empty text (one word is one shingle); its removed copy is not counted again
      expect(fused.stats.stages['minhash_dedup']!.counters['minhash_no_shingles']).toBe(1);
    }
  }, 300_000);

  it('exact on the url removes the document that bridges two near-duplicates: fused MinHash leaves it out as unfused does', async () => {
    const alone = await run(dir, 'minhash-alone', '  - minhash_dedup: {}\n', 3);
    const removedChainEnds = (o: Outcome): number => o.decisions.filter((d) => d.startsWith('minhash_dedup c-')).length;
    for (const world of [1, 3]) {
      const fused = await run(dir, `url-${world}-fused`, EXACT_URL, world);
      const unfused = await run(dir, `url-${world}-unfused`, EXACT_URL, world, false);
      expectSameRun(fused, unfused);
      expect(fused.decisions.filter((d) => d.startsWith('exact_dedup x-')).length).toBe(CHAINS);
      // through x, MinHash alone removes (nearly) every c; without x, chains fall apart, and fused must see that too
      expect(removedChainEnds(alone)).toBeGreaterThanOrEqual(CHAINS - 2);
      expect(removedChainEnds(fused)).toBeLessThan(removedChainEnds(alone) - 5);
    }
  }, 300_000);

  it('MinHash, then exact on the url: the documents missing the url are counted as unfused counts them', async () => {
    for (const world of [1, 3]) {
      const fused = await run(dir, `after-${world}-fused`, URL_AFTER, world);
      const unfused = await run(dir, `after-${world}-unfused`, URL_AFTER, world, false);
      expectSameRun(fused, unfused);
      const missing = fused.stats.stages['exact_dedup']!.counters['exact_missing_field'];
      // 10 without a url, of which MinHash removes the 5 copies of other texts
      expect(missing).toBe(5);
    }
  }, 300_000);

  it('resumes a run that an older sluice planned unfused, unfused', async () => {
    const first = await run(dir, 'resume', EXACT_TEXT, 2);
    const out = join(dir, 'resume');
    const planFile = join(out, '.sluice', 'plan.json');
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { phases: { id: string; tasks: number }[] };
    // the same run cut as before fusion: docs-1 between the two stages' steps, the last phase docs-2
    const phases = plan.phases.map((p) => (p.id === 'docs-1' ? { ...p, id: 'docs-2' } : p));
    phases.splice(phases.findIndex((p) => p.id === 'exact_dedup.groups') + 1, 0, { id: 'docs-1', tasks: 2 });
    rmSync(out, { recursive: true });
    mkdirSync(join(out, '.sluice'), { recursive: true });
    writeFileSync(planFile, JSON.stringify({ ...plan, phases }));
    const file = join(dir, 'resume.yaml');
    const resumed = await runPipeline({ pipelineFile: file, workers: 2, log: silentLogger });
    expect((resumed.report?.stats.tasks ?? []).map((p) => p.phase).filter((p) => p.startsWith('docs-'))).toEqual(['docs-0', 'docs-1', 'docs-2']);
    expect((await readDataset(out, ['id'])).map((row) => String(row['id'])).sort()).toEqual(first.kept);
    expect(await decisionsOf(out)).toEqual(first.decisions);
  }, 300_000);
});

/**
 * Benchmarks for the redact stage's secret rule table (issue 18):
 * - recall on the fixture made from gitleaks' and detect-secrets' own test cases, per source and
 *   for every rule below 1.0 (tests/redact/secrets-fixture/);
 * - harm: the share of files of a large source tree without live secrets (the Python standard
 *   library and its tests) that the secret detectors change, and which rules fired;
 * - speed on code with all kinds on: today's scanner (rule table off) beside the full rule table,
 *   MB per wall second and per CPU second, interleaved, median of 3.
 */
import { readFileSync } from 'node:fs';
import fg from 'fast-glob';
import { allKinds } from '../../src/redact/kinds.js';
import { createDetector } from '../../src/redact/scan.js';
import { BUILTIN_RULES, buildRuleSet } from '../../src/redact/secret-rules.js';
import { loadFixture, scoreFixture, totals } from '../redact/secrets-fixture/score.js';
import { median } from './median.js';
import type { BenchRow } from './types.js';

const BENCH = 'secrets';
/** Trees tried in order for the harm figure: a Python with its test suite, Debian's stdlib, then TypeScript's sources. */
const HARM_TREES = ['/root/.pyenv/versions/3.11.*/lib/python3.11/**/*.py', '/usr/lib/python3.11/**/*.py', '/usr/lib/python3/**/*.py', 'node_modules/typescript/lib/**/*.{js,ts}'];

export interface SecretsBenchOptions {
  /** MB of code per speed variant (default 8). */
  mb?: number;
  /** Glob of code for the speed rows (default: node_modules JS/TS, as the redact bench). */
  code?: string;
  /** Glob of the harm tree (default: the first of HARM_TREES that matches files). */
  harm?: string;
}

const round = (x: number, digits = 3): number => Number(x.toFixed(digits));

function recallRows(): BenchRow[] {
  const detect = createDetector({ kinds: allKinds(), ipPublicOnly: true });
  const scores = scoreFixture(loadFixture(), detect);
  const rows: BenchRow[] = [];
  for (const source of ['gitleaks', 'detect-secrets', undefined]) {
    const t = totals(scores, source);
    const rules = scores.filter((s) => source === undefined || s.source === source).filter((s) => s.positives > 0);
    const perfect = rules.filter((s) => s.found === s.positives).length;
    rows.push({
      bench: BENCH,
      variant: `fixture ${source ?? 'both'}`,
      metric: 'recall',
      value: round(t.found / t.positives),
      unit: '',
      note: `${t.found}/${t.positives} positives; ${perfect}/${rules.length} rules at 1.0; negatives flagged ${t.flagged}/${t.negatives}`,
    });
  }
  for (const s of scores) {
    if (s.positives === 0 || s.found === s.positives) continue;
    rows.push({
      bench: BENCH,
      variant: `rule ${s.source} ${s.rule}`,
      metric: 'recall',
      value: round(s.found / s.positives),
      unit: '',
      note: `${s.found}/${s.positives}; missed e.g. ${JSON.stringify(s.missed[0]!.slice(0, 60))}`,
    });
  }
  return rows;
}

function harmTree(glob: string | undefined): { glob: string; files: string[] } {
  for (const g of glob === undefined ? HARM_TREES : [glob]) {
    const files = fg.sync(g, { onlyFiles: true, ignore: ['**/site-packages/**'] }).sort();
    if (files.length > 0) return { glob: g, files };
  }
  throw new Error(`secrets bench: no harm tree found (${HARM_TREES.join(', ')})`);
}

function harmRows(glob: string | undefined): BenchRow[] {
  const { glob: used, files } = harmTree(glob);
  // secrets only: the other kinds (emails in docstrings, IPs in tests) are not what this measures
  const detect = createDetector({ kinds: { ...allKinds(false), secret: true }, ipPublicOnly: true });
  let changed = 0;
  let bytes = 0;
  const byRule = new Map<string, number>();
  const examples: string[] = [];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    bytes += Buffer.byteLength(text);
    const spans = detect(text);
    if (spans.length === 0) continue;
    changed++;
    const rules = new Set(spans.map((s) => s.detector));
    for (const r of rules) byRule.set(r, (byRule.get(r) ?? 0) + 1);
    if (examples.length < 12) examples.push(`${f.split('/').slice(-2).join('/')} (${[...rules].join(', ')})`);
  }
  const fired = [...byRule].sort((a, b) => b[1] - a[1]).map(([r, n]) => `${r} ${n}`);
  return [
    {
      bench: BENCH,
      variant: `harm ${used}`,
      metric: 'files changed by secret rules',
      value: round((100 * changed) / files.length, 2),
      unit: '%',
      note: `${changed}/${files.length} files, ${(bytes / 1e6).toFixed(1)} MB; files per rule: ${fired.join(', ')}; ${examples.join('; ')}`,
    },
  ];
}

function loadCode(glob: string, mb: number): string[] {
  const files = fg.sync(glob, { onlyFiles: true }).sort();
  if (files.length === 0) throw new Error(`secrets bench: no files match ${glob}`);
  const docs: string[] = [];
  let total = 0;
  for (let k = 0; total < mb * 1e6; k++) {
    const text = readFileSync(files[k % files.length]!, 'utf8');
    if (text.length === 0) continue;
    docs.push(text);
    total += Buffer.byteLength(text);
    if (k > 10 * files.length) break;
  }
  return docs;
}

function speedRows(code: string, mb: number): BenchRow[] {
  const docs = loadCode(code, mb);
  const size = docs.reduce((n, d) => n + Buffer.byteLength(d), 0) / 1e6;
  const variants = {
    'today (rule table off)': createDetector({ kinds: allKinds(), ipPublicOnly: true, secretRules: buildRuleSet({ disable: BUILTIN_RULES.map((r) => r.id) }) }),
    'all rules on': createDetector({ kinds: allKinds(), ipPublicOnly: true }),
  };
  const wall: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (const name of Object.keys(variants)) for (let k = 0; k < Math.min(docs.length, 200); k++) variants[name as keyof typeof variants](docs[k]!); // warm-up
  for (let rep = 0; rep < 3; rep++) {
    for (const [name, detect] of Object.entries(variants)) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (const d of docs) detect(d);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      const c = process.cpuUsage(c0);
      (wall[name] ??= []).push(secs);
      (cpu[name] ??= []).push((c.user + c.system) / 1e6);
    }
  }
  return Object.keys(variants).flatMap((name): BenchRow[] => [
    {
      bench: BENCH,
      variant: `code, ${name}`,
      metric: 'detect throughput',
      value: round(size / median(wall[name]!), 1),
      unit: 'MB/s',
      note: `${size.toFixed(1)} MB of ${code}, all kinds, median of 3`,
    },
    { bench: BENCH, variant: `code, ${name}`, metric: 'detect throughput per CPU second', value: round(size / median(cpu[name]!), 1), unit: 'MB/s', note: 'median of 3' },
  ]);
}

export function benchSecrets(opts: SecretsBenchOptions = {}): BenchRow[] {
  const rows = recallRows();
  rows.push(...harmRows(opts.harm));
  rows.push(...speedRows(opts.code ?? 'node_modules/**/*.{js,ts}', opts.mb ?? 8));
  return rows;
}

/**
 * How the c4 filter finds the lines that may hold one of its keywords (lorem ipsum, javascript,
 * the policy phrases): one case-insensitive alternation over the text, as src/filters/c4.ts does,
 * against lower-casing the text and running a case-sensitive alternation of the lower-cased
 * keywords over it (what c4 did before). Both report every position where a keyword starts.
 */
import { readFileSync } from 'node:fs';
import { c4Keywords, c4Params, keywordStarts } from '../../src/filters/c4.js';
import { literalAlternation } from '../../src/filters/text/regex.js';
import type { BenchRow } from './types.js';
import { isolated } from './isolate.js';

interface ScanResult {
  mb: number;
  /** Best-of-passes CPU seconds of each scan over every document. */
  caseInsensitive: number;
  lowerCased: number;
  starts: number;
}

/** c4's own scan, as the filter runs it. */
function scanCaseInsensitive(texts: readonly string[], re: RegExp): number {
  let starts = 0;
  const hits: number[] = [];
  for (const text of texts) {
    hits.length = 0;
    keywordStarts(re, text, hits);
    starts += hits.length;
  }
  return starts;
}

/** Texts whose length lower-casing changes fall back to the case-insensitive scan, as c4 did. */
function scanLowerCased(texts: readonly string[], re: RegExp, fallback: RegExp): number {
  let starts = 0;
  const hits: number[] = [];
  for (const text of texts) {
    const lower = text.toLowerCase();
    hits.length = 0;
    if (lower.length === text.length) keywordStarts(re, lower, hits);
    else keywordStarts(fallback, text, hits);
    starts += hits.length;
  }
  return starts;
}

function bestCpu(passes: number, run: () => number): { cpu: number; result: number } {
  let cpu = Infinity;
  let result = 0;
  for (let pass = 0; pass <= passes; pass++) {
    const c0 = process.cpuUsage();
    result = run();
    const used = process.cpuUsage(c0);
    // the first pass warms the regexes' compiled code up
    if (pass > 0) cpu = Math.min(cpu, (used.user + used.system) / 1e6);
  }
  return { cpu, result };
}

/** Child side: both scans over the corpus's texts, best of 3 passes after a first. */
export function runKeywordScan(args: { corpus: string }): ScanResult {
  const texts = readFileSync(args.corpus, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { text: string }).text);
  let bytes = 0;
  for (const t of texts) bytes += Buffer.byteLength(t);
  const words = c4Keywords(c4Params.parse({}));
  const anyCase = new RegExp(literalAlternation(words), 'gi');
  const lower = new RegExp(literalAlternation(words.map((w) => w.toLowerCase())), 'g');
  const a = bestCpu(3, () => scanCaseInsensitive(texts, anyCase));
  const b = bestCpu(3, () => scanLowerCased(texts, lower, anyCase));
  if (a.result !== b.result) throw new Error(`c4 keyword scans disagree: ${a.result} starts case-insensitive, ${b.result} lower-cased`);
  return { mb: bytes / 1e6, caseInsensitive: a.cpu, lowerCased: b.cpu, starts: a.result };
}

export async function keywordScanRows(corpus: string): Promise<BenchRow[]> {
  process.stderr.write('filters: c4 keyword scan\n');
  const { value: v } = await isolated<ScanResult>('./c4-keywords.js', 'runKeywordScan', { corpus });
  const note = `${v.starts} keyword starts (the same from both), ${v.mb.toFixed(1)} MB; best of 3 passes after a first`;
  return [
    { bench: 'filters', variant: 'c4 keyword scan: /gi alternation over the text (c4)', metric: 'throughput (CPU time)', value: v.mb / v.caseInsensitive, unit: 'MB/s', note },
    { bench: 'filters', variant: 'c4 keyword scan: lower-case, then case-sensitive alternation', metric: 'throughput (CPU time)', value: v.mb / v.lowerCased, unit: 'MB/s', note },
    { bench: 'filters', variant: 'c4 keyword scan: /gi / lower-cased', metric: 'speed-up (CPU time)', value: v.lowerCased / v.caseInsensitive, unit: 'x' },
  ];
}

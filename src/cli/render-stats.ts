import { decimalAmount } from '../core/amount.js';
import { orderedStages, tasksCpuSeconds, type Histogram } from '../core/stats.js';
import { scoreBucketLabel, sortedBuckets } from '../report/buckets.js';
import type { ReportData } from '../report/collect.js';
import type { StatsFile } from '../runner/finalize.js';
import { percent, table } from './table.js';

/** The ledger, per-stage and per-source tables that `sluice run` ends with and `sluice stats` shows. */
export function renderStats(stats: StatsFile): string {
  const l = stats.ledger;
  const parts: string[] = [];
  parts.push(
    `ledger (${stats.name}): ${l.docs_in.toLocaleString('en-US')} in = ${l.kept.toLocaleString('en-US')} kept + ${l.rejected.toLocaleString('en-US')} rejected + ${l.duplicates.toLocaleString('en-US')} duplicates  ${l.balanced ? '[balanced]' : '[MISMATCH]'}`,
  );
  parts.push('');
  const stageRows: (string | number)[][] = [];
  for (const [name, s] of orderedStages(stats)) {
    const dropped = Object.values(s.rejected).reduce((a, b) => a + b, 0) + s.duplicates;
    stageRows.push([name, s.in, s.out, dropped, percent(dropped, s.in), s.modified]);
  }
  parts.push(table(['stage', 'in', 'out', 'dropped', 'drop %', 'modified'], stageRows));
  const reasonRows: (string | number)[][] = [];
  for (const [name, s] of orderedStages(stats)) {
    for (const [reason, n] of Object.entries(s.rejected).sort((a, b) => b[1] - a[1])) reasonRows.push([name, reason, n, percent(n, s.in)]);
    if (s.duplicates > 0) reasonRows.push([name, '(duplicates)', s.duplicates, percent(s.duplicates, s.in)]);
  }
  if (reasonRows.length > 0) {
    parts.push('');
    parts.push(table(['stage', 'reason', 'docs', 'of stage in'], reasonRows, ['l', 'l', 'r', 'r']));
  }
  const sourceRows = Object.entries(stats.sources)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([name, s]) => [name, s.docs_in, s.kept, s.rejected, s.duplicates, percent(s.kept, s.docs_in), (s.chars_kept / 1e6).toFixed(2), s.tokens]);
  parts.push('');
  parts.push(table(['source', 'in', 'kept', 'rejected', 'duplicates', 'kept %', 'kept MB', 'tokens'], sourceRows));
  const time = renderTime(stats);
  if (time) parts.push('', time);
  return parts.join('\n');
}

const seconds = (s: number): string => s.toFixed(2);

/**
 * Where the run's time went: each phase's task seconds and CPU seconds (summed over its tasks,
 * so tasks that ran side by side add up), and the throughput per core: input bytes and
 * documents per CPU-second of the tasks. The leader's own start, plan and final merge are
 * outside the tasks, so a whole `sluice run` costs somewhat more CPU than this counts.
 */
export function renderTime(stats: Pick<StatsFile, 'tasks' | 'input_bytes' | 'ledger'>): string | undefined {
  if (stats.tasks.length === 0) return undefined;
  const cpu = tasksCpuSeconds(stats.tasks);
  const withCpu = cpu !== undefined;
  const rows = stats.tasks.map((t) => [t.phase, t.tasks, seconds(t.seconds), ...(withCpu ? [seconds(t.cpu_seconds!)] : [])]);
  const taskSeconds = stats.tasks.reduce((s, t) => s + t.seconds, 0);
  rows.push(['total', stats.tasks.reduce((s, t) => s + t.tasks, 0), seconds(taskSeconds), ...(withCpu ? [seconds(cpu)] : [])]);
  const out = [table(['phase', 'tasks', 'task seconds', ...(withCpu ? ['CPU seconds'] : [])], rows)];
  if (withCpu && cpu > 0) {
    const docs = stats.ledger.docs_in;
    const input = stats.input_bytes === undefined ? '' : `${decimalAmount(stats.input_bytes)} of input, `;
    const byteRate = stats.input_bytes === undefined ? '' : `${decimalAmount(stats.input_bytes / cpu)}/s and `;
    out.push(
      '',
      `throughput: ${input}${docs.toLocaleString('en-US')} documents in ${seconds(cpu)} CPU-seconds of tasks: ${byteRate}${Math.round(docs / cpu).toLocaleString('en-US')} documents/s per core`,
    );
  }
  return out.join('\n');
}

const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** A bar of `value / max` of `width` cells, in eighths of a cell: `█████▍`. */
export function bar(value: number, max: number, width = 30): string {
  if (max <= 0 || value <= 0) return '';
  const eighths = Math.max(1, Math.round((value / max) * width * 8));
  return '█'.repeat(eighths >> 3) + EIGHTHS[eighths & 7]!;
}

/** Rows of label and counts, with a bar scaled to the largest row: the first count in `█`, a second (dropped) after it in `░`. */
function barTable(head: string[], rows: [string, number, number?][]): string {
  const WIDTH = 30;
  const max = Math.max(0, ...rows.map((r) => r[1] + (r[2] ?? 0)));
  const glyphs = ([, kept, dropped = 0]: [string, number, number?]): string => {
    const k = bar(kept, max, WIDTH);
    return dropped > 0 ? k + '░'.repeat(Math.max(1, Math.round((dropped / max) * WIDTH))) : k;
  };
  return table(
    [...head, ''],
    rows.map((r) => [...r.filter((c) => c !== undefined), glyphs(r)]),
    head.map((_, i) => (i === 0 ? 'l' : 'r') as 'l' | 'r').concat(['l']),
  );
}

/** Length buckets (four per doubling) folded to one row per doubling, for a terminal. */
function perDoubling(h: Histogram): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, n] of Object.entries(h)) {
    const lo = Number(k);
    const key = lo < 1 ? 0 : 2 ** Math.floor(Math.log2(lo));
    out.set(key, (out.get(key) ?? 0) + n);
  }
  return out;
}

/**
 * `sluice stats`' distributions: the histograms of stats.json (language, tokens per document,
 * duplicate clusters) and, from report-data.json, each source's document lengths, kept and
 * dropped, and the scores stages recorded; the same numbers `sluice report` charts.
 */
export function renderDistributions(stats: StatsFile, data?: ReportData): string {
  const parts: string[] = [];
  for (const [name, h] of Object.entries(stats.histograms).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const keys = Object.keys(h);
    const numeric = keys.every((k) => /^\d/.test(k));
    const ordered = numeric ? keys.sort((a, b) => parseInt(a, 10) - parseInt(b, 10)) : keys.sort((a, b) => h[b]! - h[a]! || (a < b ? -1 : 1));
    parts.push(
      `${name}\n${barTable(
        [name === 'language' ? 'language' : 'bucket', 'docs'],
        ordered.map((k) => [k, h[k]!]),
      )}`,
    );
  }
  for (const source of Object.keys(data?.sources ?? {}).sort()) {
    const s = data!.sources[source]!;
    const kept = perDoubling(s.chars.kept);
    const dropped = perDoubling(s.chars.dropped);
    const keys = [...new Set([...kept.keys(), ...dropped.keys()])].sort((a, b) => a - b);
    const label = (lo: number): string => (lo < 1 ? '0' : lo === 1 ? '1' : `${lo}-${lo * 2 - 1}`);
    parts.push(
      `${source}: characters per document (█ kept, ░ dropped)\n${barTable(
        ['chars', 'kept', 'dropped'],
        keys.map((k) => [label(k), kept.get(k) ?? 0, dropped.get(k) ?? 0]),
      )}`,
    );
    for (const [name, d] of Object.entries(s.numbers).sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (s.reader_fields[name] !== undefined) continue; // a reader's field, not a stage's score
      const buckets = sortedBuckets([...Object.keys(d.kept), ...Object.keys(d.dropped)].filter((k, i, all) => all.indexOf(k) === i));
      parts.push(
        `${source}: ${name} (█ kept, ░ dropped)\n${barTable(
          [name, 'kept', 'dropped'],
          buckets.map((k) => [scoreBucketLabel(k), d.kept[k] ?? 0, d.dropped[k] ?? 0]),
        )}`,
      );
    }
  }
  return parts.join('\n\n');
}

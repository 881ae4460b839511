import { orderedStages } from '../core/stats.js';
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
  return parts.join('\n');
}

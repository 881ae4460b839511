/** Plain-text tables for terminals and logs (no colours, so CI logs stay readable). */
export function table(headers: string[], rows: (string | number)[][], align?: ('l' | 'r')[]): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const fmt = (r: (string | number)[]) =>
    r
      .map((c, i) => {
        const s = String(c ?? '');
        const a = align?.[i] ?? (i === 0 ? 'l' : 'r');
        return a === 'l' ? s.padEnd(widths[i]!) : s.padStart(widths[i]!);
      })
      .join('  ')
      .trimEnd();
  return [fmt(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(fmt)].join('\n');
}

export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}

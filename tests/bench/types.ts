/** One measured figure. Benchmarks return lists of these; main.ts prints them as a table and writes JSON. */
export interface BenchRow {
  bench: string;
  variant: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

/**
 * What a report reads from an output directory, as plain shapes (the runner writes them:
 * stats.json, manifest.json, report-data.json), so this area does not depend on the runner.
 */
import type { JsonValue } from '../core/doc.js';
import type { Histogram, Ledger, PhaseTime, SourceCounts, StageCounts } from '../core/stats.js';
import type { ReportData } from './collect.js';

export interface StatsView {
  name: string;
  created: string;
  ledger: Ledger & { balanced: boolean };
  stages: Record<string, StageCounts>;
  sources: Record<string, SourceCounts>;
  histograms: Record<string, Histogram>;
  tasks: PhaseTime[];
}

export interface ManifestView {
  rows: number;
  tokens: number;
  bytes: number;
  shards: { path: string; rows: number; bytes: number; sha256: string; tokens: number }[];
  tokenizer?: JsonValue;
}

export interface RunView {
  /** The output directory as the user named it. */
  dir: string;
  stats: StatsView;
  /** Absent when the run has not finished (stats.json is written before the manifest). */
  manifest?: ManifestView;
  /** Absent for runs of older versions or run with SLUICE_REPORT=off: no distributions or samples then. */
  data?: ReportData;
}

import type { JsonValue } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { emptyStats, ledgerBalance, mergeStats, tasksCpuSeconds, type PhaseTime, type RunStats } from '../core/stats.js';
import { canonicalReportData, emptyReportData, mergeReportData } from '../report/collect.js';
import type { LoadedPipeline } from '../config/load.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { OutputLayout } from './layout.js';
import type { PhaseSpec } from './pipeline.js';
import type { Plan } from './plan.js';
import { removeUnclaimedOutputs } from './leftovers.js';
import { readMarker, type TaskMarker } from './marker.js';

// a type alias (not an interface) so it is assignable to JsonValue
export type ManifestShard = {
  /** Relative to the output directory. */
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
  tokens: number;
};

/** `<dir>/manifest.json`, written last: its presence means the output is complete. */
export interface Manifest {
  format: 'sluice-shards';
  version: 1;
  name: string;
  created: string;
  config_sha256: string;
  /** The validated pipeline (with defaults filled in) and the file it came from. */
  pipeline: JsonValue;
  pipeline_yaml: string;
  tasks: number;
  rows: number;
  tokens: number;
  bytes: number;
  shards: ManifestShard[];
  stats: 'stats.json';
  [fact: string]: JsonValue;
}

export interface StatsFile extends RunStats {
  name: string;
  created: string;
  ledger: RunStats['ledger'] & { balanced: boolean };
  tasks: PhaseTime[];
  /** Bytes of the inputs as stored (compressed ones compressed), from the plan; absent when one has no known size (stdin). */
  input_bytes?: number;
}

/** What the inputs weigh as stored: each unit's piece, or its whole file or tree; undefined when a size is unknown. */
export function inputBytes(plan: Pick<Plan, 'units'>): number | undefined {
  let total = 0;
  for (const unit of plan.units) {
    const bytes = unit.range ? unit.range.end - unit.range.start : unit.fingerprint?.size;
    if (bytes === undefined) return undefined;
    total += bytes;
  }
  return total;
}

function phaseTime(phase: string, markers: TaskMarker[]): PhaseTime {
  const time: PhaseTime = { phase, tasks: markers.length, seconds: markers.reduce((s, m) => s + m.seconds, 0) };
  const cpu = tasksCpuSeconds(markers);
  if (cpu !== undefined) time.cpu_seconds = Math.round(cpu * 1000) / 1000;
  return time;
}

export interface FinalReport {
  stats: StatsFile;
  manifest: Manifest;
}

/** Markers of every task of every phase, or undefined while any is missing. */
export async function collectMarkers(layout: OutputLayout, phases: PhaseSpec[]): Promise<Map<string, TaskMarker[]> | undefined> {
  const all = new Map<string, TaskMarker[]>();
  for (const phase of phases) {
    const markers: TaskMarker[] = [];
    for (let rank = 0; rank < phase.tasks; rank++) {
      const m = await readMarker(layout, phase.id, rank);
      if (!m) return undefined;
      markers.push(m);
    }
    all.set(phase.id, markers);
  }
  return all;
}

/**
 * Removes what interrupted attempts left (leftovers.ts), merges task stats, checks the ledger and
 * writes stats.json then manifest.json. Safe to run twice or from two processes at once: both
 * write the same files atomically.
 */
export async function finalizeRun(layout: OutputLayout, loaded: LoadedPipeline, plan: Plan, phases: PhaseSpec[], facts: Record<string, JsonValue>, log?: Logger): Promise<FinalReport | undefined> {
  const markers = await collectMarkers(layout, phases);
  if (!markers) return undefined;
  const finalPhase = phases.filter((p) => p.kind === 'docs').at(-1)!;
  const unclaimed = await removeUnclaimedOutputs(layout, markers, finalPhase.id);
  if (unclaimed.length > 0)
    log?.warn(`removed ${unclaimed.length} file(s) that interrupted attempts left and no finished task claims: ${unclaimed.slice(0, 5).join(', ')}${unclaimed.length > 5 ? ', ...' : ''}`);
  const merged = emptyStats();
  const report = emptyReportData();
  let reported = false;
  const taskTimes: StatsFile['tasks'] = [];
  for (const [phase, list] of markers) {
    for (const m of list) {
      mergeStats(merged, m.stats);
      if (m.report) mergeReportData(report, m.report);
      reported ||= m.report !== undefined;
    }
    taskTimes.push(phaseTime(phase, list));
  }
  const shards: ManifestShard[] = markers
    .get(finalPhase.id)!
    .flatMap((m) => m.shards)
    .map((s) => ({ path: `shards/${s.path}`, rows: s.rows, bytes: s.bytes, sha256: s.sha256, tokens: s.tokens }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));

  const balance = ledgerBalance(merged.ledger);
  const rows = shards.reduce((s, x) => s + x.rows, 0);
  const created = new Date().toISOString();
  const input = inputBytes(plan);
  const stats: StatsFile = {
    name: loaded.config.name,
    created,
    ...merged,
    ledger: { ...merged.ledger, balanced: balance === 0 && rows === merged.ledger.kept },
    tasks: taskTimes,
    ...(input === undefined ? {} : { input_bytes: input }),
  };
  // before stats.json, so a finished run's report data is never older than its stats
  if (reported) await writeFileAtomic(layout.reportData, JSON.stringify(canonicalReportData(report)) + '\n');
  await writeFileAtomic(layout.stats, JSON.stringify(stats, null, 2) + '\n');
  if (balance !== 0) {
    const l = merged.ledger;
    throw new SluiceError('SLUICE_LEDGER_MISMATCH', `ledger does not balance: ${l.docs_in} in != ${l.kept} kept + ${l.rejected} rejected + ${l.duplicates} duplicates (off by ${balance})`, {
      file: layout.stats,
      hint: "a stage dropped documents without rejecting them; stats.json shows each stage's in and out",
    });
  }
  if (rows !== merged.ledger.kept) {
    throw new SluiceError('SLUICE_LEDGER_MISMATCH', `shards hold ${rows} rows but the ledger kept ${merged.ledger.kept}`, { file: layout.stats });
  }
  const manifest: Manifest = {
    format: 'sluice-shards',
    version: 1,
    name: loaded.config.name,
    created,
    config_sha256: plan.config_sha256,
    pipeline: JSON.parse(JSON.stringify(loaded.config)) as JsonValue,
    pipeline_yaml: loaded.text,
    tasks: plan.world,
    rows,
    tokens: shards.reduce((s, x) => s + x.tokens, 0),
    bytes: shards.reduce((s, x) => s + x.bytes, 0),
    ...facts,
    shards,
    stats: 'stats.json',
  };
  await writeFileAtomic(layout.manifest, JSON.stringify(manifest, null, 2) + '\n');
  return { stats, manifest };
}

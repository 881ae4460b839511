import { SluiceError } from '../core/errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { readMarker } from './marker.js';
import type { RunSlice } from './sorted-keys.js';
import type { DedupWorkLayout } from './work-layout.js';

/** What one task's collect wrote; written last, so its presence means the task's files are complete. */
export interface CollectManifest {
  rank: number;
  world: number;
  /** Digest of the hashing parameters; every task of a run must agree. */
  params: string;
  docs: number;
  /** Documents that got keys (the rest had no shingles or lacked the field). */
  indexed: number;
  /** One sorted run per band (exact dedup: one): its row count and key-range starts. */
  runs: { rows: number; ranges: number[] }[];
}

export async function writeCollectManifest(layout: DedupWorkLayout, m: CollectManifest): Promise<void> {
  await writeFileAtomic(layout.collectManifest(m.rank), JSON.stringify(m) + '\n');
}

/** Reads what task `rank` collected. */
export function readCollectManifest(layout: DedupWorkLayout, rank: number): CollectManifest {
  return readMarker<CollectManifest>(
    layout.collectManifest(rank),
    `task ${rank} has not finished collecting`,
    'every task of the phase before a dedup barrier must finish first; rerun the same command to resume',
  );
}

/** Reads every task's manifest and checks they belong to this run and these parameters. */
export function readCollectManifests(layout: DedupWorkLayout, world: number, params: string): CollectManifest[] {
  const out: CollectManifest[] = [];
  for (let rank = 0; rank < world; rank++) {
    const path = layout.collectManifest(rank);
    const m = readCollectManifest(layout, rank);
    if (m.rank !== rank || m.world !== world) {
      throw new SluiceError('SLUICE_ARTEFACT', `${path} was written by task ${m.rank} of ${m.world}, expected ${rank} of ${world}`, { file: path, hint: 'rerun with --fresh' });
    }
    if (m.params !== params) {
      throw new SluiceError('SLUICE_ARTEFACT', `${path} was collected with different dedup parameters`, { file: path, hint: 'rerun with --fresh' });
    }
    out.push(m);
  }
  return out;
}

/** Row spans of key ranges [q0, q1) of run `run` in every task. */
export function slicesOf(layout: DedupWorkLayout, manifests: CollectManifest[], run: number, q0: number, q1: number): RunSlice[] {
  return manifests.map((m) => {
    const r = m.runs[run]!;
    return { path: layout.keys(m.rank, run), rank: m.rank, start: r.ranges[q0]!, end: r.ranges[q1]! };
  });
}
